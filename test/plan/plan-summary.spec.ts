/**
 * `npm run plan-summary -- <file> ...`: the summary `npm run plan` writes, from plan JSON files a
 * team's own runner made with `terraform show -json`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderHelp } from "../../scripts/lib/help";
import { renderSummary } from "../../scripts/plan/output";
import type { TerraformPlanJson } from "../../scripts/plan/plan-json";
import type { PlanSummary } from "../../scripts/plan/summary";
import { PLAN_SUMMARY_HELP, runPlanSummary, stackNameOf } from "../../scripts/plan/summary-command";
import {
  infraPlan,
  platformFixture,
  platformPlan,
  plannedInput,
  releaseChange,
  shippedOutdir,
  valuesOf,
  withValues,
} from "./cluster-fixtures";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-summary-cli-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `{ v: { v: ... } }`, `levels` objects deep. */
function deep(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { v: value };
  return value;
}

/** Writes `plan` as `terraform show -json` would, and returns its path. */
function planFile(name: string, plan: TerraformPlanJson | undefined): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    JSON.stringify({ format_version: "1.2", terraform_version: "1.11.4", ...plan }),
  );
  return file;
}

function summarize(argv: string[]) {
  const out: string[] = [];
  const log: string[] = [];
  const code = runPlanSummary(
    argv,
    (text) => out.push(text),
    (line) => log.push(line),
  );
  return { code, markdown: out.join(""), log };
}

/** dev-platform's plan removing its NodePool. */
function nodePoolRemoved(): TerraformPlanJson {
  const fixture = platformFixture("dev-platform");
  const { address, state } = fixture.releases.get("dev-platform/node-pools/manifests/release") ?? {
    address: "",
    state: {},
  };
  const manifests = (valuesOf(state).manifests as { kind: string }[]).filter(
    (m) => m.kind !== "NodePool",
  );
  return platformPlan([
    releaseChange(address, ["update"], state, withValues(state, { manifests })),
  ]);
}

