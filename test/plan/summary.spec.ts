import type { ResourceChangeJson, TerraformPlanJson } from "../../scripts/plan/plan-json";
import { EMPTY_STACK_CONFIG } from "../../scripts/plan/stack-config";
import {
  buildSummary,
  classifyActions,
  EXIT_CHANGES,
  EXIT_ERROR,
  EXIT_NO_CHANGES,
  exitStatus,
  type StackPlanInput,
} from "../../scripts/plan/summary";

const change = (
  address: string,
  actions: string[],
  details: Partial<ResourceChangeJson["change"]> & { action_reason?: string } = {},
): ResourceChangeJson => {
  const [type, name] = address.split(".");
  const { action_reason, ...rest } = details;
  return {
    address,
    type,
    name: name.replace(/\[.*$/, ""),
    ...(action_reason ? { action_reason } : {}),
    change: { actions, before: {}, after: {}, ...rest },
  };
};

const plan = (...changes: ResourceChangeJson[]): TerraformPlanJson => ({
  resource_changes: changes,
  prior_state: { values: { root_module: { resources: [{}] } } },
});

const stack = (overrides: Partial<StackPlanInput> & { name: string }): StackPlanInput => ({
  status: "planned",
  dependencies: [],
  config: EMPTY_STACK_CONFIG,
  ...overrides,
});

const noFail = { failOnDestroy: false, failOnProtectedDestroy: false, offline: true };

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
    // A replacement that leaves the old object alone (lifecycle destroy = false).
    [["create", "forget"], "create"],
    [["forget", "create"], "create"],
  ])("%j is %s", (actions, kind) => {
    expect(classifyActions(actions)).toBe(kind);
  });
});

describe("buildSummary", () => {
  const subnetReplaced = change("aws_subnet.private[0]", ["delete", "create"], {
    before: { vpc_id: "vpc-1", cidr_block: "10.0.0.0/19" },
    after: { cidr_block: "10.0.0.0/19" },
    after_unknown: { vpc_id: true },
    replace_paths: [["vpc_id"]],
  });
  const vpcReplaced = change("aws_vpc.main", ["delete", "create"], {
    before: { cidr_block: "10.10.0.0/16" },
    after: { cidr_block: "10.11.0.0/16" },
    replace_paths: [["cidr_block"]],
  });
  const inputs: StackPlanInput[] = [
    stack({
      name: "dev-infra",
      planJson: plan(
        change("aws_sqs_queue.old", ["delete"], {
          action_reason: "delete_because_no_resource_config",
        }),
        subnetReplaced,
        change("aws_iam_role.r", ["delete"], {
          action_reason: "delete_because_no_resource_config",
        }),
        vpcReplaced,
        change("aws_kms_key.eks", ["delete"]),
        change("aws_sqs_queue.q", ["update"], {
          before: { delay: 0 },
          after: { delay: 5 },
        }),
        change("aws_route.a", ["create"]),
        change("aws_subnet.public[0]", ["create"]),
        change("aws_subnet.public[1]", ["create"]),
        change("aws_vpc.other", ["no-op"]),
      ),
      config: {
        preventDestroy: ["aws_subnet.private"],
        constructPaths: {
          "aws_subnet.private": "dev-infra/vpc/private",
          "aws_vpc.main": "dev-infra/vpc/vpc",
        },
      },
    }),
    stack({
      name: "dev-platform",
      status: "not-planned",
      reason: "providers cannot be installed: hashicorp/helm",
      dependencies: ["dev-infra"],
    }),
  ];
  const summary = buildSummary(inputs, { offline: true });
  const [infra] = summary.stacks;

  it("totals the counts and names unplanned stacks", () => {
    expect(summary.totals).toEqual({ create: 3, update: 1, replace: 2, delete: 3 });
    expect(summary.notPlanned).toEqual(["dev-platform"]);
    expect(summary.failed).toEqual([]);
  });

  it("names resources by construct path, keeping instance keys", () => {
    expect(infra.destructive.find((e) => e.type === "aws_vpc")?.name).toBe("dev-infra/vpc/vpc");
    expect(infra.destructive.find((e) => e.type === "aws_subnet")?.name).toBe(
      "dev-infra/vpc/private[0]",
    );
    // Not in the configuration any more: the address is all there is.
    expect(infra.destructive.find((e) => e.type === "aws_iam_role")?.name).toBe("aws_iam_role.r");
  });

  it("puts protected resources first, then replacements whose cause is known, then knock-ons and deletions", () => {
    expect(infra.destructive.map((e) => [e.name, e.protection])).toEqual([
      ["dev-infra/vpc/private[0]", ["prevent_destroy"]],
      ["aws_kms_key.eks", ["KMS key"]],
      ["dev-infra/vpc/vpc", []],
      ["aws_sqs_queue.old", []],
      ["aws_iam_role.r", []],
    ]);
    expect(infra.destructive[2].attributes).toEqual([
      { path: "cidr_block", before: "10.10.0.0/16", after: "10.11.0.0/16" },
    ]);
    expect(infra.destructive[3].reason).toBe("removed from the configuration");
  });

  it("lists every protected resource at risk across stacks", () => {
    expect(summary.protectedDestroys.map((p) => [p.stack, p.name, p.kind])).toEqual([
      ["dev-infra", "dev-infra/vpc/private[0]", "replace"],
      ["dev-infra", "aws_kms_key.eks", "delete"],
    ]);
  });

  it("groups creates by type, most first", () => {
    expect(infra.creates).toEqual([
      { type: "aws_subnet", count: 2 },
      { type: "aws_route", count: 1 },
    ]);
    expect(infra.updates.map((u) => [u.name, u.attributes])).toEqual([
      ["aws_sqs_queue.q", [{ path: "delay", before: "0", after: "5" }]],
    ]);
  });

  it("protects state buckets by the name the app's backends use", () => {
    const bucket = (name: string) =>
      change("aws_s3_bucket.b", ["delete"], { before: { bucket: name } });
    const [s] = buildSummary([stack({ name: "x", planJson: plan(bucket("dev-tfstate")) })], {
      offline: false,
      stateBuckets: ["dev-tfstate"],
    }).stacks;
    expect(s.destructive[0].protection).toEqual(["state bucket"]);
    const [other] = buildSummary([stack({ name: "x", planJson: plan(bucket("logs")) })], {
      offline: false,
      stateBuckets: ["dev-tfstate"],
    }).stacks;
    expect(other.destructive[0].protection).toEqual([]);
  });

  it("explains a cluster replaced by a CNI family change", () => {
    const cluster = (before: boolean) =>
      change("aws_eks_cluster.c", ["delete", "create"], {
        before: { bootstrap_self_managed_addons: before },
        after: { bootstrap_self_managed_addons: !before },
        replace_paths: [["bootstrap_self_managed_addons"]],
      });
    const consequence = (before: boolean) =>
      buildSummary([stack({ name: "x", planJson: plan(cluster(before)) })], { offline: true })
        .protectedDestroys[0].consequence;
    expect(consequence(false)).toMatch(
      /^The pod network's CNI family changed \(a Calico CNI mode → policy-only on the AWS VPC CNI\)\. The CNI family is fixed for a cluster's life, so this REPLACES the cluster and everything on it/,
    );
    expect(consequence(true)).toContain("(policy-only on the AWS VPC CNI → a Calico CNI mode)");
  });

  it("reports a plan made against empty state", () => {
    const [fresh] = buildSummary(
      [stack({ name: "x", planJson: { resource_changes: [], prior_state: { values: {} } } })],
      { offline: true },
    ).stacks;
    expect(fresh.emptyState).toBe(true);
    expect(infra.emptyState).toBe(false);
  });
});

