import {
  code,
  planTextBlock,
  renderMarkdown,
  renderMermaid,
  statusLabel,
} from "../../scripts/plan/markdown";
import type { ResourceChangeJson } from "../../scripts/plan/plan-json";
import { EMPTY_STACK_CONFIG } from "../../scripts/plan/stack-config";
import { buildSummary, type StackPlanInput } from "../../scripts/plan/summary";
import { change } from "./resource-change";

const planned = (name: string, ...changes: ResourceChangeJson[]): StackPlanInput => ({
  name,
  status: "planned",
  dependencies: [],
  config: EMPTY_STACK_CONFIG,
  planJson: {
    resource_changes: changes,
    prior_state: { values: { root_module: { resources: [{}] } } },
  },
});

const options = (planTexts: Record<string, string> = {}, maxChars = 60_000) => ({
  planTexts: new Map(Object.entries(planTexts)),
  maxChars,
  planDirectory: "cdktf.out/plan",
});

const firstLine = (md: string) => md.split("\n")[0];

describe("code", () => {
  it("keeps backticks in a value inside the span", () => {
    expect(code("plain")).toBe("`plain`");
    expect(code("a`b")).toBe("``a`b``");
    expect(code("`x`")).toBe("`` `x` ``");
  });
});

describe("the first line", () => {
  it("names the first replacement whose cause is known, with before → after, and the totals", () => {
    const summary = buildSummary(
      [
        planned(
          "dev-infra",
          change("aws_subnet.a", ["delete", "create"], {
            before: { vpc_id: "vpc-1" },
            after_unknown: { vpc_id: true },
            replace_paths: [["vpc_id"]],
          }),
          change("aws_vpc.main", ["delete", "create"], {
            before: { cidr_block: "10.10.0.0/16" },
            after: { cidr_block: "10.11.0.0/16" },
            replace_paths: [["cidr_block"]],
          }),
          change("aws_sqs_queue.q", ["delete"]),
        ),
      ],
      { offline: false },
    );
    expect(firstLine(renderMarkdown(summary, options()))).toBe(
      "## ⚠ Destructive plan: 2 replaced, 1 destroyed — `aws_vpc.main` REPLACED: `cidr_block: 10.10.0.0/16 → 10.11.0.0/16`",
    );
  });

  it("says what failed, what would change, or that nothing would", () => {
    const failed = buildSummary(
      [
        {
          name: "a",
          status: "failed",
          reason: "boom",
          dependencies: [],
          config: EMPTY_STACK_CONFIG,
        },
      ],
      { offline: false },
    );
    expect(firstLine(renderMarkdown(failed, options()))).toBe("## ❌ Terraform plan failed: `a`");
    const creates = buildSummary([planned("a", change("aws_vpc.v", ["create"]))], {
      offline: false,
    });
    expect(firstLine(renderMarkdown(creates, options()))).toBe(
      "## Terraform plan: 1 to create, 0 to update",
    );
    const quiet = buildSummary([planned("a")], { offline: false });
    expect(firstLine(renderMarkdown(quiet, options()))).toBe("## ✅ Terraform plan: no changes");
  });

  it("names a protected resource Terraform refused to plan", () => {
    const summary = buildSummary(
      [
        {
          name: "prod-bootstrap",
          status: "failed",
          reason: "terraform plan failed: Instance cannot be destroyed",
          dependencies: [],
          config: { preventDestroy: [], constructPaths: { "aws_kms_key.k": "prod-bootstrap/key" } },
          refusedProtected: ["aws_kms_key.k"],
        },
      ],
      { offline: false },
    );
    const md = renderMarkdown(summary, options());
    expect(firstLine(md)).toBe(
      "## ⚠ Destructive plan: 0 replaced, 0 destroyed (1 protected) — Terraform refused to plan `prod-bootstrap/key`: it would destroy a prevent_destroy resource",
    );
    expect(md).toContain(
      "> **🔒 `prod-bootstrap/key` Terraform refused the plan: it would DESTROY it** (protected: prevent_destroy)",
    );
    expect(md).toContain("> ❌ Plan failed: `prod-bootstrap`.");
  });
});

