import * as fs from "fs";
import * as path from "path";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { PolicyViolationError, applyPolicyPack, suppress } from "../../constructs/policy";
import { annotations, findingsOf, runPolicy } from "./support";

function clusterWithoutLogs(scope: Construct): EksCluster {
  return new EksCluster(scope, "cluster", {
    name: "c",
    roleArn: "arn:aws:iam::111111111111:role/c",
    vpcConfig: { subnetIds: ["subnet-1"], endpointPublicAccess: false },
    encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:k" } },
  });
}

describe("policy errors", () => {
  it("fail synth with one message naming each rule, path, explanation and fix", () => {
    const run = runPolicy((s) => {
      new KmsKey(s, "key", { enableKeyRotation: false });
      new SqsQueue(s, "queue", {});
    });
    expect(run.error).toBeInstanceOf(PolicyViolationError);
    expect(run.error?.stackName).toBe("test");
    expect(run.error?.findings.map((f) => f.ruleId)).toEqual(["PLT-KMS-1", "PLT-SQS-1"]);
    const message = run.error?.message ?? "";
    expect(message).toMatch(
      /^policy check failed for stack test \(2 errors\); nothing was written/,
    );
    expect(message).toContain(
      "[error] PLT-KMS-1 test/key: customer-managed KMS keys must rotate their key material yearly or more often (enable_key_rotation is false)\n" +
        "    Fix: set enableKeyRotation: true",
    );
    expect(message).toContain("[error] PLT-SQS-1 test/queue:");
    expect(message).toContain("Fix: set sqsManagedSseEnabled: true, or kmsMasterKeyId");
  });

  it("leave nothing of the failing stack in the output directory", () => {
    const app = Testing.app();
    const good = new TerraformStack(app, "good");
    new AwsProvider(good, "aws", { region: "ap-northeast-2" });
    new KmsKey(good, "key", { enableKeyRotation: true });
    const bad = new TerraformStack(app, "bad");
    new AwsProvider(bad, "aws", { region: "ap-northeast-2" });
    new KmsKey(bad, "key", {});
    applyPolicyPack(app, { tier: "prod" });

    expect(() => app.synth()).toThrow(PolicyViolationError);
    expect(() => app.synth()).toThrow(/PLT-KMS-1 bad\/key: .*\n {4}Fix: /);
    expect(fs.existsSync(path.join(app.outdir, "stacks", "bad"))).toBe(false);
    // No manifest: the cdktf CLI treats the synth as failed and deploys nothing.
    expect(fs.existsSync(path.join(app.outdir, "manifest.json"))).toBe(false);
  });

  it("are not reported for values known only at apply time", () => {
    const run = runPolicy((s) => {
      const key = new KmsKey(s, "key", { enableKeyRotation: true });
      new SqsQueue(s, "queue", { kmsMasterKeyId: key.arn });
    });
    expect(run.error).toBeUndefined();
    expect(run.findings).toEqual([]);
  });
});

describe("warnings", () => {
  it("are written as warning annotations that cdktf synth prints, and do not fail synth", () => {
    const run = runPolicy(
      (s) =>
        new EksCluster(s, "cluster", {
          name: "c",
          roleArn: "arn:aws:iam::111111111111:role/c",
          vpcConfig: { subnetIds: ["subnet-1"], endpointPublicAccess: true },
          encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:k" } },
          enabledClusterLogTypes: ["api", "audit", "authenticator"],
        }),
      { tier: "staging" },
    );
    expect(run.error).toBeUndefined();
    expect(annotations(run, "warn")).toEqual([
      expect.stringMatching(
        /^test\/cluster: PLT-EKS-3: the EKS public API endpoint .* Fix: set vpcConfig/,
      ),
    ]);
    const manifest = JSON.parse(
      fs.readFileSync(path.join(run.app.outdir, "manifest.json"), "utf8"),
    ) as { stacks: Record<string, { annotations: { level: string; message: string }[] }> };
    expect(manifest.stacks.test.annotations).toEqual([
      expect.objectContaining({
        level: "@cdktf/warn",
        message: expect.stringContaining("PLT-EKS-3"),
      }),
    ]);
  });
});

describe("suppressions", () => {
  it("silence a rule on a construct and its children and show the reason", () => {
    const run = runPolicy((s) => {
      const team = new Construct(s, "team");
      clusterWithoutLogs(team);
      suppress(
        team,
        "PLT-EKS-2",
        "control plane logs go to the team's SIEM through a subscription",
      );
    });
    expect(run.error).toBeUndefined();
    expect(findingsOf(run, "PLT-EKS-2")).toEqual([
      expect.objectContaining({
        path: "test/team/cluster",
        suppressedBecause: "control plane logs go to the team's SIEM through a subscription",
      }),
    ]);
    expect(annotations(run, "info")).toEqual([
      "test/team/cluster: PLT-EKS-2 suppressed on test/team/cluster: control plane logs go to the team's SIEM through a subscription",
    ]);
  });

  it("cover only the named rule", () => {
    const run = runPolicy((s) => {
      const key = new KmsKey(s, "key", {});
      suppress(key, "PLT-EKS-2", "a suppression of an unrelated rule");
    });
    expect(run.error?.findings.map((f) => f.ruleId)).toEqual(["PLT-KMS-1"]);
  });

  it("cover only the construct's subtree", () => {
    const run = runPolicy((s) => {
      clusterWithoutLogs(s);
      suppress(new Construct(s, "elsewhere"), "PLT-EKS-2", "suppressed on a sibling construct");
    });
    expect(run.error?.findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual([
      "PLT-EKS-2 test/cluster",
    ]);
  });

  it.each([
    ["", /a reason of at least 10 characters is required/],
    ["   ", /a reason of at least 10 characters is required/],
    ["because", /a reason of at least 10 characters is required/],
  ])("are rejected without a real reason (%j)", (reason, message) => {
    const stack = new TerraformStack(Testing.app(), "test");
    expect(() => suppress(stack, "PLT-EKS-2", reason)).toThrow(message);
  });

  it("are rejected for a malformed rule ID", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    expect(() => suppress(stack, "eks logging", "logs go to the SIEM instead")).toThrow(
      /rule ID "eks logging" is not a rule ID such as PLT-EKS-2/,
    );
  });
});

describe("applyPolicyPack", () => {
  it("refuses a scope with no stacks yet", () => {
    expect(() => applyPolicyPack(Testing.app(), { tier: "dev" })).toThrow(
      /no stack to apply the pack to/,
    );
  });

  it("rejects a pack that uses one rule ID twice", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const rule = {
      id: "PLT-X-1",
      level: "error" as const,
      explanation: "x",
      fix: "x",
      appliesTo: [],
      check: () => [],
    };
    expect(() =>
      applyPolicyPack(stack, { tier: "dev", pack: { name: "dup", rules: [rule, rule] } }),
    ).toThrow(/rule ID PLT-X-1 is used twice/);
  });
});
