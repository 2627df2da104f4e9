import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "../../scripts/plan/cli";
import {
  annotationLine,
  orderStacks,
  readManifest,
  selectStacks,
} from "../../scripts/plan/manifest";
import { refusedProtectedAddresses } from "../../scripts/plan/protected";
import {
  baselineStackConfig,
  EMPTY_STACK_CONFIG,
  readStackConfig,
  stackConfig,
  stateBucketOf,
  withBaseline,
} from "../../scripts/plan/stack-config";
import {
  extractError,
  isProviderInstallError,
  providerInstallReason,
} from "../../scripts/plan/runner";

const s = (name: string, ...dependencies: string[]) => ({ name, dependencies });

describe("orderStacks", () => {
  it("puts dependencies first and keeps manifest order otherwise", () => {
    const ordered = orderStacks([
      s("dev-platform", "dev-infra"),
      s("onprem-platform"),
      s("dev-infra"),
      s("prod-infra"),
    ]);
    expect(ordered.map((x) => x.name)).toEqual([
      "dev-infra",
      "dev-platform",
      "onprem-platform",
      "prod-infra",
    ]);
  });

  it("rejects cycles and unknown dependencies", () => {
    expect(() => orderStacks([s("a", "b"), s("b", "a")])).toThrow(
      "stack dependency cycle: a -> b -> a",
    );
    expect(() => orderStacks([s("a", "ghost")])).toThrow(
      "stack a depends on ghost, which is not in the manifest",
    );
  });
});

describe("selectStacks", () => {
  const ordered = [s("dev-infra"), s("dev-platform", "dev-infra")];
  it("keeps dependency order and rejects unknown names", () => {
    expect(selectStacks(ordered, ["dev-platform", "dev-infra"]).map((x) => x.name)).toEqual([
      "dev-infra",
      "dev-platform",
    ]);
    expect(selectStacks(ordered, [])).toHaveLength(2);
    expect(() => selectStacks(ordered, ["qa-infra"])).toThrow(
      "unknown stack(s) qa-infra; the app has dev-infra, dev-platform",
    );
  });
});

