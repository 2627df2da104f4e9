import { App } from "cdktf";
import { runTerraform } from "../../scripts/lib/terraform";
import { buildApp } from "../../stacks/app";
import { parseEnvironment } from "../../stacks/environment/validate";
import { stackDir, tempOutdir } from "../support/app";
import { describeWithTerraform } from "../support/terraform-available";
import { findEnvironmentFile } from "../../stacks/environments";

const dev = findEnvironmentFile("dev").input;

/**
 * The IRSA trust policy names the cluster's OIDC issuer in its condition keys, and the issuer is
 * known only once the cluster exists. Synth-level tests cannot tell whether Terraform can parse
 * what such a key renders to, so dev's infra stack with `identity: "irsa"` goes through the real
 * provider: validate, then an offline plan (the trust policy's data source is computed locally).
 */
describeWithTerraform("Karpenter IRSA through Terraform (offline)", () => {
  let dir: string;

  beforeAll(() => {
    const outdir = tempOutdir("platform-irsa-");
    const app = new App({ outdir, skipValidation: false });
    if (dev.platform !== "eks") throw new Error("dev is expected to be an EKS environment");
    const env = parseEnvironment({ ...dev, karpenter: { ...dev.karpenter, identity: "irsa" } });
    buildApp(app, [env], { offline: true });
    app.synth();
    dir = stackDir(outdir, "dev-infra");
    const init = runTerraform(dir, ["init", "-input=false", "-no-color"]);
    expect(init.stderr).toBe("");
    expect(init.status).toBe(0);
  });

  it("validates", () => {
    const validate = runTerraform(dir, ["validate", "-no-color", "-json"]);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, diagnostics: [] });
  });

  it("plans with no AWS account, the trust policy waiting for the cluster's issuer", () => {
    const plan = runTerraform(dir, [
      "plan",
      "-input=false",
      "-no-color",
      "-refresh=false",
      "-out=plan.tfplan",
    ]);
    expect(plan.stderr).toBe("");
    expect(plan.status).toBe(0);
    const show = JSON.parse(runTerraform(dir, ["show", "-json", "plan.tfplan"]).stdout) as {
      resource_changes: { address: string; change: { actions: string[] } }[];
    };
    const addresses = show.resource_changes.map((c) => c.address);
    expect(addresses).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws_iam_openid_connect_provider\.cluster_oidc-provider/),
        expect.stringMatching(/^aws_iam_role\.karpenter_controller-role/),
      ]),
    );
    expect(addresses.some((a) => a.startsWith("aws_eks_pod_identity_association."))).toBe(false);
  });
});
