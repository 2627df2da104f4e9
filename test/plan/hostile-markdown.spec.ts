/**
 * Names, keys, values and failure reasons reach summary.md (the pull-request comment) from
 * environment files and Terraform's output: none of them may forge Markdown, HTML, links or
 * mentions, and none may push the headline, the alerts or the counts out of the comment.
 */
import { renderMarkdown } from "../../scripts/plan/markdown";
import type { ResourceChangeJson } from "../../scripts/plan/plan-json";
import { EMPTY_STACK_CONFIG } from "../../scripts/plan/stack-config";
import { buildSummary, type StackPlanInput } from "../../scripts/plan/summary";
import { change } from "./resource-change";

const planned = (
  name: string,
  changes: ResourceChangeJson[],
  constructPaths: Record<string, string> = {},
): StackPlanInput => ({
  name,
  status: "planned",
  dependencies: [],
  config: { preventDestroy: [], constructPaths },
  planJson: {
    resource_changes: changes,
    prior_state: { values: { root_module: { resources: [{}] } } },
  },
});

const render = (inputs: StackPlanInput[], maxChars = 60_000, planTexts = {}) =>
  renderMarkdown(buildSummary(inputs, { offline: false }), {
    planTexts: new Map(Object.entries(planTexts)),
    maxChars,
    planDirectory: "cdktf.out/plan",
  });

/** Lines as a Markdown renderer splits them: CR, LF and CRLF all end a line. */
const markdownLines = (md: string) => md.split(/\r\n|\r|\n/);

/** The text outside inline code spans and fenced blocks: what Markdown interprets. */
function interpreted(md: string): string {
  const outsideFences = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, "");
  return outsideFences.replace(/(`+)[^`]*?\1/g, (span) => " ".repeat(span.length));
}

describe("summary.md against hostile strings", () => {
  it("keeps a carriage return in a value inside its code span", () => {
    const md = render([
      planned("dev-infra", [
        change("aws_sqs_queue.q", ["update"], {
          before: { name: "q" },
          after: { name: "q\r# Forged heading\r</details>" },
        }),
      ]),
    ]);
    expect(md).not.toContain("\r");
    expect(markdownLines(md).some((l) => l.startsWith("# Forged"))).toBe(false);
    expect(md).toContain("q\\r# Forged heading\\r</details>");
  });

  it("keeps a newline in a map key inside its code span", () => {
    const md = render([
      planned("dev-infra", [
        change("aws_vpc.v", ["update"], {
          before: { tags: {} },
          after: { tags: { "team\n</details>\n\n@platform/admins hi": "x" } },
        }),
      ]),
    ]);
    const lines = markdownLines(md);
    expect(lines.filter((l) => l.trim() === "</details>")).toHaveLength(0);
    expect(lines.some((l) => l.startsWith("@platform"))).toBe(false);
    expect(md).toContain("tags.team\\n</details>\\n\\n@platform/admins hi");
  });

  it("escapes line and paragraph separators, other control characters and bidi overrides", () => {
    const md = render([
      planned("dev-infra", [
        change("aws_sqs_queue.q", ["update"], {
          before: { name: "a\u2028b" },
          after: { name: "c\u2029d\u0007e\u202ef\u0085" },
        }),
      ]),
    ]);
    for (const raw of ["\u2028", "\u2029", "\u0007", "\u202e", "\u0085"]) {
      expect(md).not.toContain(raw);
    }
    expect(md).toContain("a\\u2028b → c\\u2029d\\u0007e\\u202ef\\u0085");
  });

  it("renders no link, image, HTML or mention from a failure reason", () => {
    const reason =
      "terraform plan failed: see [the fix](https://evil.example/x) ![pixel](https://evil.example/p.png) " +
      "<img src=x onerror=alert(1)> @platform/admins https://evil.example\n## Forged";
    const md = render([
      { name: "dev-infra", status: "failed", reason, dependencies: [], config: EMPTY_STACK_CONFIG },
    ]);
    const live = interpreted(md);
    expect(live).not.toContain("](https://evil");
    expect(live).not.toContain("<img");
    expect(live).not.toContain("@platform");
    expect(live).not.toContain("https://evil");
    expect(markdownLines(md).some((l) => l.startsWith("## Forged"))).toBe(false);
    expect(md).toContain("[the fix](https://evil.example/x)");
  });

  it("keeps a stack name with a pipe in its own table cell", () => {
    const md = render([planned("a|b", [change("aws_vpc.v", ["create"])])]);
    const row = markdownLines(md).find((l) => l.includes("a\\|b"));
    expect(row).toBeDefined();
    // Six cells, as in the header: the name's pipe is escaped.
    expect(row?.split(/(?<!\\)\|/).length).toBe(8);
  });

  it("escapes control characters in a text plan, whose fence no line can close", () => {
    const md = render([planned("dev-infra", [change("aws_vpc.v", ["create"])])], 60_000, {
      "dev-infra": "line 1\r```\r</details>\n\u2028line 2",
    });
    expect(md).not.toContain("\r");
    expect(md).not.toContain("\u2028");
    expect(md).toContain("line 1\\r```\\r</details>");
  });

  describe("a 70,000-character resource name", () => {
    const longName = `dev-infra/${"n".repeat(70_000)}`;
    const md = render(
      [
        planned(
          "dev-infra",
          [
            change("aws_vpc.v", ["delete", "create"], {
              before: { cidr_block: "10.10.0.0/16" },
              after: { cidr_block: "10.11.0.0/16" },
              replace_paths: [["cidr_block"]],
            }),
            change("aws_kms_key.k", ["delete"]),
          ],
          { "aws_vpc.v": longName },
        ),
      ],
      16_000,
    );

    it("keeps the headline, the alerts and the counts, within the budget", () => {
      expect(md.length).toBeLessThanOrEqual(16_000);
      expect(md).not.toContain("Summary cut");
      const [first] = markdownLines(md);
      expect(first).toMatch(/^## ⚠ Destructive plan: 1 replaced, 1 destroyed \(1 protected\) — /);
      expect(first).toContain("`cidr_block: 10.10.0.0/16 → 10.11.0.0/16`");
      expect(md).toContain("> [!CAUTION]");
      expect(md).toContain("**🔒 `aws_kms_key.k` in dev-infra would be DESTROYED**");
      expect(md).toMatch(/\| `dev-infra` \| ⚠ replaces 1 \/ destroys 1 \| 0 \| 0 \| 1 \| 1 \|/);
    });

    it("shows the name cut, with its length", () => {
      expect(md).toContain("… (70010 chars)");
      expect(md).not.toContain("n".repeat(1_000));
    });
  });
});
