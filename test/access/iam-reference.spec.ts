import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsKey } from "../../constructs/kms";
import { policyDocument } from "../../constructs/shared/aws-account";
import { synthConstruct } from "../support/synth";
import { checkReferences, collectPolicies } from "./policies";
import { synthesizeShipped } from "./synthesized";

const stacks = synthesizeShipped();
const policies = collectPolicies(stacks);

describe("IAM reference data: actions and condition keys of every synthesized policy", () => {
  test("every kind of policy the stacks write is found", () => {
    const kinds = new Set(policies.map(({ type, where }) => `${type} ${where.split(" ").pop()}`));
    expect([...kinds].sort()).toEqual([
      "aws_iam_role assume_role_policy",
      "aws_iam_role_policy policy",
      "aws_kms_key policy",
      "aws_s3_bucket_policy policy",
      "aws_sqs_queue_policy policy",
    ]);
  });

  test("every action matches a real action and every condition key exists", async () => {
    const { problems, actions, conditionKeys } = await checkReferences(policies);
    expect(problems).toEqual([]);
    expect(actions).toBeGreaterThan(100);
    expect(conditionKeys).toBeGreaterThan(50);
  });

  test("a misspelled action, wildcard, service or condition key is reported", async () => {
    const json = synthConstruct((scope) => {
      new IamRolePolicy(scope, "typos", {
        role: "some-role",
        policy: policyDocument([
          {
            Sid: "Typos",
            Effect: "Allow",
            Action: ["sqs:RecieveMessage", "kms:Frobnicate*", "kmss:Decrypt", "ec2:Describe*"],
            Resource: "*",
            Condition: {
              StringEquals: { "kms:ViaServices": "ec2.ap-northeast-2.amazonaws.com" },
              Bool: { "aws:SecureTransprt": "true" },
              StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
            },
          },
        ]),
      });
      // A real construct alongside, so the check is shown to pass what is right.
      new KmsKey(scope, "key", {
        alias: "test/key",
        description: "test",
        accountId: "111111111111",
        region: "ap-northeast-2",
        administrators: ["arn:aws:iam::111111111111:role/admin"],
      });
    });
    const { problems } = await checkReferences(collectPolicies(new Map([["test", json]])));
    const at = "test aws_iam_role_policy.typos policy statement Typos";
    expect(problems).toEqual([
      `${at}: action "sqs:RecieveMessage" matches no sqs action`,
      `${at}: action "kms:Frobnicate*" matches no kms action`,
      `${at}: action "kmss:Decrypt" names no AWS service ("kmss")`,
      `${at}: condition key "kms:ViaServices" is neither a global key nor a key of its service`,
      `${at}: condition key "aws:SecureTransprt" is neither a global key nor a key of its service`,
    ]);
  });
});
