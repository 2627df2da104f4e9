/**
 * The infra stack's guard (stacks/platform-guard.ts) planned with real Terraform: offline, the
 * platform's state is the local state file the platform stack's backend would write, so each case
 * writes one and plans dev-infra (Calico "ipip") against it.
 */
import * as fs from "fs";
import * as path from "path";
import { runTerraform } from "../../scripts/lib/terraform";
import { stackDir, synthShipped } from "../support/app";
import { describeWithTerraform } from "../support/terraform-available";

const DEV_IDENTITY = {
  name: "dev-platform",
  serviceCidr: "172.20.0.0/16",
  cni: "calico",
  vpcCidr: "10.10.0.0/16",
};

function state(outputs: Record<string, string>): string {
  return JSON.stringify({
    version: 4,
    terraform_version: "1.11.4",
    serial: 3,
    lineage: "4f2c0c4e-0000-4000-8000-000000000000",
    outputs: Object.fromEntries(
      Object.entries(outputs).map(([k, value]) => [k, { value, type: "string" }]),
    ),
    resources: [],
    check_results: null,
  });
}

describeWithTerraform(
  "the infra stack refuses what would fail once the platform is deployed",
  () => {
    let dir: string;
    let platformState: string;

    beforeAll(() => {
      const { outdir } = synthShipped({ offline: true });
      dir = stackDir(outdir, "dev-infra");
      // Where the platform stack's local backend keeps its state (../../../ of its directory).
      platformState = path.resolve(dir, "../../../terraform.dev-platform.tfstate");
      const init = runTerraform(dir, ["init", "-input=false", "-no-color"]);
      expect(init.status).toBe(0);
    }, 300_000);

    function plan(platform: string | undefined) {
      if (platform === undefined) fs.rmSync(platformState, { force: true });
      else fs.writeFileSync(platformState, platform);
      const result = runTerraform(dir, ["plan", "-input=false", "-no-color", "-refresh=false"]);
      // Terraform wraps long messages: compare them as one line.
      return { status: result.status, stderr: result.stderr.replace(/\s*\n\s*│?\s*/g, " ") };
    }

    it("plans when the platform runs what this configuration serves, or holds nothing", () => {
      const record = { cluster_identity: JSON.stringify(DEV_IDENTITY), pod_network_mode: "ipip" };
      expect(plan(state(record))).toEqual({ status: 0, stderr: "" });
      // After a destroy, the state object stays without outputs.
      expect(plan(state({}))).toEqual({ status: 0, stderr: "" });
    });

    it("refuses to replace the cluster while the platform holds resources", () => {
      const deployedOn = { ...DEV_IDENTITY, serviceCidr: "172.21.0.0/16" };
      const result = plan(
        state({ cluster_identity: JSON.stringify(deployedOn), pod_network_mode: "ipip" }),
      );
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        "dev-infra: this change replaces the EKS cluster (its name, service range, VPC or CNI differ from what dev-platform was deployed against), but dev-platform still holds resources",
      );
      expect(result.stderr).toContain(
        "Destroy dev-platform first (npx cdktf destroy dev-platform)",
      );
    });

    it("refuses to close ports the running mode uses, naming migratingFrom", () => {
      const result = plan(
        state({ cluster_identity: JSON.stringify(DEV_IDENTITY), pod_network_mode: "vxlan" }),
      );
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        'dev-infra: dev-platform runs pod network mode "vxlan", and this change removes node security group rules it uses',
      );
      expect(result.stderr).toContain(
        "first podNetwork.mode: ipip with podNetwork.migratingFrom: vxlan",
      );
    });

    afterAll(() => fs.rmSync(platformState, { force: true }));
  },
);
