/**
 * The package as another team gets it. `npm pack` builds lib/ (prepack) and packs it; the
 * tarball's file list is what `npm pack --dry-run` prints. A fresh project shaped like
 * `cdktf init --template typescript` installs the tarball with only the peer packages beside it,
 * type-checks examples/ with the template's compiler settings (CommonJS, ES2018, strict,
 * skipLibCheck) and runs each example with plain node; the synthesized stacks are then read back.
 * Together the examples compose Vpc, KmsKey, EksCluster, KarpenterAws, Calico, MetalLb and
 * NginxIngress, and one reads a folder of environment files.
 */
import { builtinModules } from "module";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  REPOSITORY_PACKAGE,
  filesBelow,
  installConsumerProject,
  writeConsumerProject,
} from "./consumer-project";
import { run } from "./run";
import { ENVIRONMENT_SCHEMA_FILE } from "../../stacks/environment/file";
import { HelmRelease, SynthJson, onlyResource, resourcesOf } from "../support/synth";

const ROOT = path.resolve(__dirname, "../..");
const EXAMPLES = fs.readdirSync(path.join(ROOT, "examples"), { withFileTypes: true });
const EXAMPLE_NAMES = EXAMPLES.filter((e) => e.isDirectory()).map((e) => e.name);

interface PackResult {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

let work: string;
let packed: PackResult;
let project: string;
let installOutput: string;

const installed = () => path.join(project, "node_modules", ...REPOSITORY_PACKAGE.name.split("/"));
const outdir = (example: string) => path.join(work, `out-${example}`);

/** The project's own compiler, with the project's tsconfig (the template's). */
function tsc(...args: string[]): void {
  run(process.execPath, [path.join(project, "node_modules", "typescript", "bin", "tsc"), ...args], {
    cwd: project,
  });
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "consumer-"));
  const { stdout } = run("npm", ["pack", "--json", "--pack-destination", work], { cwd: ROOT });
  // Lifecycle scripts may print before the JSON document.
  [packed] = JSON.parse(stdout.slice(stdout.search(/^\[/m))) as PackResult[];
  project = path.join(work, "project");
  fs.mkdirSync(project);
  writeConsumerProject(project, path.join(work, packed.filename));
  installOutput = installConsumerProject(project);
  tsc();
  for (const example of EXAMPLE_NAMES) {
    run(process.execPath, [path.join("examples", example, "main.js")], {
      cwd: project,
      env: { CDKTF_OUTDIR: outdir(example) },
    });
  }
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("npm pack", () => {
  it("packs the compiled library, its assets and documents, and nothing else", () => {
    const paths = packed.files.map((f) => f.path);
    const unexpected = paths.filter(
      (p) =>
        !/^lib\/(constructs|stacks)\/.+\.(js|d\.ts|d\.ts\.map)$/.test(p) &&
        !/^docs\/[^/]+\.md$/.test(p) &&
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
    expect(paths.filter((p) => /(^|\/)(test|\.github|scripts|examples)\//.test(p))).toEqual([]);
    expect(paths.filter((p) => /\.ts$/.test(p) && !p.endsWith(".d.ts"))).toEqual([]);
    expect(paths).not.toContain("main.ts");
    expect(paths).not.toContain("cdktf.json");
  });
});

describe("a cdktf TypeScript project that installs the tarball", () => {
  it("installs without engine warnings and without the Karpenter model packages", () => {
    expect(installOutput).not.toContain("EBADENGINE");
    expect(fs.existsSync(path.join(project, "node_modules", "@kubernetes-models"))).toBe(false);
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

  it("imports every module without output, and loads the Karpenter models only when used", () => {
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
    const { stdout, stderr } = run(process.execPath, ["-e", script], { cwd: project });
    expect(`${stdout}${stderr}`).toBe("");
  });

  it("type-checks the examples with the template's settings, and without skipLibCheck", () => {
    // beforeAll compiled them with the template's tsconfig; this checks the declarations too.
    for (const example of EXAMPLE_NAMES) {
      expect(fs.existsSync(path.join(project, "examples", example, "main.js"))).toBe(true);
    }
    tsc("--noEmit", "--skipLibCheck", "false", "--incremental", "false");
  });

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
    const environments = path.join(project, "examples", "environment-files", "environments");
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
