import * as fs from "fs";
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
const ACCOUNTS: Record<string, string> = {
  dev: "111111111111",
  staging: "222222222222",
  prod: "333333333333",
};

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

  it("the state bucket is protected in every environment", () => {
    for (const env of ["dev", "staging", "prod"]) {
      expect(all(load(`${env}-bootstrap`), "aws_s3_bucket")[0].lifecycle?.prevent_destroy).toBe(
        true,
      );
    }
  });

  it.each(stackNames.filter((s) => !s.startsWith("onprem")))(
    "%s: every aws provider is pinned to its environment's account",
    (stack) => {
      const providers = load(stack).provider?.aws ?? [];
      const env = stack.split("-")[0];
      if (stack.endsWith("-platform") && env === "prod") {
        // policy-only: CoreDNS stays in the infra stack, so this platform stack has no aws provider.
        expect(providers).toEqual([]);
        return;
      }
      expect(providers.length).toBeGreaterThan(0);
      for (const provider of providers)
        expect(provider.allowed_account_ids).toEqual([ACCOUNTS[env]]);
    },
  );
});
