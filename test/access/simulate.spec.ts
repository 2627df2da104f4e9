import type { PolicyDocument } from "./policies";
import { Call, simulate } from "./simulate";

const KEY = "arn:aws:kms:ap-northeast-2:111111111111:key/0b5f2a9e-3c1d-4e8f-9a7b-6c5d4e3f2a1b";
const ROLE = "arn:aws:iam::111111111111:role/reader";

const keyPolicy: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:root" },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Effect: "Allow",
      Principal: { Service: "logs.ap-northeast-2.amazonaws.com" },
      Action: "kms:GenerateDataKey*",
      Resource: "*",
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn":
            "arn:aws:logs:ap-northeast-2:111111111111:log-group:*",
        },
      },
    },
  ],
};

const decrypt: Call = {
  caller: { role: ROLE },
  action: "kms:Decrypt",
  resource: KEY,
  resourceAccount: "111111111111",
  resourcePolicy: keyPolicy,
  identityPolicies: [
    {
      name: "decrypt",
      document: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: KEY }],
      },
    },
  ],
};

describe("simulate", () => {
  test("a role session: its identity policy and the key policy's delegation to IAM", async () => {
    expect(await simulate(decrypt)).toBe("Allowed");
    expect(await simulate({ ...decrypt, identityPolicies: [] })).toBe("ImplicitlyDenied");
  });

  test("evaluates kms:EncryptionContext keys, which iam-simulate's input step drops", async () => {
    const logs = (logGroupAccount: string): Call => ({
      caller: { service: "logs.ap-northeast-2.amazonaws.com" },
      action: "kms:GenerateDataKey",
      resource: KEY,
      resourceAccount: "111111111111",
      resourcePolicy: keyPolicy,
      context: {
        "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:ap-northeast-2:${logGroupAccount}:log-group:/x`,
      },
    });
    expect(await simulate(logs("111111111111"))).toBe("Allowed");
    expect(await simulate(logs("999999999999"))).toBe("ImplicitlyDenied");
  });

  test("refuses a context key AWS would not send with the action", async () => {
    await expect(
      simulate({ ...decrypt, context: { "kms:GrantIsForAWSResource": "true" } }),
    ).rejects.toThrow("context keys kms:GrantIsForAWSResource do not apply to the action");
  });

  test("refuses an action that does not exist or a resource of the wrong type", async () => {
    await expect(simulate({ ...decrypt, action: "kms:Decrypts" })).rejects.toThrow(
      "simulator rejected",
    );
    await expect(
      simulate({ ...decrypt, resource: "arn:aws:sqs:ap-northeast-2:111111111111:queue" }),
    ).rejects.toThrow("simulator rejected");
  });
});
