/**
 * The summary builder on real `terraform show -json` output: offline plans against the mirrored
 * aws provider, over a hand-written local state that already holds resources.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { protectedAddresses } from "../../scripts/plan/protected";
import { planStack } from "../../scripts/plan/runner";
import {
  buildSummary,
  exitCode,
  renderMarkdown,
  type StackPlanInput,
} from "../../scripts/plan/summary";
import { config, writeStack } from "./fixtures";
import { describeWithTerraform } from "../support/terraform-available";

describeWithTerraform("plan summary on real terraform plans", () => {
  let root: string;
  const logs: string[] = [];

  function plan(name: string, body: Record<string, unknown>): StackPlanInput {
    const paths = writeStack(path.join(root, name), body);
    return planStack(
      { name, dependencies: [], ...paths },
      { offline: true, progress: "[1/1]", log: (line) => logs.push(line) },
    );
  }

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "plan-summary-"));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  describe("a changed VPC CIDR and a removed queue", () => {
    let input: StackPlanInput;
    beforeAll(() => {
      input = plan("changes", config({ vpcCidr: "10.1.0.0/16", withKey: true }));
    });

    it("plans and reports progress per step", () => {
      expect(input.reason).toBeUndefined();
      expect(input.status).toBe("planned");
      for (const stepName of ["init", "plan", "show"]) {
        expect(logs).toContainEqual(`[1/1] changes: ${stepName}…`);
        expect(
          logs.some((l) =>
            new RegExp(`^\\[1/1\\] changes: ${stepName} done \\(\\d+\\.\\d s\\)$`).test(l),
          ),
        ).toBe(true);
      }
    });

    it("counts creates, updates, deletes and replacements", () => {
      const [stack] = buildSummary([input]).stacks;
      expect(stack.counts).toEqual({ create: 1, update: 1, delete: 1, replace: 2 });
    });

    it("lists destructive changes first, with the warning and the attribute forcing replacement", () => {
      const [stack] = buildSummary([input]).stacks;
      expect(stack.destructive.map((c) => [c.address, c.kind])).toEqual([
        ["aws_sqs_queue.legacy", "delete"],
        ["aws_subnet.a", "replace"],
        ["aws_vpc.main", "replace"],
      ]);
      const vpc = stack.destructive.find((c) => c.address === "aws_vpc.main");
      expect(vpc?.replacePaths).toEqual(["cidr_block"]);
      expect(vpc?.warning).toBe(
        "⚠ will be REPLACED (destroyed and re-created); forced by `cidr_block`",
      );
      expect(stack.other.map((c) => [c.address, c.kind])).toEqual([
        ["aws_sqs_queue.events", "update"],
        ["aws_sqs_queue.jobs", "create"],
      ]);

      const md = renderMarkdown(buildSummary([input]));
      const at = (text: string) => md.indexOf(text);
      expect(md).toContain("- `aws_sqs_queue.legacy` ⚠ will be DESTROYED");
      expect(md).toContain(
        "- `aws_vpc.main` ⚠ will be REPLACED (destroyed and re-created); forced by `cidr_block`",
      );
      expect(at("aws_vpc.main")).toBeLessThan(at("aws_sqs_queue.jobs"));
      expect(at("aws_sqs_queue.legacy")).toBeLessThan(at("aws_sqs_queue.events"));
      expect(md).toContain("| changes | ✅ planned | 1 | 1 | 1 | 2 |");
    });

    it("leaves the unchanged protected key out and does not fail", () => {
      const summary = buildSummary([input]);
      expect(input.protectedAddresses).toEqual(["aws_kms_key.state"]);
      expect(JSON.stringify(summary.stacks[0])).not.toContain('aws_kms_key.state"');
      expect(summary.protectedDestroys).toEqual([]);
      expect(exitCode(summary, { failOnProtectedDestroy: true, offline: true })).toBe(0);
    });
  });

  it("flags a protected key that a change removes from the configuration", () => {
    const before = config({ vpcCidr: "10.0.0.0/16", withKey: true });
    const result = plan("key-removed", config({ vpcCidr: "10.0.0.0/16", withKey: false }));
    expect(result.status).toBe("planned");
    // The key's prevent_destroy left with its configuration; the protection is known from before.
    const summary = buildSummary([{ ...result, protectedAddresses: protectedAddresses(before) }]);
    expect(summary.protectedDestroys).toEqual([
      { stack: "key-removed", address: "aws_kms_key.state" },
    ]);
    expect(summary.stacks[0].destructive[0]).toMatchObject({
      address: "aws_kms_key.state",
      kind: "delete",
      protected: true,
      warning: "🔒 PROTECTED (prevent_destroy) ⚠ will be DESTROYED",
    });
    expect(exitCode(summary, { failOnProtectedDestroy: true, offline: true })).toBe(1);
    expect(exitCode(summary, { failOnProtectedDestroy: false, offline: true })).toBe(0);
  });

  it("reports a plan Terraform refuses because it would replace a protected key", () => {
    const result = plan(
      "key-replaced",
      config({ vpcCidr: "10.0.0.0/16", withKey: true, keySpec: "RSA_2048" }),
    );
    expect(result.status).toBe("failed");
    expect(result.reason).toContain(
      "Instance cannot be destroyed: Resource aws_kms_key.state has lifecycle.prevent_destroy set",
    );
    expect(result.refusedProtected).toEqual(["aws_kms_key.state"]);
    const summary = buildSummary([result]);
    expect(summary.failed).toEqual(["key-replaced"]);
    expect(summary.protectedDestroys).toEqual([
      { stack: "key-replaced", address: "aws_kms_key.state" },
    ]);
    expect(renderMarkdown(summary)).toContain(
      "- `aws_kms_key.state` 🔒 PROTECTED (prevent_destroy) ⚠ Terraform refused to plan: the change would DESTROY it",
    );
    expect(exitCode(summary, { failOnProtectedDestroy: false, offline: true })).toBe(1);
  });
});
