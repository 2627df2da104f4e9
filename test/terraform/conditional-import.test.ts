/**
 * The import block ConditionalImport writes (constructs/shared/conditional-import.ts), planned with
 * real Terraform. The namespaces it adopts need a cluster, so the same block is written for an
 * aws_s3_bucket, with the list of what exists read from a data source at plan time as the
 * namespaces are (here a local terraform_remote_state, which needs no provider).
 */
import * as fs from "fs";
import * as path from "path";
import { DataTerraformRemoteStateLocal, Fn, TerraformProvider } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { runTerraform } from "../../scripts/lib/terraform";
import { ConditionalImport } from "../../constructs/shared/conditional-import";
import { describeWithTerraform } from "../support/terraform-available";
import { dropLockedHashes, synthStackDir } from "./support";
import { scratchDir } from "../support/scratch";

/** A bucket the state holds already, and one only the data source lists. */
const KEPT = "platform-kept-bucket";
const ADOPTED = "platform-adopted-bucket";

function state(existing: readonly string[], resources: readonly unknown[] = []): string {
  return JSON.stringify({
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "4f2c0c4e-0000-4000-8000-000000000001",
    outputs: { existing: { value: existing, type: ["list", "string"] } },
    resources,
    check_results: null,
  });
}

/** KEPT in the state under the import's address, as an earlier import or create left it. */
const KEPT_IN_STATE = {
  mode: "managed",
  type: "aws_s3_bucket",
  name: "kept",
  provider: 'provider["registry.terraform.io/hashicorp/aws"]',
  instances: [{ schema_version: 0, attributes: { id: KEPT, bucket: KEPT } }],
};

describeWithTerraform("an import block conditional on what exists", () => {
  const outdir = scratchDir("platform-conditional-import-");
  let dir: string;

  beforeAll(() => {
    ({ dir } = synthStackDir(outdir, "adopt", (stack) => {
      // Nothing may reach AWS: an import that runs fails at once instead of retrying. A proxy
      // nothing listens on, rather than an `endpoints` block, which costs the 5.100.0 provider
      // about 7 CPU seconds a plan (measured: 12.5 against 5.5).
      const aws = stack.node.findChild("aws") as TerraformProvider;
      aws.addOverride("http_proxy", "http://127.0.0.1:9");
      aws.addOverride("https_proxy", "http://127.0.0.1:9");
      aws.addOverride("max_retries", 1);
      const existing = new DataTerraformRemoteStateLocal(stack, "existing", {
        path: "existing.tfstate",
      });
      for (const [id, name] of [
        ["kept", KEPT],
        ["adopted", ADOPTED],
      ]) {
        new ConditionalImport(stack, `${id}-import`, {
          resource: new S3Bucket(stack, id, { bucket: name }),
          id: name,
          exists: Fn.contains(existing.getList("existing"), name),
        });
      }
    }));
    const init = runTerraform(dir, ["init", "-input=false", "-no-color"]);
    expect(init.stderr).toBe("");
    dropLockedHashes(dir);
  }, 120_000);

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  function plan(existing: readonly string[], resources: readonly unknown[] = [], json = false) {
    fs.writeFileSync(path.join(dir, "existing.tfstate"), state(existing));
    fs.writeFileSync(path.join(dir, "terraform.tfstate"), state([], resources));
    const args = [
      "plan",
      "-input=false",
      "-no-color",
      "-refresh=false",
      ...(json ? ["-json"] : []),
    ];
    const result = runTerraform(dir, args);
    return { status: result.status, output: result.stdout + result.stderr };
  }

  /**
   * The changes a plan's machine-readable output lists (`planned_change`: the action, and the ID
   * when it imports), read from the plan's own output: a `show -json` of a saved plan would start
   * the aws provider once more (about 4 CPU seconds) to say the same.
   */
  function plannedChanges(output: string): [string, string, unknown][] {
    return output
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map(
        (line) =>
          JSON.parse(line) as {
            type: string;
            change?: { resource: { addr: string }; action: string; importing?: unknown };
          },
      )
      .flatMap(({ type, change }): [string, string, unknown][] =>
        type === "planned_change" && change
          ? [[change.resource.addr, change.action, change.importing]]
          : [],
      )
      .sort(([a], [b]) => a.localeCompare(b));
  }

  it("plans a create when the object does not exist (the plan validates the configuration first)", () => {
    const result = plan([], [], true);
    expect(result.status).toBe(0);
    expect(plannedChanges(result.output)).toEqual([
      ["aws_s3_bucket.adopted", "create", undefined],
      ["aws_s3_bucket.kept", "create", undefined],
    ]);
  });

  it("imports an object the data source lists, and leaves one the state holds alone", () => {
    // The import reads the bucket, which no endpoint here serves: the plan fails, after it
    // started importing the ID the condition chose (and only that one).
    const result = plan([KEPT, ADOPTED, "another-bucket"], [KEPT_IN_STATE]);
    expect(result.status).toBe(1);
    expect(result.output).toContain(`aws_s3_bucket.adopted: Preparing import... [id=${ADOPTED}]`);
    expect(result.output).not.toContain(`[id=${KEPT}]`);
  }, 60_000);
});
