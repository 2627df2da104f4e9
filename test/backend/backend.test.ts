import { TerraformStack, Testing } from "cdktf";
import * as fs from "fs";
import * as path from "path";
import { configureBackend, stateKey, type StateLocation } from "../../stacks/backend";
import { shippedEnvironments } from "../../stacks/environments";
import { synthStack, type SynthJson } from "../support/synth";
import { crossStackApp } from "../terraform/validation/backend";

function backendOf(stack: TerraformStack): Record<string, unknown> {
  const json = synthStack(stack);
  return (json.terraform?.backend ?? {}) as Record<string, unknown>;
}

function stackWith(options: {
  environment: string;
  state?: StateLocation;
  offline: boolean;
}): TerraformStack {
  const stack = new TerraformStack(Testing.app(), `${options.environment}-infra`);
  configureBackend(stack, { ...options, stackName: `${options.environment}-infra` });
  return stack;
}

describe("configureBackend per shipped environment", () => {
  it.each(shippedEnvironments().map((e) => [e.name, e] as const))("%s", (name, environment) => {
    const backend = backendOf(
      stackWith({ environment: name, state: environment.state, offline: false }),
    );
    if (environment.state) {
      expect(backend).toEqual({
        s3: {
          bucket: environment.state.bucket,
          region: environment.state.region,
          key: `${name}/${name}-infra.tfstate`,
          encrypt: true,
          use_lockfile: true,
          ...(environment.state.dynamodbTable
            ? { dynamodb_table: environment.state.dynamodbTable }
            : {}),
          ...(environment.state.kmsKeyId ? { kms_key_id: environment.state.kmsKeyId } : {}),
        },
      });
    } else {
      expect(Object.keys(backend)).toEqual(["local"]);
    }
    expect(backend).toMatchSnapshot();
  });
});

describe("configureBackend", () => {
  const state: StateLocation = {
    bucket: "platform-tfstate-111111111111",
    region: "ap-northeast-2",
    dynamodbTable: "terraform-locks",
    kmsKeyId: "alias/dev/tfstate",
  };

  it("adds the legacy lock table and the state key when given", () => {
    expect(backendOf(stackWith({ environment: "dev", state, offline: false }))).toEqual({
      s3: {
        bucket: state.bucket,
        region: state.region,
        key: "dev/dev-infra.tfstate",
        encrypt: true,
        use_lockfile: true,
        dynamodb_table: "terraform-locks",
        kms_key_id: "alias/dev/tfstate",
      },
    });
  });

  it("uses cdktf's local backend offline, whatever the environment says", () => {
    expect(backendOf(stackWith({ environment: "dev", state, offline: true }))).toEqual({
      local: { path: "../../../terraform.dev-infra.tfstate" },
    });
  });

  it("names the key after environment and stack", () => {
    expect(stateKey("prod", "prod-platform")).toBe("prod/prod-platform.tfstate");
  });

  it("rejects names that would make a bad state key", () => {
    expect(() => stackWith({ environment: "Dev/1", state, offline: false })).toThrow(
      'BackendOptions.environment ("Dev/1") and stackName ("Dev/1-infra") must be lowercase letters, digits and hyphens',
    );
  });

  it("keeps use_lockfile out of the remote state other stacks read", () => {
    const app = Testing.app();
    crossStackApp(app, state);
    // Cross-stack references become remote state sources only when the whole app synthesizes.
    app.synth();
    const read = (stack: string) =>
      JSON.parse(
        fs.readFileSync(path.join(app.outdir, "stacks", stack, "cdk.tf.json"), "utf8"),
      ) as SynthJson;
    const remote = read("dev-platform").data?.terraform_remote_state ?? {};
    expect(Object.values(remote)).toEqual([
      {
        backend: "s3",
        config: {
          bucket: state.bucket,
          region: state.region,
          key: "dev/dev-infra.tfstate",
          encrypt: true,
          dynamodb_table: "terraform-locks",
          kms_key_id: "alias/dev/tfstate",
        },
        workspace: "${terraform.workspace}",
      },
    ]);
    expect((read("dev-infra").terraform?.backend as { s3: object }).s3).toHaveProperty(
      "use_lockfile",
      true,
    );
  });
});
