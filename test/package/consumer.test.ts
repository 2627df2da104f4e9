/**
 * The package as another team gets it. `npm run pack` builds lib/ and packs it without the
 * repository's scripts. A project made like `cdktf init --template=typescript` today (see
 * consumer-project.ts) follows docs/consuming.md's install steps and tsconfig change exactly as
 * written, with the tarball for the package name; the template's own `npm run build` (tsc 6)
 * compiles examples/ and a composition with mismatched pod network modes; each example runs with
 * plain node on the machine's Node (`node examples/<example>/main.js`, as the docs run them) and on
 * Node 22 and 24 (all examples in one process), and the synthesized stacks are read back.
 * TypeScript 7 (the native compiler) type-checks the project, also without skipLibCheck; the
 * same project with `@cdktf/provider-aws` 21.22.1 (hashicorp/aws 6) type-checks with it and
 * synthesizes the examples; the template's runner, ts-node, runs an example.
 *
 * Cost: one pack, one full npm install (shared npm cache, preferring what it holds), a hard-linked
 * copy for aws 6 that swaps one package, the Node binaries fetched once into a cache folder
 * (toolchains.ts; TypeScript 7 is the repository's own type checker); installs, compiles and Node
 * lines run side by side; a Node line other than the machine's, and the aws 6 copy, load cdktf
 * and the providers once for all examples.
 */
import { builtinModules, createRequire } from "module";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  ConsumerProject,
  REPOSITORY_PACKAGE,
  createConsumerProject,
  filesBelow,
  variantOf,
} from "./consumer-project";
import { MISMATCHED_MODES_FILE, MISMATCHED_MODES_SOURCE } from "./mismatched-modes";
import { RunResult, run, runAsync, runAsyncStatus } from "./run";
import { badImports, brokenLinks } from "./shipped-docs";
import { NODE_VERSIONS, nodeBinary, typescript7 } from "./toolchains";
import { ENVIRONMENT_SCHEMA_FILE } from "../../stacks/environment/file";
import { HelmRelease, SynthJson, onlyResource, resourcesOf } from "../support/synth";

// npm's own range rules (the package ships no types; this is the one function used).
const semver = createRequire(__filename)("semver") as {
  satisfies(version: string, range: string): boolean;
};
const ROOT = path.resolve(__dirname, "../..");
const EXAMPLES = fs.readdirSync(path.join(ROOT, "examples"), { withFileTypes: true });
const EXAMPLE_NAMES = EXAMPLES.filter((e) => e.isDirectory()).map((e) => e.name);
const AWS_6 = "@cdktf/provider-aws@^21.22.1";

interface PackResult {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

interface NodeLine {
  readonly version: string;
  readonly binary: string;
}

let work: string;
let packed: PackResult;
let project: ConsumerProject;
let aws6: ConsumerProject;
let lines: NodeLine[];
let tsc7: string;
const timings: Record<string, number> = {};

const installed = (dir = project.dir) =>
  path.join(dir, "node_modules", ...REPOSITORY_PACKAGE.name.split("/"));
const outdir = (example: string, line = process.version, variant = "aws5") =>
  path.join(work, `out-${variant}-${line}-${example}`);

async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await step();
  } finally {
    timings[name] = (Date.now() - started) / 1000;
  }
}

/** Runs every example with `node examples/<example>/main.js`, as the docs do, into its own folder. */
async function runExamples(dir: string, node: string, line: string, variant: string) {
  for (const example of EXAMPLE_NAMES) {
    await runAsync(node, [path.join("examples", example, "main.js")], {
      cwd: dir,
      env: { CDKTF_OUTDIR: outdir(example, line, variant) },
    });
  }
}

/** Loads each example's main.js in turn, each with its own CDKTF_OUTDIR (argv: [example, outdir][]). */
const EXAMPLES_IN_TURN = `
  const path = require("path");
  for (const [example, outdir] of JSON.parse(process.argv[1])) {
    process.env.CDKTF_OUTDIR = outdir;
    require(path.resolve("examples", example, "main.js"));
  }
`;

