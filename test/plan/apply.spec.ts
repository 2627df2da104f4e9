/**
 * `npm run apply`'s arguments and its result.md; the apply itself, of a real saved plan, is
 * test/workflows/saved-plan.test.ts.
 */
import { applyMarkdown, parseApplyArgs } from "../../scripts/lib/apply";

describe("npm run apply", () => {
  it("escapes an unknown option instead of echoing it (no forged lines)", () => {
    expect(() => parseApplyArgs(["dev-infra", "--x\n::error::forged"])).toThrow(
      "unknown option --x\\n::error::forged\nusage: npm run apply",
    );
    expect(() => parseApplyArgs([])).toThrow("name the stacks whose saved plans to apply");
  });

  it("writes stack names and reasons as code in result.md", () => {
    expect(
      applyMarkdown([
        { stack: "dev-infra", status: "applied", counts: { added: 1, changed: 0, destroyed: 0 } },
        { stack: "dev-platform", status: "failed", reason: "terraform apply failed: <b>x</b>" },
      ]),
    ).toBe(
      "- `dev-infra`: ✅ applied (1 added, 0 changed, 0 destroyed)\n" +
        "- `dev-platform`: ❌ failed: `terraform apply failed: <b>x</b>`\n",
    );
  });
});
