import {
  buildSummary,
  classifyActions,
  exitCode,
  renderMarkdown,
  renderMermaid,
  type StackPlanInput,
  type TerraformPlanJson,
} from "../../scripts/plan/summary";

const change = (address: string, actions: string[], replacePaths?: string[][]) => {
  const [type, name] = address.split(".");
  return {
    address,
    type,
    name: name.replace(/\[.*$/, ""),
    change: { actions, replace_paths: replacePaths },
  };
};

const plan = (...changes: ReturnType<typeof change>[]): TerraformPlanJson => ({
  resource_changes: changes,
});

const stack = (overrides: Partial<StackPlanInput> & { name: string }): StackPlanInput => ({
  status: "planned",
  dependencies: [],
  protectedAddresses: [],
  ...overrides,
});

describe("classifyActions", () => {
  it.each([
    [["create"], "create"],
    [["update"], "update"],
    [["delete"], "delete"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["no-op"], undefined],
    [["read"], undefined],
    [["forget"], undefined],
  ])("%j is %s", (actions, kind) => {
    expect(classifyActions(actions)).toBe(kind);
  });
});

describe("buildSummary", () => {
  const inputs: StackPlanInput[] = [
    stack({
      name: "dev-infra",
      planJson: plan(
        change("aws_subnet.private[0]", ["create", "delete"], [["cidr_block"]]),
        change("aws_kms_key.eks", ["delete"]),
        change("aws_sqs_queue.q", ["update"]),
        change("aws_vpc.main", ["no-op"]),
      ),
      protectedAddresses: ["aws_kms_key.eks", "aws_subnet.private"],
    }),
    stack({
      name: "dev-platform",
      status: "not-planned",
      reason: "providers cannot be installed: hashicorp/helm",
      dependencies: ["dev-infra"],
    }),
  ];
  const summary = buildSummary(inputs);

  it("totals the counts and names unplanned stacks", () => {
    expect(summary.totals).toEqual({ create: 0, update: 1, delete: 1, replace: 1 });
    expect(summary.notPlanned).toEqual(["dev-platform"]);
    expect(summary.failed).toEqual([]);
  });

  it("marks protected resources by their configured address, including counted instances", () => {
    expect(summary.protectedDestroys).toEqual([
      { stack: "dev-infra", address: "aws_subnet.private[0]" },
      { stack: "dev-infra", address: "aws_kms_key.eks" },
    ]);
    expect(summary.stacks[0].destructive[0].warning).toBe(
      "🔒 PROTECTED (prevent_destroy) ⚠ will be REPLACED (destroyed and re-created); forced by `cidr_block`",
    );
  });

  it("fails on protected destroys only when asked, and online on unplanned stacks", () => {
    expect(exitCode(summary, { failOnProtectedDestroy: false, offline: true })).toBe(0);
    expect(exitCode(summary, { failOnProtectedDestroy: true, offline: true })).toBe(1);
    expect(exitCode(summary, { failOnProtectedDestroy: false, offline: false })).toBe(1);
    const failed = buildSummary([stack({ name: "a", status: "failed", reason: "boom" })]);
    expect(exitCode(failed, { failOnProtectedDestroy: false, offline: true })).toBe(1);
  });

  it("draws the stacks and their dependencies first in the markdown", () => {
    const mermaid = renderMermaid(summary);
    expect(mermaid.split("\n")[0]).toBe("graph LR");
    expect(mermaid).toContain('s_dev_infra["dev-infra<br/>+0 ~1 -1 ±1"]:::planned');
    expect(mermaid).toContain('s_dev_platform["dev-platform<br/>⏭ not planned"]:::notplanned');
    expect(mermaid).toContain("s_dev_infra --> s_dev_platform");
    const md = renderMarkdown(summary);
    expect(md.indexOf("```mermaid")).toBeLessThan(md.indexOf("| Stack |"));
    expect(md).toContain("| dev-platform | ⏭ not planned | – | – | – | – |");
    expect(md).toContain("Reason: providers cannot be installed: hashicorp/helm");
    expect(md).toContain("[!CAUTION]");
  });

  it("says so when a planned stack has no changes", () => {
    const md = renderMarkdown(
      buildSummary([stack({ name: "quiet", planJson: plan(change("aws_vpc.main", ["no-op"])) })]),
    );
    expect(md).toContain("### quiet: ✅ planned\n\nNo changes.");
  });
});