/**
 * Runs every example in one `node` process, each into its own folder: loading cdktf and the
 * providers once instead of once per example takes a third of the CPU. For the other Node lines
 * and the aws 6 variant, whose stacks the tests compare with the separate runs' or read alone.
 */
async function runExamplesInTurn(dir: string, node: string, line: string, variant: string) {
  const outdirs = EXAMPLE_NAMES.map((example) => [example, outdir(example, line, variant)]);
  await runAsync(node, ["-e", EXAMPLES_IN_TURN, JSON.stringify(outdirs)], { cwd: dir });
}

let mismatched: RunResult & { status: number | string };

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "consumer-"));
  const { stdout } = await timed("pack", () =>
    // As the README says to pack it: npm's run-script path (with its pre-script), not the file.
    runAsync("npm", ["run", "--silent", "pack", "--", work], { cwd: ROOT }),
  );
  [packed] = JSON.parse(stdout) as PackResult[];
  const tarball = path.join(work, packed.filename);
  let binaries: string[];
  tsc7 = typescript7();
  [project, binaries] = await Promise.all([
    timed("project (template, documented install)", () =>
      createConsumerProject(path.join(work, "project"), { tarball }),
    ),
    timed("node binaries", () => Promise.all(NODE_VERSIONS.map(nodeBinary))),
  ]);
  lines = [
    { version: process.version, binary: process.execPath },
    ...NODE_VERSIONS.map((version, i) => ({ version: `v${version}`, binary: binaries[i] })),
  ];
  fs.writeFileSync(path.join(project.dir, MISMATCHED_MODES_FILE), MISMATCHED_MODES_SOURCE);
  await timed("npm run build", () => runAsync("npm", ["run", "build"], { cwd: project.dir }));
  await Promise.all([
    timed("aws 6 variant", async () => {
      aws6 = await variantOf(project, path.join(work, "aws6"), { tarball, awsProvider: AWS_6 });
      // The JavaScript is the same for both providers (copied); the types are checked anew.
      await runAsync(process.execPath, [tsc7, "--noEmit", "--incremental", "false"], {
        cwd: aws6.dir,
      });
      await runExamplesInTurn(aws6.dir, process.execPath, process.version, "aws6");
    }),
    ...lines.map((line) =>
      timed(`examples on ${line.version}`, () =>
        (line.binary === process.execPath ? runExamples : runExamplesInTurn)(
          project.dir,
          line.binary,
          line.version,
          "aws5",
        ),
      ),
    ),
  ]);
  mismatched = await runAsyncStatus(
    process.execPath,
    [MISMATCHED_MODES_FILE.replace(/ts$/, "js")],
    {
      cwd: project.dir,
      env: { CDKTF_OUTDIR: path.join(work, "out-mismatched") },
    },
  );
}, 900_000);

afterAll(() => {
  process.stderr.write(
    `consumer test steps (s): ${Object.entries(timings)
      .map(([step, seconds]) => `${step} ${seconds.toFixed(1)}`)
      .join(", ")}\n`,
  );
  fs.rmSync(work, { recursive: true, force: true });
});

