/**
 * The summary on real `terraform show -json` output: offline plans with the mirrored aws provider,
 * over a hand-written local state that already holds resources (nothing is applied).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KNOWN_AFTER_APPLY, SENSITIVE } from "../../scripts/plan/attributes";
import { renderMarkdown } from "../../scripts/plan/markdown";
import { planStack } from "../../scripts/plan/runner";
import { stackConfig, withBaseline } from "../../scripts/plan/stack-config";
import {
  buildSummary,
  EXIT_CHANGES,
  EXIT_ERROR,
  exitStatus,
  type PlanSummary,
  type StackPlanInput,
} from "../../scripts/plan/summary";
import { describeWithTerraform } from "../support/terraform-available";
import { config, NEW_SECRET, OLD_SECRET, writeStack } from "./fixtures";

const exitOptions = { failOnDestroy: false, failOnProtectedDestroy: false, offline: true };

const markdown = (summary: PlanSummary, inputs: readonly StackPlanInput[]) =>
  renderMarkdown(summary, {
    planTexts: new Map(inputs.map((i) => [i.name, i.planText ?? ""])),
    maxChars: 60_000,
    planDirectory: "cdktf.out/plan",
  });

describeWithTerraform("plan summary on real terraform plans", () => {
  let root: string;
  const logs: string[] = [];
  const plans = new Map<string, StackPlanInput>();

  function plan(name: string, body: Record<string, unknown>): Promise<StackPlanInput> {
    const paths = writeStack(path.join(root, name), body);
    return planStack(
      { name, dependencies: [], ...paths },
      { offline: true, progress: "[1/1]", log: (line) => logs.push(line) },
    );
  }

  const planned = (name: string) => plans.get(name) as StackPlanInput;

  // The three plans run side by side, as `npm run plan` runs independent stacks.
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "plan-summary-"));
    const results = await Promise.all([
      plan(
        "fixture",
        config({
          vpcCidr: "10.1.0.0/16",
          withKey: true,
          secret: NEW_SECRET,
          bootstrapSelfManagedAddons: true,
        }),
      ),
      plan("key-removed", config({ vpcCidr: "10.0.0.0/16", withKey: false })),
      plan("key-replaced", config({ vpcCidr: "10.0.0.0/16", withKey: true, keySpec: "RSA_2048" })),
    ]);
    for (const result of results) plans.set(result.name, result);
  }, 300_000);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  describe("a CNI family change, a changed VPC CIDR, a removed queue and a new secret", () => {
    let input: StackPlanInput;
    let summary: PlanSummary;
    let md: string;
    beforeAll(() => {
      input = planned("fixture");
      summary = buildSummary([input], { offline: true });
      md = markdown(summary, [input]);
    });

    it("plans and reports progress per step", () => {
      expect(input.reason).toBeUndefined();
      expect(input.status).toBe("planned");
      for (const step of ["init", "plan", "show -json"]) {
        expect(logs).toContainEqual(`[1/1] fixture: ${step}…`);
        expect(
          logs.some((l) =>
            new RegExp(`^\\[1/1\\] fixture: ${step} done \\(\\d+\\.\\d s\\)$`).test(l),
          ),
        ).toBe(true);
      }
    });

    it("opens with the protected cluster, the attribute forcing it and what goes with it", () => {
      expect(md.split("\n")[0]).toBe(
        "## ⚠ Destructive plan: 3 replaced, 1 destroyed (1 protected) — `fixture/cluster/cluster` REPLACED: `bootstrap_self_managed_addons: false → true`",
      );
      expect(md).toContain(
        "> **🔒 `fixture/cluster/cluster` would be REPLACED** (protected: EKS cluster). The pod network's CNI family changed (a Calico CNI mode → policy-only on the AWS VPC CNI). The CNI family is fixed for a cluster's life, so this REPLACES the cluster and everything on it",
      );
      expect(md).toContain("| `fixture` | ⚠ replaces 3 / destroys 1 | 1 | 2 | 3 | 1 |");
      expect(md).not.toContain("✅");
    });

    it("lists each replacement with the attributes forcing it, before → after, by construct path", () => {
      const [stack] = summary.stacks;
      expect(stack.counts).toEqual({ create: 1, update: 2, replace: 3, delete: 1 });
      expect(stack.destructive.map((e) => [e.name, e.kind, e.protection, e.attributes])).toEqual([
        [
          "fixture/cluster/cluster",
          "replace",
          ["EKS cluster"],
          [{ path: "bootstrap_self_managed_addons", before: "false", after: "true" }],
        ],
        [
          "fixture/network/vpc",
          "replace",
          [],
          [{ path: "cidr_block", before: "10.0.0.0/16", after: "10.1.0.0/16" }],
        ],
        [
          "fixture/network/subnet-a",
          "replace",
          [],
          [
            { path: "cidr_block", before: "10.0.1.0/24", after: "10.1.1.0/24" },
            { path: "vpc_id", before: "vpc-0123456789abcdef0", after: KNOWN_AFTER_APPLY },
          ],
        ],
        // Gone from the configuration: only its address is left to name it.
        ["aws_sqs_queue.legacy", "delete", [], []],
      ]);
      expect(stack.destructive[3].reason).toBe("removed from the configuration");
      expect(md).toContain(
        "- `fixture/network/vpc` `aws_vpc` ⚠ REPLACED, forced by:\n  - `cidr_block: 10.0.0.0/16 → 10.1.0.0/16`",
      );
      expect(md).toContain(
        "- `aws_sqs_queue.legacy` `aws_sqs_queue` ⚠ DESTROYED (removed from the configuration)",
      );
    });

    it("shows updates before → after, masking the secret everywhere", () => {
      const [stack] = summary.stacks;
      expect(stack.updates.map((e) => [e.name, e.attributes])).toEqual([
        ["fixture/events", [{ path: "visibility_timeout_seconds", before: "30", after: "60" }]],
        [
          "fixture/token",
          [
            { path: "value", before: SENSITIVE, after: SENSITIVE },
            { path: "insecure_value", before: "null", after: KNOWN_AFTER_APPLY },
            { path: "version", before: "1", after: KNOWN_AFTER_APPLY },
          ],
        ],
      ]);
      // terraform show -json carries both values in clear text; none may reach the summary.
      expect(JSON.stringify(input.planJson)).toContain(NEW_SECRET);
      for (const secret of [OLD_SECRET, NEW_SECRET]) {
        expect(md).not.toContain(secret);
        expect(JSON.stringify(summary)).not.toContain(secret);
      }
    });

    it("groups creates by type and folds Terraform's own text of the plan", () => {
      expect(md).toContain("**Created** (1): `aws_sqs_queue` × 1");
      expect(md).toMatch(
        /<details><summary>Full plan of <code>fixture<\/code> \(\d+ lines\)<\/summary>/,
      );
      expect(md).toContain("  # aws_vpc.main must be replaced");
      expect(md).toMatch(
        /~ cidr_block +=\s+"10\.0\.0\.0\/16" -> "10\.1\.0\.0\/16" # forces replacement/,
      );
      expect(input.planText).not.toContain(NEW_SECRET);
    });

    it("exits 2 for changes, 1 when asked to fail on any or on protected destruction", () => {
      expect(exitStatus(summary, exitOptions).code).toBe(EXIT_CHANGES);
      expect(exitStatus(summary, { ...exitOptions, failOnDestroy: true }).code).toBe(EXIT_ERROR);
      expect(exitStatus(summary, { ...exitOptions, failOnProtectedDestroy: true })).toEqual({
        code: EXIT_ERROR,
        failure: "1 protected resource(s) would be replaced or destroyed",
      });
    });
  });

  it("flags a protected key that a change removes from the configuration, named from the base branch", () => {
    const before = config({ vpcCidr: "10.0.0.0/16", withKey: true });
    const result = planned("key-removed");
    expect(result.status).toBe("planned");
    // The key's prevent_destroy and construct path left with its configuration; the base branch has them.
    const summary = buildSummary(
      [{ ...result, config: withBaseline(result.config, stackConfig(before)) }],
      { offline: true },
    );
    expect(summary.protectedDestroys).toEqual([
      {
        stack: "key-removed",
        address: "aws_kms_key.state",
        name: "fixture/state-key/key",
        kind: "delete",
        protection: ["prevent_destroy", "KMS key"],
      },
    ]);
    expect(summary.totals).toEqual({ create: 1, update: 1, replace: 0, delete: 2 });
    const md = markdown(summary, [result]);
    expect(md).toContain(
      "- **🔒 `fixture/state-key/key` `aws_kms_key` DESTROYED** (protected: prevent_destroy, KMS key; removed from the configuration)",
    );
    expect(exitStatus(summary, { ...exitOptions, failOnProtectedDestroy: true }).code).toBe(
      EXIT_ERROR,
    );
    expect(exitStatus(summary, exitOptions).code).toBe(EXIT_CHANGES);
  });

  it("reports a plan Terraform refuses because it would replace a protected key", () => {
    const result = planned("key-replaced");
    expect(result.status).toBe("failed");
    expect(result.reason).toContain(
      "Instance cannot be destroyed: Resource aws_kms_key.state has lifecycle.prevent_destroy set",
    );
    expect(result.refusedProtected).toEqual(["aws_kms_key.state"]);
    // What Terraform printed, for the folded text: the error is part of it.
    expect(result.planText).toContain("Error: Instance cannot be destroyed");
    const summary = buildSummary([result], { offline: true });
    expect(summary.failed).toEqual(["key-replaced"]);
    expect(summary.protectedDestroys).toEqual([
      {
        stack: "key-replaced",
        address: "aws_kms_key.state",
        name: "fixture/state-key/key",
        kind: "refused",
        protection: ["prevent_destroy"],
      },
    ]);
    const md = markdown(summary, [result]);
    expect(md).toContain(
      "> **🔒 `fixture/state-key/key` in key-replaced Terraform refused the plan: it would DESTROY it** (protected: prevent_destroy)",
    );
    expect(md).toContain("| `key-replaced` | ❌ plan failed | – | – | – | – |");
    expect(exitStatus(summary, exitOptions).code).toBe(EXIT_ERROR);
  });
});