describe("exitStatus", () => {
  const summaryOf = (...inputs: StackPlanInput[]) => buildSummary(inputs, { offline: true });
  const quiet = summaryOf(stack({ name: "a", planJson: plan(change("aws_vpc.v", ["no-op"])) }));
  const creates = summaryOf(stack({ name: "a", planJson: plan(change("aws_vpc.v", ["create"])) }));
  const replaces = summaryOf(
    stack({ name: "a", planJson: plan(change("aws_vpc.v", ["delete", "create"])) }),
  );
  const protectedGone = summaryOf(
    stack({ name: "a", planJson: plan(change("aws_kms_key.k", ["delete"])) }),
  );

  it("is 0 without changes and 2 with changes, like terraform plan -detailed-exitcode", () => {
    expect(exitStatus(quiet, noFail)).toEqual({ code: EXIT_NO_CHANGES });
    expect(exitStatus(creates, noFail)).toEqual({ code: EXIT_CHANGES });
    expect(exitStatus(replaces, noFail)).toEqual({ code: EXIT_CHANGES });
    const outputsOnly = summaryOf(
      stack({
        name: "a",
        planJson: { resource_changes: [], output_changes: { x: { actions: ["create"] } } },
      }),
    );
    expect(exitStatus(outputsOnly, noFail).code).toBe(EXIT_CHANGES);
  });

  it("is 1 on --fail-on-destroy and --fail-on-protected-destroy, each for its own case", () => {
    expect(exitStatus(replaces, { ...noFail, failOnDestroy: true })).toEqual({
      code: EXIT_ERROR,
      failure: "1 resource(s) would be replaced or destroyed",
    });
    expect(exitStatus(replaces, { ...noFail, failOnProtectedDestroy: true }).code).toBe(
      EXIT_CHANGES,
    );
    expect(exitStatus(protectedGone, { ...noFail, failOnProtectedDestroy: true })).toEqual({
      code: EXIT_ERROR,
      failure: "1 protected resource(s) would be replaced or destroyed",
    });
    expect(exitStatus(creates, { ...noFail, failOnDestroy: true }).code).toBe(EXIT_CHANGES);
  });

  it("is 1 when a plan failed, and online when a stack could not be planned", () => {
    const failed = summaryOf(stack({ name: "a", status: "failed", reason: "boom" }));
    expect(exitStatus(failed, noFail)).toEqual({ code: EXIT_ERROR, failure: "plan failed: a" });
    const skipped = summaryOf(stack({ name: "p", status: "not-planned", reason: "no helm" }));
    expect(exitStatus(skipped, noFail).code).toBe(EXIT_NO_CHANGES);
    expect(exitStatus(skipped, { ...noFail, offline: false })).toEqual({
      code: EXIT_ERROR,
      failure: "not planned: p",
    });
  });
});