describe("npm run plan-summary", () => {
  it("renders the summary npm run plan renders, from plan JSON and the synth output", () => {
    const platformJson = nodePoolRemoved();
    const infra = infraPlan("version", "1.33", "1.34");
    const files = [
      planFile("stacks/dev-platform/plan.json", platformJson),
      `dev-infra=${planFile("infra.json", infra.planJson)}`,
    ];
    const { code, markdown } = summarize([...files, "--synth", shippedOutdir()]);
    // Dependencies first, whatever order the files come in.
    const fixture = platformFixture("dev-platform");
    const expected = renderSummary(
      [
        {
          ...infra,
          planJson: {
            format_version: "1.2",
            terraform_version: "1.11.4",
            ...infra.planJson,
          } as TerraformPlanJson,
        },
        {
          ...plannedInput(fixture, {
            format_version: "1.2",
            terraform_version: "1.11.4",
            ...platformJson,
          } as TerraformPlanJson),
          dependencies: ["dev-infra"],
        },
      ],
      { offline: false, maxChars: 64_000, planDirectory: "." },
    ).markdown;
    expect(markdown).toBe(expected);
    expect(markdown.split("\n")[0]).toBe(
      "## ⚠ Destructive plan: 0 replaced, 0 destroyed, 1 destructive in the cluster — " +
        "`NodePool general` in `dev-platform/node-pools/manifests/release` DELETED: " +
        "Karpenter drains and terminates every node of this NodePool",
    );
    expect(markdown).toContain("`dev-platform` changes after `dev-infra` applies");
    expect(code).toBe(2);
  });

  it("names stacks after their files, finds their order in the plans alone, and writes the files", () => {
    const outdir = path.join(dir, "out");
    // Its configuration reads dev-infra's state: dev-infra comes first.
    const readsInfra = {
      ...nodePoolRemoved(),
      configuration: {
        root_module: {
          resources: [
            {
              address: "data.terraform_remote_state.cross-stack-reference-input-dev-infra",
              mode: "data",
              type: "terraform_remote_state",
              name: "cross-stack-reference-input-dev-infra",
              expressions: { backend: { constant_value: "s3" } },
            },
          ],
        },
      },
    };
    const { code, log } = summarize([
      planFile("dev-platform.json", readsInfra),
      planFile("dev-infra.json", infraPlan("version", "1.33", "1.34").planJson),
      "--outdir",
      outdir,
      "--fail-on-destroy",
    ]);
    const summary = JSON.parse(
      fs.readFileSync(path.join(outdir, "summary.json"), "utf8"),
    ) as PlanSummary;
    expect(summary.stacks.map((s) => s.name)).toEqual(["dev-infra", "dev-platform"]);
    expect(fs.readFileSync(path.join(outdir, "summary.md"), "utf8")).toMatch(
      /^## ⚠ Destructive plan/,
    );
    expect(code).toBe(1);
    expect(log).toContain("exit 1: 1 Kubernetes change(s) would delete objects");
  });

  it("refuses what is not a plan, naming the file", () => {
    const notPlan = path.join(dir, "state.json");
    fs.writeFileSync(notPlan, JSON.stringify({ version: 4, resources: [] }));
    expect(() => summarize([notPlan])).toThrow(
      `${notPlan}: not the output of \`terraform show -json <planfile>\``,
    );
    const broken = path.join(dir, "broken.json");
    fs.writeFileSync(broken, "{");
    expect(() => summarize([broken])).toThrow(`${broken}: not JSON`);
    expect(() => summarize([dir])).toThrow(`${dir}: not a regular file`);
    expect(() => summarize([path.join(dir, "missing.json")])).toThrow("missing.json: no such file");
    const change = { address: "a.b", type: "a", name: "b", change: { actions: ["update"] } };
    const shapes: [unknown, string][] = [
      [
        { resource_changes: [{ ...change, type: undefined }] },
        "resource_changes[0] has no type string",
      ],
      [
        { resource_changes: [change, { ...change, change: { actions: ["bogus"] } }] },
        'resource_changes[1].change.actions is ["bogus"], not an action list Terraform writes',
      ],
      [
        { resource_changes: [{ ...change, change: { actions: [] } }] },
        "resource_changes[0].change.actions is [], not an action list",
      ],
      [
        { output_changes: { x: { actions: ["update", "update"] } } },
        'output_changes["x"].actions is not an action list',
      ],
      [
        { resource_changes: [{ ...change, change: { actions: ["update"], after: deep(200) } }] },
        "values nested deeper than 128 levels",
      ],
    ];
    for (const [plan, problem] of shapes) {
      const file = planFile("shape.json", plan as TerraformPlanJson);
      expect(() => summarize([file])).toThrow(
        `${file}: not the output of \`terraform show -json <planfile>\` (${problem}`,
      );
    }
    expect(() => summarize([])).toThrow("name at least one plan JSON file");
    expect(() => summarize(["a=x.json", "a=y.json"])).toThrow("two files name stack a");
    // A file whose name would put Markdown or HTML into the summary as a stack name.
    expect(() => summarize([path.join(dir, "<img src=x> @octocat", "plan.json")])).toThrow(
      'does not name a stack (letters, digits, ".", "_", "-"): name it with <stack>=<file>',
    );
  });

  it("replaces an earlier summary in --outdir, but refuses a folder or file that holds anything else", () => {
    const plan = planFile("dev-infra.json", infraPlan("version", "1.33", "1.34").planJson);
    const outdir = path.join(dir, "replaced");
    fs.mkdirSync(outdir);
    // An earlier run's summary, with the text plan of a stack it listed.
    fs.writeFileSync(path.join(outdir, "summary.json"), '{ "stacks": [{ "name": "old-stack" }] }');
    fs.writeFileSync(path.join(outdir, "summary.md"), "earlier");
    fs.writeFileSync(path.join(outdir, "old-stack.txt"), "an earlier run's text plan");
    summarize([plan, "--outdir", outdir]);
    expect(fs.readdirSync(outdir).sort()).toEqual(["summary.json", "summary.md"]);

    // A .txt file no summary lists is the user's: with or without a summary beside it.
    const notes = path.join(dir, "notes");
    fs.mkdirSync(notes);
    fs.writeFileSync(path.join(notes, "todo.txt"), "mine");
    expect(() => summarize([plan, "--outdir", notes])).toThrow(
      "notes holds files a summary did not write (todo.txt)",
    );
    fs.copyFileSync(path.join(outdir, "summary.json"), path.join(notes, "summary.json"));
    expect(() => summarize([plan, "--outdir", notes])).toThrow(
      "notes holds files a summary did not write (todo.txt)",
    );
    expect(fs.readdirSync(notes).sort()).toEqual(["summary.json", "todo.txt"]);

    const kept = path.join(dir, "kept");
    fs.mkdirSync(path.join(kept, ".git"), { recursive: true });
    fs.writeFileSync(path.join(kept, "main.ts"), "source");
    expect(() => summarize([plan, "--outdir", kept])).toThrow(
      /kept holds files a summary did not write \((\.git, main\.ts|main\.ts, \.git)\): name a new or empty folder/,
    );
    expect(fs.readdirSync(kept).sort()).toEqual([".git", "main.ts"]);
    // The plan file itself as --outdir: refused, and the plan is still there.
    expect(() => summarize([plan, "--outdir", plan])).toThrow(
      "dev-infra.json is a file, not a folder: name a new or empty folder",
    );
    expect(JSON.parse(fs.readFileSync(plan, "utf8"))).toHaveProperty("format_version");
  });

  it("summarizes a plan of 100,000 updates (no spread of them onto the call stack)", () => {
    const resource_changes = Array.from({ length: 100_000 }, (_, i) => ({
      address: `null_resource.r${i}`,
      type: "null_resource",
      name: `r${i}`,
      change: { actions: ["update"], before: { v: 1 }, after: { v: 2 } },
    }));
    const { code, markdown } = summarize([
      planFile("huge.json", { resource_changes } as TerraformPlanJson),
      "--max-chars",
      "20000",
    ]);
    expect(code).toBe(2);
    expect(markdown).toContain("100000");
    expect(markdown.length).toBeLessThanOrEqual(20000);
  });

  it("names a stack after its file", () => {
    expect(stackNameOf("out/dev-infra.json")).toBe("dev-infra");
    expect(stackNameOf("dev-infra.tfplan.json")).toBe("dev-infra");
    expect(stackNameOf("cdktf.out/stacks/prod-platform/plan.json")).toBe("prod-platform");
  });

  it("has --help in the shape of the other commands", () => {
    const help = renderHelp(PLAN_SUMMARY_HELP);
    expect(
      help.startsWith("usage: npm run plan-summary -- [<stack>=]<plan.json> ... [options]\n"),
    ).toBe(true);
    for (const part of ["options:", "--synth <dir>", "examples:", "exit status:"])
      expect(help).toContain(part);
  });
});
