import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { baselineProtected, parseArgs } from "../../scripts/plan/cli";
import { orderStacks, readManifest, selectStacks } from "../../scripts/plan/manifest";
import { protectedAddresses, refusedProtectedAddresses } from "../../scripts/plan/protected";
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

describe("readManifest and baselineProtected", () => {
  it("resolves stack paths against the synth output", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "manifest-"));
    fs.mkdirSync(path.join(outdir, "stacks", "dev-infra"), { recursive: true });
    fs.writeFileSync(
      path.join(outdir, "manifest.json"),
      JSON.stringify({
        stacks: {
          "dev-infra": {
            name: "dev-infra",
            workingDirectory: "stacks/dev-infra",
            synthesizedStackPath: "stacks/dev-infra/cdk.tf.json",
            dependencies: [],
          },
        },
      }),
    );
    fs.writeFileSync(
      path.join(outdir, "stacks", "dev-infra", "cdk.tf.json"),
      JSON.stringify({
        resource: { aws_kms_key: { k: { lifecycle: { prevent_destroy: true } } } },
      }),
    );
    expect(readManifest(outdir)).toEqual([
      {
        name: "dev-infra",
        workingDirectory: path.join(outdir, "stacks/dev-infra"),
        synthesizedStackPath: path.join(outdir, "stacks/dev-infra/cdk.tf.json"),
        dependencies: [],
      },
    ]);
    expect(baselineProtected(outdir, "dev-infra")).toEqual(["aws_kms_key.k"]);
    expect(baselineProtected(outdir, "new-stack")).toEqual([]);
    fs.rmSync(outdir, { recursive: true, force: true });
    expect(() => readManifest(outdir)).toThrow("manifest.json does not exist: synthesize first");
  });
});

describe("protected resources", () => {
  it("reads prevent_destroy from synthesized JSON", () => {
    const config = {
      resource: {
        aws_s3_bucket: { state: { lifecycle: { prevent_destroy: true } }, logs: {} },
        aws_kms_key: { k: { lifecycle: { prevent_destroy: false } } },
      },
    };
    expect(protectedAddresses(config)).toEqual(["aws_s3_bucket.state"]);
    expect(protectedAddresses({})).toEqual([]);
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
      ["dev-infra", "--offline", "--fail-on-protected-destroy", "--no-synth", "--outdir", "out"],
      {},
    );
    expect(args).toMatchObject({
      stacks: ["dev-infra"],
      offline: true,
      failOnProtectedDestroy: true,
      synth: false,
      outdir: path.resolve("out"),
    });
    expect(parseArgs([], { PLATFORM_OFFLINE: "1" }).offline).toBe(true);
    expect(parseArgs([], {}).offline).toBe(false);
  });

  it("rejects unknown options and missing values", () => {
    expect(() => parseArgs(["--force"], {})).toThrow("unknown option --force");
    expect(() => parseArgs(["--outdir"], {})).toThrow("--outdir needs a directory");
    expect(() => parseArgs(["--protected-baseline", "--offline"], {})).toThrow(
      "--protected-baseline needs a directory",
    );
  });
});
