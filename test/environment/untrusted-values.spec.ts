/**
 * `parseEnvironment` takes untrusted data (what a file, an API or a pull request gives), so no
 * value of it may be a Terraform expression or a cdktf token, even one made in code; values that
 * become AWS tags hold what AWS accepts; principals belong to the environment's account unless
 * the data trusts another; the fields a runner reads as paths point at no pseudo-file.
 */
import { Lazy, Token } from "cdktf";
import { formatPath } from "../../constructs/shared/validation/issues";
import { checkEnvironment } from "../../stacks/environment/validate";
import { findEnvironmentFile } from "../../stacks/environments";
import { variant } from "../support/variant";

const dev = findEnvironmentFile("dev").input;
const onprem = findEnvironmentFile("onprem").input;

/** The problems of `input`, as `path: message`. */
const problems = (input: unknown) =>
  checkEnvironment(input).problems.map((p) => `${formatPath(p.path)}: ${p.message}`);

const resolvable = { resolve: () => "123456789012", toString: () => "x", creationStack: [] };

describe("tokens made in code", () => {
  it.each([
    [
      "a string token",
      { aws: { accountId: Token.asString(resolvable) } },
      /^aws\.accountId: holds a cdktf token \(\$\{TfToken\[/,
    ],
    [
      "a list token",
      { aws: { vpcEndpoints: Token.asList(resolvable) } },
      /^aws\.vpcEndpoints\[0\]: holds a cdktf token \(#\{TfToken\[/,
    ],
    [
      "a number token",
      { cluster: { maxPods: Token.asNumber(Lazy.numberValue({ produce: () => 110 })) } },
      /^cluster\.maxPods: is a cdktf number token/,
    ],
    [
      "a map token's key",
      { metallb: { l2: { nodeSelectors: [Token.asStringMap(resolvable)] } } },
      /^metallb\.l2\.nodeSelectors\[0\]: has the key "&\{TfToken\[/,
    ],
  ])("are refused as data: %s", (_what, patch, expected) => {
    const base = "metallb" in patch ? onprem : dev;
    expect(problems(variant(base, patch))).toEqual([expect.stringMatching(expected)]);
  });
});

describe("the owner tag", () => {
  it.each([["platform-team"], ["Team Ünïcode 42"], ["ops@example.com:a/b=c+d_e.f"]])(
    "accepts %j",
    (owner) => expect(problems(variant(dev, { owner }))).toEqual([]),
  );

  it.each([["aws:team"], ["team;x"], ["team<script>"], ["t".repeat(65)], [""]])(
    "refuses %j",
    (owner) =>
      expect(problems(variant(dev, { owner }))).toEqual([
        expect.stringMatching(/^owner: must be 1 to 64 letters, .*what AWS accepts in a tag value/),
      ]),
  );
});

describe("principals of other accounts", () => {
  const foreign = "arn:aws:iam::999999999999:role/admin";

  it("are refused in cluster.admins, kms.administrators, aws.assumeRoleArn and state.kmsKeyId", () => {
    expect(
      problems(
        variant(dev, {
          aws: { assumeRoleArn: foreign },
          // Without a plan role, which aws.assumeRoleArn would take over in plans.
          pipeline: { plan: { roleArn: undefined } },
          cluster: { admins: [foreign] },
          kms: { administrators: [foreign] },
          state: { kmsKeyId: "arn:aws:kms:ap-northeast-2:999999999999:key/1234" },
        }),
      ),
    ).toEqual(
      ["aws.assumeRoleArn", "cluster.admins[0]", "kms.administrators[0]", "state.kmsKeyId"].map(
        (where) =>
          `${where}: is in account 999999999999, not the environment's 111111111111; name a principal of 111111111111, or list 999999999999 in aws.trustedAccounts if that account is to have this access`,
      ),
    );
  });

  it("are accepted from an account the file trusts, which must not be its own", () => {
    const trusted = variant(dev, {
      aws: { trustedAccounts: ["999999999999"] },
      cluster: { admins: [foreign] },
    });
    expect(problems(trusted)).toEqual([]);
    expect(
      problems(
        variant(dev, {
          aws: { trustedAccounts: ["111111111111", "999999999999", "999999999999"] },
        }),
      ),
    ).toEqual(["aws.trustedAccounts[2]: 999999999999 is listed twice; list each account once"]);
    expect(problems(variant(dev, { aws: { trustedAccounts: ["111111111111"] } }))).toEqual([
      "aws.trustedAccounts[0]: 111111111111 is the environment's own account (aws.accountId), always trusted; remove it",
    ]);
  });
});

describe("fields a runner reads", () => {
  it.each([["~/.kube/config"], ["/etc/kubernetes/admin.conf"], ["kubeconfig"]])(
    "accept the kubeconfig path %j",
    (path) => expect(problems(variant(onprem, { kubeconfig: { path } }))).toEqual([]),
  );

  it.each([["/proc/self/environ"], ["/dev/stdin"], ["~/../../etc/shadow"], ["a b"], [""]])(
    "refuse the kubeconfig path %j",
    (path) =>
      expect(problems(variant(onprem, { kubeconfig: { path } }))).toEqual([
        expect.stringMatching(/^kubeconfig\.path: must be the path of a kubeconfig file/),
      ]),
  );

  it("refuse state settings that are not names of their kind", () => {
    expect(
      problems(variant(dev, { state: { dynamodbTable: "locks table", kmsKeyId: "my key" } })),
    ).toEqual([
      expect.stringMatching(/^state\.dynamodbTable: must be a DynamoDB table name/),
      expect.stringMatching(/^state\.kmsKeyId: must be a KMS key ARN, alias ARN, key ID or alias/),
    ]);
  });
});
