import * as fs from "fs";
import { stackNames as namesOf } from "../../stacks/app";
import { shippedEnvironments } from "../../stacks/environments";
import { stackDir, synthShipped } from "../support/app";

type Resources = Record<
  string,
  Record<string, { lifecycle?: { prevent_destroy?: boolean }; [k: string]: unknown }>
>;
interface StackJson {
  resource?: Resources;
  provider?: { aws?: { allowed_account_ids?: string[] }[] };
}

const { outdir, stackNames } = synthShipped({ offline: false });
const load = (stack: string) =>
  JSON.parse(fs.readFileSync(`${stackDir(outdir, stack)}/cdk.tf.json`, "utf8")) as StackJson;
const all = (json: StackJson, type: string) => Object.values(json.resource?.[type] ?? {});
const eks = shippedEnvironments().flatMap((env) => (env.platform === "eks" ? [env] : []));

describe("protection of what holds data", () => {
  it("prod: prevent_destroy on every KMS key, the EKS cluster and the state bucket", () => {
    const infra = load("prod-infra");
    const bootstrap = load("prod-bootstrap");
    const keys = [...all(infra, "aws_kms_key"), ...all(bootstrap, "aws_kms_key")];
    expect(keys).toHaveLength(4);
    for (const key of keys) expect(key.lifecycle?.prevent_destroy).toBe(true);
    expect(all(infra, "aws_eks_cluster").map((c) => c.lifecycle?.prevent_destroy)).toEqual([true]);
    expect(all(bootstrap, "aws_s3_bucket").map((b) => b.lifecycle?.prevent_destroy)).toEqual([
      true,
    ]);
  });

  it("prod: every KMS key has a 30-day deletion window", () => {
    const keys = [
      ...all(load("prod-infra"), "aws_kms_key"),
      ...all(load("prod-bootstrap"), "aws_kms_key"),
    ];
    expect(keys.map((k) => k.deletion_window_in_days)).toEqual([30, 30, 30, 30]);
  });

  it("dev: keys and cluster stay destroyable (protection follows the tier)", () => {
    const infra = load("dev-infra");
    for (const key of all(infra, "aws_kms_key"))
      expect(key.lifecycle?.prevent_destroy).toBeUndefined();
    expect(all(infra, "aws_eks_cluster")[0].lifecycle?.prevent_destroy).toBeUndefined();
  });

  it.each(eks.filter((env) => env.state).map((env) => env.name))(
    "%s: the state bucket is protected",
    (name) => {
      const buckets = all(load(namesOf(name).bootstrap), "aws_s3_bucket");
      expect(buckets.map((b) => b.lifecycle?.prevent_destroy)).toEqual([true]);
    },
  );

  it.each(
    eks.flatMap((env) =>
      Object.values(namesOf(env.name))
        .filter((stack) => stackNames.includes(stack))
        .map((stack) => [stack, env] as const),
    ),
  )("%s: every aws provider is pinned to its environment's account", (stack, env) => {
    const providers = load(stack).provider?.aws ?? [];
    if (stack === namesOf(env.name).platform && env.podNetwork.mode === "policy-only") {
      // policy-only: CoreDNS stays in the infra stack, so this platform stack has no aws provider.
      expect(providers).toEqual([]);
      return;
    }
    expect(providers.length).toBeGreaterThan(0);
    for (const provider of providers) {
      expect(provider.allowed_account_ids).toEqual([env.aws.accountId]);
    }
  });
});
