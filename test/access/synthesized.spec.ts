import { SynthJson } from "../support/synth";
import { Resolver } from "./synthesized";

const provider = {
  aws: [{ region: "ap-northeast-2", allowed_account_ids: ["111111111111"] }],
};

/** Two stacks as cdktf writes them: infra owns the resources, platform reads one through state. */
const stacks = new Map<string, SynthJson>([
  [
    "dev-infra",
    {
      provider,
      resource: {
        aws_iam_role: {
          node: { name: "dev-node", assume_role_policy: "{}" },
          prefixed: { name_prefix: "dev-", assume_role_policy: "{}" },
        },
        aws_vpc: { main: { cidr_block: "10.0.0.0/16" } },
        aws_kms_key: { ebs: { description: "ebs" } },
      },
      output: { "cross-stack-output-ebs": { value: "${aws_kms_key.ebs.arn}" } },
    },
  ],
  ["dev-platform", { provider }],
]);

describe("Resolver", () => {
  const infra = new Resolver(stacks, "dev-infra");

  test("turns references into the values AWS would report, keys included", () => {
    const resolved: Record<string, unknown> = infra.resolve({
      Resource: "${aws_iam_role.node.arn}",
      "${aws_iam_role.node.name}:tag": ["${aws_kms_key.ebs.arn}", "${aws_kms_key.ebs.key_id}"],
    });
    const keyId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(resolved).toEqual({
      Resource: "arn:aws:iam::111111111111:role/dev-node",
      "dev-node:tag": [
        expect.stringMatching(/^arn:aws:kms:ap-northeast-2:111111111111:key\//),
        expect.stringMatching(keyId),
      ],
    });
    // Stable, and the same key in its ARN and ID.
    const [arn, id] = resolved["dev-node:tag"] as string[];
    expect(arn).toBe(`arn:aws:kms:ap-northeast-2:111111111111:key/${id}`);
    expect(infra.resolve("${aws_kms_key.ebs.arn}")).toBe(arn);
  });

  test("follows cross-stack outputs into the stack that owns the resource", () => {
    const platform = new Resolver(stacks, "dev-platform");
    expect(
      platform.resolve(
        "${data.terraform_remote_state.cross-stack-reference-input-dev-infra.outputs.cross-stack-output-ebs}",
      ),
    ).toBe(infra.resolve("${aws_kms_key.ebs.arn}"));
  });

  test.each([
    ["a function call", '${replace(aws_iam_role.node.name, "-", "")}', "not a resource attribute"],
    ["a missing resource", "${aws_iam_role.other.arn}", "the stack has no aws_iam_role.other"],
    ["an unmodelled type", "${aws_vpc.main.id}", "no fake value for attribute id of aws_vpc"],
    [
      "an unmodelled attribute",
      "${aws_iam_role.node.unique_id}",
      "no fake value for attribute unique_id",
    ],
    [
      "a name AWS chooses",
      "${aws_iam_role.prefixed.arn}",
      "aws_iam_role.prefixed does not set name",
    ],
    [
      "an output that does not exist",
      "${data.terraform_remote_state.cross-stack-reference-input-dev-infra.outputs.nope}",
      "cannot resolve output nope of stack dev-infra",
    ],
  ])("fails loudly on %s", (_what, reference, message) => {
    const resolver = reference.includes("remote_state")
      ? new Resolver(stacks, "dev-platform")
      : infra;
    expect(() => resolver.resolve(reference)).toThrow(message);
  });

  test("needs the account: a stack synthesized offline has none", () => {
    const offline = new Map<string, SynthJson>([
      [
        "dev-infra",
        {
          provider: { aws: [{ region: "ap-northeast-2" }] },
          resource: stacks.get("dev-infra")!.resource,
        },
      ],
    ]);
    expect(() => new Resolver(offline, "dev-infra").resolve("${aws_iam_role.node.arn}")).toThrow(
      "synthesize it with offline: false",
    );
  });
});