describe("npm run pack", () => {
  it("packs the compiled library, its assets, documents and examples, and nothing else", () => {
    const paths = packed.files.map((f) => f.path);
    const unexpected = paths.filter(
      (p) =>
        !/^lib\/(constructs|stacks)\/.+\.(js|d\.ts|d\.ts\.map)$/.test(p) &&
        !/^docs\/[^/]+\.md$/.test(p) &&
        !/^docs\/api\/.+\.md$/.test(p) &&
        !/^examples\/[^/]+\/(main\.ts|environments\/[^/]+\.yaml)$/.test(p) &&
        !["package.json", "README.md", "LICENSE", "CHANGELOG.md"].includes(p),
    );
    // Assets the compiled constructs load from beside themselves, and the environment files'
    // JSON Schema (not the repository's own environment files: a team writes its own).
    expect(unexpected.sort()).toEqual([
      "lib/constructs/karpenter/models/generated/karpenter-models.cjs",
      "lib/constructs/shared/manifests-chart/Chart.yaml",
      "lib/constructs/shared/manifests-chart/templates/_helpers.tpl",
      "lib/constructs/shared/manifests-chart/templates/manifests.yaml",
      "lib/constructs/shared/manifests-chart/values.yaml",
      "lib/constructs/shared/wait-for-condition/scripts/cluster-access.sh",
      "lib/constructs/shared/wait-for-condition/scripts/delete-on-destroy.sh",
      "lib/constructs/shared/wait-for-condition/scripts/wait-for-condition.sh",
      "lib/stacks/environment/environment.schema.json",
    ]);
    expect(paths).toEqual(
      expect.arrayContaining(["LICENSE", "CHANGELOG.md", "README.md", "docs/consuming.md"]),
    );
    // The repository's own folders (an asset folder of a construct may be called scripts/).
    expect(paths.filter((p) => /^(test|\.github|scripts|stacks|constructs)\//.test(p))).toEqual([]);
    expect(paths.filter((p) => /\.ts$/.test(p) && !p.endsWith(".d.ts"))).toEqual(
      EXAMPLE_NAMES.map((example) => `examples/${example}/main.ts`).sort(),
    );
    expect(paths).not.toContain("main.ts");
    expect(paths).not.toContain("cdktf.json");
  });

  it("ships a package.json without scripts or devDependencies, for Node 20, 22 and 24", () => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(installed(), "package.json"), "utf8"),
    ) as Record<string, unknown> & { engines: { node: string } };
    expect(manifest.scripts).toBeUndefined();
    expect(manifest.devDependencies).toBeUndefined();
    for (const line of lines) {
      expect(semver.satisfies(line.version, manifest.engines.node)).toBe(true);
    }
  });
});

describe("the documents in the installed package", () => {
  it("link only to files of the package", () => {
    expect(brokenLinks(installed())).toEqual([]);
  });

  it("import in their examples only what the package and its dependencies provide", () => {
    expect(badImports(installed(), REPOSITORY_PACKAGE.name)).toEqual([]);
  });
});

