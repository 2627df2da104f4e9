import * as path from "path";
import { App } from "cdktf";
import { buildApp } from "../../../stacks/app";
import { parseEnvironment } from "../../../stacks/environment/validate";
import { tempOutdir } from "../../support/app";
import type { PlanTopic } from "./topic";
import { readingPlatformState } from "./infra";
import type { PlannedTogether } from "../support";
import { findEnvironmentFile } from "../../../stacks/environments";

const dev = findEnvironmentFile("dev").input;

/**
 * The IRSA trust policy names the cluster's OIDC issuer in its condition keys, and the issuer is
 * known only once the cluster exists. Synth-level tests cannot tell whether Terraform can parse
 * what such a key renders to, so dev's infra stack with `identity: "irsa"` goes through the real
 * provider: an offline plan (the trust policy's data source is computed locally), which validates
 * the configuration first. Planned with the other topics of ../offline-plans.test.ts (topic.ts).
 */
export function irsaPlans(): PlanTopic {
  return {
    synth: () => {
      const outdir = tempOutdir("platform-irsa-");
      const app = new App({ outdir, skipValidation: false });
      if (dev.platform !== "eks") throw new Error("dev is expected to be an EKS environment");
      const env = parseEnvironment({ ...dev, karpenter: { ...dev.karpenter, identity: "irsa" } });
      buildApp(app, [env], { offline: true });
      app.synth();
      // No platform state: the guard has nothing to compare.
      const absent = path.join(path.dirname(outdir), "absent.tfstate");
      return { succeeding: [readingPlatformState(outdir, "dev-infra", absent)] };
    },
    describe: (plans) =>
      describe("Karpenter IRSA through Terraform (offline)", () => {
        let planned: PlannedTogether;
        beforeAll(() => ({ succeeding: planned } = plans()));

        it("validates, with no warnings", () => {
          expect(planned.diagnostics[0]).toEqual([]);
        });

        it("plans with no AWS account, the trust policy waiting for the cluster's issuer", () => {
          expect(planned.status).toBe(0);
          const addresses = planned.changes![0].map((c) => c.address);
          expect(addresses).toEqual(
            expect.arrayContaining([
              expect.stringMatching(/^aws_iam_openid_connect_provider\.cluster_oidc-provider/),
              expect.stringMatching(/^aws_iam_role\.karpenter_controller-role/),
            ]),
          );
          expect(addresses.some((a) => a.startsWith("aws_eks_pod_identity_association."))).toBe(
            false,
          );
        });
      }),
  };
}
