/**
 * A change to what `<env>-infra` outputs shows nothing in `<env>-platform`'s own plan, which reads
 * the outputs from the infra state as it is: the summary must say what the platform stack will
 * change once the infra applies, and which of its resources read the changed outputs.
 */
import { renderMarkdown } from "../../scripts/plan/markdown";
import { buildSummary, type PlanSummary, type StackPlanInput } from "../../scripts/plan/summary";
import { infraPlan, platform } from "./cluster-fixtures";

const render = (summary: PlanSummary) =>
  renderMarkdown(summary, {
    planTexts: new Map(),
    maxChars: 60_000,
    planDirectory: "cdktf.out/plan",
  });

describe("infra output changed under a platform stack", () => {
  it("says the platform stack changes after the infra applies, with the output before → after and its readers", () => {
    const summary = buildSummary([infraPlan("version", "1.33", "1.34"), platform()], {
      offline: false,
    });
    const md = render(summary);
    expect(md.split("\n")[0]).toBe(
      "## Terraform plan: 0 to create, 1 to update — `dev-platform` changes after `dev-infra` applies",
    );
    expect(md).toContain(
      "> - `dev-platform` changes after `dev-infra` applies: `dev-infra/cluster/cluster.version: 1.33 → 1.34`, " +
        "read by `dev-platform/system-node-group/node-group`",
    );
    const [effect] = summary.stacks[1].upstream;
    expect(effect.dependents).toEqual([
      expect.objectContaining({
        name: "dev-platform/system-node-group/node-group",
        via: ["version"],
      }),
    ]);
    expect(md).toContain("### `dev-platform`: ✅ no changes, ⏳ more after an apply");
    expect(md).toContain("**Changes after `dev-infra` applies**");
  });

  it("follows a changed endpoint into the providers, the release values and the wait step", () => {
    const summary = buildSummary(
      [infraPlan("endpoint", "https://old.example", undefined), platform()],
      { offline: false },
    );
    const [effect] = summary.stacks[1].upstream;
    expect(effect.outputs).toEqual([
      expect.objectContaining({
        source: "dev-infra/cluster/cluster.endpoint",
        before: "https://old.example",
        after: "(known after apply)",
      }),
    ]);
    expect([...effect.providers].sort()).toEqual(["helm", "kubernetes"]);
    expect(effect.dependents.map((d) => [d.name, d.via])).toEqual(
      expect.arrayContaining([
        ["dev-platform/karpenter/release", ["values[0]"]],
        [
          "dev-platform/calico/ready/wait",
          ["provisioner[0].local-exec.environment.CLUSTER_ENDPOINT"],
        ],
      ]),
    );
  });

  it("shows a sensitive attribute masked, whatever the output is", () => {
    const infra = infraPlan("version", "1.33", "1.34");
    const change = infra.planJson?.resource_changes?.[0];
    if (!change) throw new Error("no cluster change");
    const secret: StackPlanInput = {
      ...infra,
      planJson: {
        ...infra.planJson,
        resource_changes: [
          {
            ...change,
            change: {
              ...change.change,
              before_sensitive: { version: true },
              after_sensitive: { version: true },
            },
          },
        ],
      },
    };
    const summary = buildSummary([secret, platform()], { offline: false });
    expect(summary.stacks[1].upstream[0].outputs[0]).toMatchObject({
      before: "(sensitive)",
      after: "(sensitive)",
    });
    expect(render(summary)).not.toContain("1.34");
  });

  it("still says so when the platform stack could not be planned", () => {
    const summary = buildSummary(
      [
        infraPlan("version", "1.33", "1.34"),
        platform({ status: "not-planned", reason: "offline", planJson: undefined }),
      ],
      { offline: true },
    );
    expect(summary.stacks[1].upstream).toHaveLength(1);
  });

  it("reads the references from the platform plan's configuration when there is no synth output", () => {
    const references = {
      address: "aws_eks_node_group.system",
      mode: "managed",
      type: "aws_eks_node_group",
      name: "system",
      expressions: {
        version: {
          references: [
            "data.terraform_remote_state.cross-stack-reference-input-dev-infra.outputs.cross-stack-output-aws_eks_clustercluster_A4C38409version",
            "data.terraform_remote_state.cross-stack-reference-input-dev-infra.outputs",
            "data.terraform_remote_state.cross-stack-reference-input-dev-infra",
          ],
        },
      },
    };
    const bare = platform({
      dependencies: [],
      config: { preventDestroy: [], constructPaths: {} },
      planJson: {
        resource_changes: [],
        prior_state: { values: { root_module: { resources: [{ address: "x.y" }] } } },
        configuration: {
          root_module: {
            resources: [
              references,
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
      },
    });
    const summary = buildSummary([infraPlan("version", "1.33", "1.34"), bare], { offline: false });
    expect(summary.stacks[1].upstream[0].dependents).toEqual([
      expect.objectContaining({ name: "aws_eks_node_group.system", via: ["version"] }),
    ]);
  });

  it("says nothing for an infra stack planned against empty state (a new environment)", () => {
    const infra = infraPlan("version", "1.33", "1.34");
    const fresh = { ...infra, planJson: { ...infra.planJson, prior_state: { values: {} } } };
    expect(buildSummary([fresh, platform()], { offline: false }).stacks[1].upstream).toEqual([]);
  });
});