describe("a project from today's cdktf init that follows docs/consuming.md", () => {
  it("installs as documented, without engine warnings, script warnings or the model packages", () => {
    expect(project.installOutput).not.toContain("ERESOLVE");
    expect(project.installOutput).not.toContain("EBADENGINE");
    const scripts = project.installOutput
      .split("\n")
      .filter((line) => line.includes("install-scripts") && line.includes("cdktf-toolkit"));
    expect(scripts).toEqual([]);
    expect(fs.existsSync(path.join(project.dir, "node_modules", "@kubernetes-models"))).toBe(false);
  });

  it("installs runtime packages that accept every supported Node line", () => {
    const lock = JSON.parse(
      fs.readFileSync(path.join(project.dir, "package-lock.json"), "utf8"),
    ) as { packages: Record<string, { dev?: boolean; engines?: { node?: string } }> };
    for (const line of lines) {
      const refused = Object.entries(lock.packages)
        .filter(([, p]) => !p.dev && p.engines?.node !== undefined)
        .filter(([, p]) => !semver.satisfies(line.version, p.engines!.node!))
        .map(([name, p]) => `${name} (${p.engines!.node})`);
      expect({ line: line.version, refused }).toEqual({ line: line.version, refused: [] });
    }
  });

  it("gets declarations and code that import only its dependencies, peers and Node built-ins", () => {
    const pkg = REPOSITORY_PACKAGE;
    const allowed = new Set([
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.peerDependencies ?? {}),
      ...builtinModules,
    ]);
    const lib = path.join(installed(), "lib");
    // The bundle is left out: it is self-contained, and its generated code quotes require calls.
    const files = filesBelow(lib, [".d.ts", ".js"]);
    expect(files.length).toBeGreaterThan(100);
    const imported = new Set<string>();
    for (const file of files) {
      const text = fs.readFileSync(path.join(lib, file), "utf8");
      for (const [, specifier] of text.matchAll(/(?:from |import\(|require\()"([^".][^"]*)"/g)) {
        const parts = specifier.split("/");
        imported.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]);
      }
    }
    expect([...imported].filter((name) => !allowed.has(name))).toEqual([]);
    expect(imported).toContain("@cdktf/provider-aws");
  });

  it("imports every module without output on every Node line, loading the Karpenter models only when used", async () => {
    const script = `
      const fs = require("fs"), path = require("path");
      const lib = path.join(path.dirname(require.resolve(${JSON.stringify(`${REPOSITORY_PACKAGE.name}/package.json`)})), "lib");
      for (const file of fs.readdirSync(lib, { recursive: true })) {
        if (file.endsWith(".js")) require(path.join(lib, file));
      }
      require(${JSON.stringify(REPOSITORY_PACKAGE.name)});
      require(${JSON.stringify(`${REPOSITORY_PACKAGE.name}/stacks`)});
      const loaded = Object.keys(require.cache).filter((f) => f.endsWith("karpenter-models.cjs"));
      if (loaded.length > 0) throw new Error("loaded at import: " + loaded.join(", "));
    `;
    for (const line of lines) {
      const { stdout, stderr } = await runAsync(line.binary, ["-e", script], { cwd: project.dir });
      expect(`${line.version}: ${stdout}${stderr}`).toBe(`${line.version}: `);
    }
  });

  it("type-checks the examples with the template's settings, and with TypeScript 7 (native), also without skipLibCheck", () => {
    // beforeAll compiled them with the template's `npm run build` (TypeScript 6).
    for (const example of EXAMPLE_NAMES) {
      expect(fs.existsSync(path.join(project.dir, "examples", example, "main.js"))).toBe(true);
    }
    const { stdout } = run(process.execPath, [tsc7, "--version"], { cwd: project.dir });
    expect(stdout).toMatch(/^Version 7\./);
    run(process.execPath, [tsc7, "--noEmit", "--skipLibCheck", "false", "--incremental", "false"], {
      cwd: project.dir,
    });
  });

  it("runs an example with the template's runner, ts-node", () => {
    const out = path.join(work, "out-ts-node");
    run("npx", ["ts-node", path.join("examples", "environment-files", "main.ts")], {
      cwd: project.dir,
      env: { CDKTF_OUTDIR: out },
    });
    expect(fs.readdirSync(path.join(out, "stacks")).sort()).toEqual([
      "team-dev-bootstrap",
      "team-dev-infra",
      "team-dev-platform",
    ]);
  });

  it("refuses a composition that gives one cluster two pod network modes, naming both, writing no stack", () => {
    expect(mismatched.status).not.toBe(0);
    expect(mismatched.stderr).toContain(
      'pod network mode "ipip" disagrees with "vxlan" of team-infra/karpenter (KarpenterAws)',
    );
    expect(mismatched.stderr).toContain('"vxlan" of team-platform/calico (Calico)');
    const stacks = path.join(work, "out-mismatched", "stacks");
    expect(fs.existsSync(stacks) ? fs.readdirSync(stacks) : []).toEqual([]);
  });

  it.each(NODE_VERSIONS.flatMap((v) => EXAMPLE_NAMES.map((example) => [`v${v}`, example])))(
    "runs on Node %s examples/%s into the same stacks as on the machine's Node",
    (line, example) => {
      const stacks = fs.readdirSync(path.join(outdir(example), "stacks")).sort();
      expect(fs.readdirSync(path.join(outdir(example, line), "stacks")).sort()).toEqual(stacks);
      for (const stack of stacks) {
        expect(stackJson(outdir(example, line), stack)).toEqual(stackJson(outdir(example), stack));
      }
    },
  );

  it.each(EXAMPLE_NAMES)(
    "compiles and synthesizes examples/%s against @cdktf/provider-aws 21.22.1 (hashicorp/aws 6)",
    (example) => {
      const version = JSON.parse(
        fs.readFileSync(
          path.join(aws6.dir, "node_modules", "@cdktf", "provider-aws", "package.json"),
          "utf8",
        ),
      ) as { version: string };
      expect(version.version).toBe("21.22.1");
      for (const stack of fs.readdirSync(
        path.join(outdir(example, process.version, "aws6"), "stacks"),
      )) {
        const json = stackJson(outdir(example, process.version, "aws6"), stack);
        const aws = (json.terraform?.required_providers as Record<string, { version: string }>)
          ?.aws;
        if (aws) expect(aws.version).toBe("6.25.0");
      }
    },
  );

  it.each(EXAMPLE_NAMES)(
    "runs examples/%s with plain node into stacks with S3 state",
    (example) => {
      const stacks = fs.readdirSync(path.join(outdir(example), "stacks"));
      expect(stacks.length).toBeGreaterThan(0);
      for (const stack of stacks) {
        // A bootstrap stack keeps its own state local until it moves into the bucket it creates.
        const backend = stack.endsWith("-bootstrap") ? "local" : "s3";
        expect(stackJson(outdir(example), stack).terraform?.backend).toHaveProperty(backend);
      }
    },
  );

  it("reads a folder of environment files, each naming the JSON Schema the package ships", () => {
    expect(fs.readdirSync(path.join(outdir("environment-files"), "stacks")).sort()).toEqual([
      "team-dev-bootstrap",
      "team-dev-infra",
      "team-dev-platform",
    ]);
    const environments = path.join(project.dir, "examples", "environment-files", "environments");
    for (const file of fs.readdirSync(environments)) {
      const text = fs.readFileSync(path.join(environments, file), "utf8");
      const [, reference] = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text) ?? [];
      const schema = path.resolve(environments, String(reference));
      expect(schema.startsWith(installed())).toBe(true);
      expect(fs.readFileSync(schema, "utf8")).toBe(
        fs.readFileSync(ENVIRONMENT_SCHEMA_FILE, "utf8"),
      );
    }
  });

  it("builds an EKS cluster in a VPC it does not create, from Terraform variables", () => {
    const stack = stackJson(outdir("eks-existing-vpc"), "byo-vpc-infra");
    expect(resourcesOf(stack, "aws_vpc")).toEqual({});
    expect(resourcesOf(stack, "aws_subnet")).toEqual({});
    expect(Object.keys(stack.variable ?? {}).sort()).toEqual([
      "control_plane_subnet_ids",
      "node_subnet_ids",
      "vpc_cidr",
      "vpc_id",
    ]);
    const cluster = onlyResource<{ vpc_config: { subnet_ids: string } }>(stack, "aws_eks_cluster");
    expect(cluster.vpc_config.subnet_ids).toBe("${var.control_plane_subnet_ids}");
    const tag = onlyResource<Record<string, string>>(stack, "aws_ec2_tag");
    expect(tag).toMatchObject({
      for_each: "${toset(var.node_subnet_ids)}",
      key: "karpenter.sh/discovery",
      value: "byo-vpc",
    });
    expect(Object.keys(resourcesOf(stack, "aws_sqs_queue"))).toHaveLength(1);
    expect(Object.keys(resourcesOf(stack, "aws_kms_key"))).toHaveLength(1);
  });

  it("runs VXLAN with the system nodes after Calico and the team's own node pools", () => {
    const infra = stackJson(outdir("vxlan-node-pools"), "vxlan-infra");
    expect(Object.keys(resourcesOf(infra, "aws_vpc"))).toHaveLength(1);
    expect(onlyResource(infra, "aws_eks_cluster")).toMatchObject({
      bootstrap_self_managed_addons: false,
    });
    expect(resourcesOf(infra, "aws_eks_node_group")).toEqual({});

    const platform = stackJson(outdir("vxlan-node-pools"), "vxlan-platform");
    const calico = release(platform, "calico");
    const network = (JSON.parse(calico.values[0]) as CalicoValues).installation.calicoNetwork;
    expect(network.bgp).toBe("Disabled");
    expect(network.ipPools[0].encapsulation).toBe("VXLAN");
    const nodeGroup = onlyResource<{ depends_on: string[] }>(platform, "aws_eks_node_group");
    expect(nodeGroup.depends_on).toEqual([expect.stringMatching(/^helm_release\.calico_operator/)]);
    const pools = manifests(release(platform, "karpenter-node-pools")).filter(
      (m) => m.kind === "NodePool",
    );
    expect(pools.map((p) => p.metadata.name)).toEqual(["services", "batch-spot"]);
    expect(release(platform, "nginx-ingress")).toBeDefined();
  });

  it("announces MetalLB's routed pool to both routers over BGP, beside Calico VXLAN", () => {
    const platform = stackJson(outdir("onprem-metallb-bgp"), "lab-platform");
    const calico = JSON.parse(release(platform, "calico").values[0]) as CalicoValues;
    expect(calico.installation.calicoNetwork.bgp).toBe("Disabled");
    const objects = manifests(release(platform, "metallb-resources"));
    expect(objects.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      "IPAddressPool/routed",
      "BGPPeer/tor-a",
      "BGPPeer/tor-b",
      "BGPAdvertisement/bgp",
    ]);
    expect(objects[0]).toMatchObject({ spec: { addresses: ["198.51.100.0/27"] } });
    const ingress = JSON.parse(release(platform, "nginx-ingress").values[0]) as {
      controller: { service: { annotations: Record<string, string> } };
    };
    expect(ingress.controller.service.annotations).toMatchObject({
      "metallb.io/loadBalancerIPs": "198.51.100.10",
      "metallb.io/address-pool": "routed",
    });
  });

  it("together composes Vpc, KmsKey, EksCluster, KarpenterAws, Calico, MetalLb and NginxIngress", () => {
    const stacks = EXAMPLE_NAMES.flatMap((example) =>
      fs
        .readdirSync(path.join(outdir(example), "stacks"))
        .map((s) => stackJson(outdir(example), s)),
    );
    const types = new Set(stacks.flatMap((stack) => Object.keys(stack.resource ?? {})));
    const releases = new Set(
      stacks.flatMap((stack) =>
        Object.values(resourcesOf<HelmRelease>(stack, "helm_release")).map((r) => r.name),
      ),
    );
    // Vpc, KmsKey, EksCluster, KarpenterAws (interruption queue and Pod Identity).
    for (const type of [
      "aws_vpc",
      "aws_kms_key",
      "aws_eks_cluster",
      "aws_sqs_queue",
      "aws_eks_pod_identity_association",
    ]) {
      expect(types).toContain(type);
    }
    // Calico, MetalLb, NginxIngress (F5).
    for (const name of ["calico", "metallb", "nginx-ingress"]) expect(releases).toContain(name);
  });
});

interface CalicoValues {
  readonly installation: {
    readonly calicoNetwork: { bgp: string; ipPools: { encapsulation: string }[] };
  };
}

interface Manifest {
  readonly kind: string;
  readonly metadata: { readonly name: string };
}

type StackJson = SynthJson & { readonly variable?: Record<string, unknown> };

function stackJson(outdir: string, stack: string): StackJson {
  return JSON.parse(
    fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"),
  ) as StackJson;
}

function release(stack: SynthJson, name: string): HelmRelease {
  const found = Object.values(resourcesOf<HelmRelease>(stack, "helm_release")).find(
    (r) => r.name === name,
  );
  if (!found) throw new Error(`no helm_release named ${name}`);
  return found;
}

function manifests(release: HelmRelease): Manifest[] {
  return (JSON.parse(release.values[0]) as { manifests: Manifest[] }).manifests;
}