describe("readManifest and baselineStackConfig", () => {
  it("resolves stack paths against the synth output and reads the base branch's configuration", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "manifest-"));
    fs.mkdirSync(path.join(outdir, "stacks", "dev-infra"), { recursive: true });
    const annotation = {
      constructPath: "dev-infra/backend",
      level: "@cdktf/warn",
      message: "PLT-STATE-2: the state is on local disk",
    };
    fs.writeFileSync(
      path.join(outdir, "manifest.json"),
      JSON.stringify({
        stacks: {
          "dev-infra": {
            name: "dev-infra",
            workingDirectory: "stacks/dev-infra",
            synthesizedStackPath: "stacks/dev-infra/cdk.tf.json",
            dependencies: [],
            annotations: [annotation],
          },
        },
      }),
    );
    fs.writeFileSync(
      path.join(outdir, "stacks", "dev-infra", "cdk.tf.json"),
      JSON.stringify({
        resource: {
          aws_kms_key: {
            k: {
              "//": { metadata: { path: "dev-infra/kms/key" } },
              lifecycle: { prevent_destroy: true },
            },
          },
        },
      }),
    );
    expect(readManifest(outdir)).toEqual([
      {
        name: "dev-infra",
        workingDirectory: path.join(outdir, "stacks/dev-infra"),
        synthesizedStackPath: path.join(outdir, "stacks/dev-infra/cdk.tf.json"),
        dependencies: [],
        annotations: [annotation],
      },
    ]);
    expect(annotationLine(annotation)).toBe(
      "WARN [dev-infra/backend]: PLT-STATE-2: the state is on local disk",
    );
    expect(baselineStackConfig(outdir, "dev-infra")).toMatchObject({
      preventDestroy: ["aws_kms_key.k"],
      constructPaths: { "aws_kms_key.k": "dev-infra/kms/key" },
    });
    expect(baselineStackConfig(outdir, "new-stack")).toEqual(EMPTY_STACK_CONFIG);
    fs.rmSync(outdir, { recursive: true, force: true });
    expect(() => readManifest(outdir)).toThrow("manifest.json does not exist: synthesize first");
  });

  it("refuses a manifest or stack file it cannot use, naming the file and the entry", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "manifest-"));
    const manifest = path.join(outdir, "manifest.json");
    const stack = (fields: Record<string, unknown>) => ({
      name: "dev-infra",
      workingDirectory: "stacks/dev-infra",
      synthesizedStackPath: "stacks/dev-infra/cdk.tf.json",
      ...fields,
    });
    const cases: [string, string][] = [
      ["{bad", "not JSON"],
      [JSON.stringify({ stacks: { a: null } }), 'stacks["a"] is not an object'],
      [JSON.stringify({ stacks: { a: stack({ name: 7 }) } }), 'stacks["a"].name is not a string'],
      [
        JSON.stringify({ stacks: { a: stack({ name: "x <img src=x>" }) } }),
        'stacks["a"].name "x <img src=x>" is not a stack name',
      ],
      [
        JSON.stringify({ stacks: { a: stack({ synthesizedStackPath: "../../../etc/passwd" }) } }),
        'stacks["a"].synthesizedStackPath "../../../etc/passwd" is outside the synth output',
      ],
      [
        JSON.stringify({ stacks: { a: stack({ workingDirectory: "/tmp" }) } }),
        'stacks["a"].workingDirectory "/tmp" is outside the synth output',
      ],
    ];
    try {
      for (const [text, problem] of cases) {
        fs.writeFileSync(manifest, text);
        expect(() => readManifest(outdir)).toThrow(`${manifest}: ${problem}`);
      }
      fs.rmSync(manifest);
      fs.mkdirSync(manifest);
      expect(() => readManifest(outdir)).toThrow(
        `cannot read manifest ${manifest}: not a regular file`,
      );
      const config = path.join(outdir, "cdk.tf.json");
      fs.writeFileSync(config, JSON.stringify({ resource: { t: null } }));
      expect(() => readStackConfig(config)).toThrow(`${config}: not a synthesized stack (`);
      const missing = path.join(outdir, "missing.json");
      expect(() => readStackConfig(missing)).toThrow(`cannot read stack ${missing}: no such file`);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe("stack configuration", () => {
  const config = {
    terraform: { backend: { s3: { bucket: "dev-tfstate", key: "dev/dev-infra.tfstate" } } },
    resource: {
      aws_s3_bucket: {
        state: {
          "//": { metadata: { path: "dev-bootstrap/state-bucket", uniqueId: "state" } },
          lifecycle: { prevent_destroy: true },
        },
        logs: {},
      },
      aws_kms_key: { k: { lifecycle: { prevent_destroy: false } } },
    },
  };

  it("reads prevent_destroy and construct paths from synthesized JSON", () => {
    expect(stackConfig(config)).toMatchObject({
      preventDestroy: ["aws_s3_bucket.state"],
      constructPaths: { "aws_s3_bucket.state": "dev-bootstrap/state-bucket" },
    });
    // A synthesized configuration says which steps have destroy-time provisioners: none here.
    expect(stackConfig({})).toEqual({ ...EMPTY_STACK_CONFIG, destroyTimeSteps: [] });
    expect(stateBucketOf(config)).toBe("dev-tfstate");
    expect(stateBucketOf({ terraform: { backend: { local: { path: "x" } } } })).toBeUndefined();
  });

  it("keeps what the base branch protects and names, the current configuration winning", () => {
    const current = {
      preventDestroy: ["aws_kms_key.a"],
      constructPaths: { "aws_kms_key.a": "s/a-renamed" },
    };
    const baseline = {
      preventDestroy: ["aws_kms_key.a", "aws_kms_key.b"],
      constructPaths: { "aws_kms_key.a": "s/a", "aws_kms_key.b": "s/b" },
    };
    expect(withBaseline(current, baseline)).toEqual({
      preventDestroy: ["aws_kms_key.a", "aws_kms_key.b"],
      constructPaths: { "aws_kms_key.a": "s/a-renamed", "aws_kms_key.b": "s/b" },
    });
  });

  it("reads refusals from Terraform's error", () => {
    const stderr =
      "Error: Instance cannot be destroyed\n\nResource aws_kms_key.a has lifecycle.prevent_destroy set, but...\n" +
      "Error: Instance cannot be destroyed\n\nResource aws_kms_key.a has lifecycle.prevent_destroy set, but...";
    expect(refusedProtectedAddresses(stderr)).toEqual(["aws_kms_key.a"]);
  });
});

describe("terraform errors", () => {
  const initError = [
    "╷",
    "│ Error: Failed to query available provider packages",
    "│ ",
    "│ Could not retrieve the list of available versions for provider",
    "│ hashicorp/helm: could not connect to registry.terraform.io",
    "╵",
  ].join("\n");

  it("condenses the first error into one line and recognises provider installation failures", () => {
    expect(extractError(initError)).toBe(
      "Failed to query available provider packages: Could not retrieve the list of available versions for provider hashicorp/helm: could not connect to registry.terraform.io",
    );
    expect(isProviderInstallError(initError)).toBe(true);
    expect(providerInstallReason(initError)).toBe(
      "hashicorp/helm (could not connect to registry.terraform.io)",
    );
    expect(isProviderInstallError("Error: Unsupported attribute")).toBe(false);
    expect(extractError("x".repeat(500), 20)).toHaveLength(20);
  });
});

describe("parseArgs", () => {
  it("reads stacks and options", () => {
    const args = parseArgs(
      [
        "dev-infra",
        "--offline",
        "--fail-on-destroy",
        "--fail-on-protected-destroy",
        "--no-synth",
        "--outdir",
        "out",
        "--max-chars",
        "21000",
      ],
      {},
    );
    expect(args).toMatchObject({
      stacks: ["dev-infra"],
      offline: true,
      failOnDestroy: true,
      failOnProtectedDestroy: true,
      synth: false,
      outdir: path.resolve("out"),
      maxChars: 21000,
    });
    expect(parseArgs([], { PLATFORM_OFFLINE: "1" }).offline).toBe(true);
    expect(parseArgs([], {})).toMatchObject({
      offline: false,
      failOnDestroy: false,
      failOnProtectedDestroy: false,
      maxChars: 64000,
    });
  });

  it("rejects unknown options and missing or out-of-range values", () => {
    expect(() => parseArgs(["--force"], {})).toThrow("unknown option --force");
    expect(() => parseArgs(["--outdir"], {})).toThrow("--outdir needs a directory");
    expect(() => parseArgs(["--protected-baseline", "--offline"], {})).toThrow(
      "--protected-baseline needs a directory",
    );
    expect(() => parseArgs(["--max-chars", "70000"], {})).toThrow(
      "--max-chars must be a whole number from 1000 to 65536",
    );
    expect(() => parseArgs(["--max-chars", "lots"], {})).toThrow("--max-chars must be");
    // Digits only, and a negative number is out of range rather than missing.
    for (const jobs of ["1e1", "0x4", " 2", "2.0", "-5"]) {
      expect(() => parseArgs(["--jobs", jobs], {})).toThrow(
        "--jobs must be a whole number from 1 to 16",
      );
    }
  });
});
