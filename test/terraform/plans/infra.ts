/**
 * The shipped infra stacks planned with the real aws provider, offline: from an empty state, and
 * the guard (stacks/platform-guard.ts) against platform states that it must accept or refuse.
 * Offline, the platform's state is the local state file the platform stack's backend writes; each
 * case gets its own. Planned with the other topics of ../offline-plans.test.ts (topic.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { runTerraform } from "../../../scripts/lib/terraform";
import { localStatePath } from "../../../stacks/backend";
import { stackDir, stackJson, synthShipped } from "../../support/app";
import type { PlanTopic } from "./topic";
import type { Diagnostic, PlanCase, PlannedTogether } from "../support";
import { scratchDir } from "../../support/scratch";

const INFRA_STACKS = ["dev-infra", "staging-infra", "prod-infra"];

const DEV_IDENTITY = {
  name: "dev-platform",
  serviceCidr: "172.20.0.0/16",
  cni: "calico",
  vpcCidr: "10.10.0.0/16",
};

function platformState(outputs: Record<string, string>): string {
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

/** A guard case: dev-infra planned while dev-platform's state holds `outputs`. */
interface GuardCase {
  readonly name: string;
  readonly outputs: Record<string, string>;
}

const ACCEPTED: readonly GuardCase[] = [
  {
    name: "platform runs what this configuration serves",
    outputs: { cluster_identity: JSON.stringify(DEV_IDENTITY), pod_network_mode: "ipip" },
  },
  // After a destroy, the state object stays without outputs.
  { name: "platform destroyed", outputs: {} },
];

const CLUSTER_REPLACED: GuardCase = {
  name: "cluster replaced",
  outputs: {
    cluster_identity: JSON.stringify({ ...DEV_IDENTITY, serviceCidr: "172.21.0.0/16" }),
    pod_network_mode: "ipip",
  },
};
const PORTS_CLOSED: GuardCase = {
  name: "ports closed",
  outputs: { cluster_identity: JSON.stringify(DEV_IDENTITY), pod_network_mode: "vxlan" },
};

/** Error details of a plan's diagnostics, each on one line. */
const errors = (diagnostics: readonly Diagnostic[]) =>
  diagnostics
    .filter((d) => d.severity === "error")
    .map((d) => `${d.summary}: ${d.detail ?? ""}`.replace(/\s+/g, " "));

/**
 * A case that plans `infra` reading the platform state in `file` instead of the one beside the
 * stacks (in the data source's path and in the fileexists() call that gives it a count).
 */
export function readingPlatformState(outdir: string, infra: string, file: string): PlanCase {
  const relative = localStatePath(infra.replace(/-infra$/, "-platform"));
  return {
    dir: stackDir(outdir, infra),
    edit: (text) => {
      if (!text.includes(relative)) throw new Error(`${infra} does not read ${relative}`);
      return text.split(relative).join(file);
    },
  };
}

/** The shipped infra stacks from an empty state, and the guard's cases. */
export function infraPlans(): PlanTopic {
  let outdir: string;
  return {
    synth: () => {
      ({ outdir } = synthShipped({ offline: true }));
      const states = scratchDir("platform-guard-states-");
      // The plans from an empty state read a platform state that does not exist.
      const absent = path.join(states, "absent.tfstate");
      // The guard cases plan only the guard (and what it depends on): the rest of dev-infra is
      // planned from an empty state, and the platform's state changes nothing else.
      const remoteStates = Object.keys(
        (stackJson(outdir, "dev-infra") as { data: Record<string, object> }).data
          .terraform_remote_state,
      );
      expect(remoteStates).toHaveLength(1);
      const guardCase = (c: GuardCase, i: number): PlanCase => {
        const file = path.join(states, `platform-${i}.tfstate`);
        fs.writeFileSync(file, platformState(c.outputs));
        return {
          ...readingPlatformState(outdir, "dev-infra", file),
          targets: [`data.terraform_remote_state.${remoteStates[0]}`],
        };
      };
      return {
        succeeding: [
          ...INFRA_STACKS.map((stack) => readingPlatformState(outdir, stack, absent)),
          ...ACCEPTED.map(guardCase),
        ],
        failing: [CLUSTER_REPLACED, PORTS_CLOSED].map((c, i) => guardCase(c, ACCEPTED.length + i)),
      };
    },
    describe: (plans) =>
      describe("infra stacks with the real aws provider (offline)", () => {
        let accepted: PlannedTogether;
        let refused: PlannedTogether;
        beforeAll(() => ({ succeeding: accepted, failing: refused } = plans()));

        it.each(INFRA_STACKS)("%s initializes with its own backend", (stack) => {
          const init = runTerraform(stackDir(outdir, stack), ["init", "-input=false", "-no-color"]);
          expect(init.stderr).toBe("");
          expect(init.status).toBe(0);
        });

        it.each(INFRA_STACKS.map((stack, i) => [stack, i] as const))(
          "%s plans with no AWS account, everything a create",
          (_stack, i) => {
            // `terraform plan` validates the configuration first, and fails on an invalid one.
            expect(errors(accepted.diagnostics[i])).toEqual([]);
            expect(accepted.status).toBe(0);
            const creates = accepted.changes![i].filter((c) => c.change.actions.includes("create"));
            expect(creates.length).toBeGreaterThan(50);
            expect(creates.length).toBe(accepted.changes![i].length);
          },
        );

        describe("the guard refuses what would fail once the platform is deployed", () => {
          it("reads the state file dev-platform's local backend writes", () => {
            // Both paths are relative to their own stack directory, which are siblings.
            const platform = stackJson(outdir, "dev-platform") as {
              terraform: { backend: { local: { path: string } } };
            };
            const infra = JSON.stringify(stackJson(outdir, "dev-infra"));
            expect(infra).toContain(JSON.stringify(platform.terraform.backend.local.path));
          });

          it.each(ACCEPTED.map((c, i) => [c.name, INFRA_STACKS.length + i] as const))(
            "plans when %s",
            (_name, i) => {
              expect(errors(accepted.diagnostics[i])).toEqual([]);
              expect(accepted.status).toBe(0);
            },
          );

          it("refuses to replace the cluster while the platform holds resources", () => {
            expect(refused.status).toBe(1);
            expect(errors(refused.diagnostics[0])).toEqual([
              expect.stringContaining(
                "dev-infra: this change replaces the EKS cluster (its name, service range, VPC or CNI differ from what dev-platform was deployed against), but dev-platform still holds resources",
              ),
            ]);
            expect(errors(refused.diagnostics[0])[0]).toContain(
              "Destroy dev-platform first (npx cdktf destroy dev-platform)",
            );
          });

          it("refuses to close ports the running mode uses, naming migratingFrom", () => {
            expect(errors(refused.diagnostics[1])).toEqual([
              expect.stringContaining(
                'dev-infra: dev-platform runs pod network mode "vxlan", and this change removes node security group rules it uses',
              ),
            ]);
            expect(errors(refused.diagnostics[1])[0]).toContain(
              "first podNetwork.mode: ipip with podNetwork.migratingFrom: vxlan",
            );
          });
        });
      }),
  };
}