describe("stack status", () => {
  it("is never a tick for a destructive stack", () => {
    const [replacing] = buildSummary(
      [planned("a", change("aws_vpc.v", ["delete", "create"]), change("aws_vpc.w", ["create"]))],
      { offline: false },
    ).stacks;
    expect(statusLabel(replacing)).toBe("⚠ replaces 1 / destroys 0");
    const [quiet] = buildSummary([planned("a")], { offline: false }).stacks;
    expect(statusLabel(quiet)).toBe("✅ no changes");
  });

  it("says which existing objects a plan adopts, even when importing changes nothing", () => {
    const labels = {
      metadata: [{ labels: { "pod-security.kubernetes.io/enforce": "privileged" } }],
    };
    const summary = buildSummary(
      [
        planned(
          "dev-platform",
          change("kubernetes_namespace_v1.calico_namespace_0123", ["update"], {
            importing: { id: "tigera-operator" },
            before: { metadata: [{ labels: {} }] },
            after: labels,
          }),
          change("kubernetes_namespace_v1.ingress_namespace_4567", ["no-op"], {
            importing: { id: "nginx-ingress" },
          }),
        ),
        planned(
          "onprem-platform",
          change("kubernetes_namespace_v1.metallb_namespace_89ab", ["no-op"], {
            importing: { id: "metallb-system" },
          }),
        ),
      ],
      { offline: false },
    );
    const [dev, onprem] = summary.stacks;
    expect(dev.adopted.map((e) => e.id)).toEqual(["tigera-operator", "nginx-ingress"]);
    expect(statusLabel(dev)).toBe("✅ creates 0 / updates 1 / adopts 2");
    expect(statusLabel(onprem)).toBe("✅ adopts 1");
    const md = renderMarkdown(summary, options());
    expect(md).toContain(
      [
        "**Adopted** (2): existing objects imported into the state, not created",
        "",
        "- `kubernetes_namespace_v1.calico_namespace_0123` `kubernetes_namespace_v1` `tigera-operator`",
        "- `kubernetes_namespace_v1.ingress_namespace_4567` `kubernetes_namespace_v1` `nginx-ingress`",
      ].join("\n"),
    );
    expect(md).not.toContain("No changes.");
  });

  it("draws destructive stacks apart in the diagram, dependencies pointing at their readers", () => {
    const summary = buildSummary(
      [
        planned("dev-infra", change("aws_vpc.v", ["delete"])),
        {
          name: "dev-platform",
          status: "not-planned",
          reason: "no helm",
          dependencies: ["dev-infra"],
          config: EMPTY_STACK_CONFIG,
        },
      ],
      { offline: true },
    );
    const mermaid = renderMermaid(summary);
    expect(mermaid).toContain(
      's_dev_infra["dev-infra<br/>⚠ replaces 0 / destroys 1"]:::destructive',
    );
    expect(mermaid).toContain('s_dev_platform["dev-platform<br/>⏭ not planned"]:::notplanned');
    expect(mermaid).toContain("s_dev_infra --> s_dev_platform");
  });
});

describe("the size budget", () => {
  const lines = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => `${prefix} line ${i}`).join("\n");

  it("keeps short plans whole and cuts the long one at a line, saying where the rest is", () => {
    const summary = buildSummary(
      [
        planned("dev-infra", change("aws_vpc.v", ["create"])),
        planned("dev-platform", change("aws_vpc.w", ["create"])),
      ],
      { offline: false },
    );
    const md = renderMarkdown(
      summary,
      options(
        { "dev-infra": lines("infra", 5_000), "dev-platform": lines("platform", 10) },
        20_000,
      ),
    );
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md.length).toBeGreaterThan(19_000);
    expect(md).toContain("platform line 9\n");
    expect(md).toContain("infra line 0\n");
    expect(md).not.toContain("infra line 4999");
    expect(md).toMatch(
      /_Cut after \d+ of 5000 lines to fit the comment: the whole plan is `cdktf\.out\/plan\/dev-infra\.txt` \(in the run's plan artifact\)\._/,
    );
    expect(md).toContain(
      "<details><summary>Full plan of <code>dev-infra</code> (5000 lines)</summary>",
    );
  });

  it("fences a plan with a longer fence than any backticks in it", () => {
    const block = planTextBlock("a", "x ``` y", 1_000, "out");
    expect(block).toContain("\n````text\nx ``` y\n````\n");
  });

  it("leaves only a pointer to the file when no line fits, and nothing when not even that does", () => {
    expect(planTextBlock("a", "x".repeat(500), 200, "out")).toBe(
      "_Full plan of `a`: `out/a.txt` (in the run's plan artifact)._\n\n",
    );
    expect(planTextBlock("a", "x", 10, "out")).toBe("");
  });

  it("cuts a stack's changes at a line when they alone exceed the budget, never the head", () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      change(`aws_sqs_queue.q${i}`, ["update"], {
        before: { delay: 0 },
        after: { delay: i + 1 },
      }),
    );
    const md = renderMarkdown(buildSummary([planned("a", ...many)], { offline: false }), {
      ...options({ a: "text" }, 5_000),
    });
    expect(md.length).toBeLessThanOrEqual(5_000);
    expect(md.startsWith("## Terraform plan: 0 to create, 400 to update")).toBe(true);
    expect(md).toContain("| `a` | ✅ creates 0 / updates 400 | 0 | 400 | 0 | 0 |");
    expect(md).toContain("- `aws_sqs_queue.q0` `aws_sqs_queue`");
    expect(md).not.toContain("aws_sqs_queue.q399");
    expect(md).toContain(
      "_… cut to fit the comment: summary.json (in the run's plan artifact) has every change._",
    );
    expect(md.split("\n").filter((l) => l.startsWith("```")).length % 2).toBe(0);
  });

  it("shows a failure reason as code, so its HTML is inert", () => {
    const failed = buildSummary(
      [
        {
          name: "a",
          status: "failed",
          reason: "bad <details> value",
          dependencies: [],
          config: EMPTY_STACK_CONFIG,
        },
      ],
      { offline: false },
    );
    expect(renderMarkdown(failed, options())).toContain("Reason: `bad <details> value`");
  });
});
