/**
 * What happens inside the cluster, classified from plan JSON of the shipped platform stacks: a
 * `helm_release` update looks harmless to Terraform ("1 to update") while Karpenter may drain
 * every node, a CRD may take every object of its kind with it, or Calico may cut pod traffic.
 */
import { renderMarkdown } from "../../scripts/plan/markdown";
import {
  buildSummary,
  EXIT_CHANGES,
  EXIT_ERROR,
  exitStatus,
  type PlanSummary,
  type StackPlanInput,
} from "../../scripts/plan/summary";
import {
  manifestAttribute,
  platformFixture,
  platformPlan,
  plannedInput,
  releaseChange,
  valuesOf,
  withValues,
  type PlatformFixture,
  type Release,
} from "./cluster-fixtures";

const render = (summary: PlanSummary) =>
  renderMarkdown(summary, {
    planTexts: new Map(),
    maxChars: 60_000,
    planDirectory: "cdktf.out/plan",
  });

const firstLine = (summary: PlanSummary) => render(summary).split("\n")[0];

const NODE_POOLS = "dev-platform/node-pools/manifests/release";
const CALICO = "dev-platform/calico/operator";
const KARPENTER_CRDS = "dev-platform/karpenter/crds";
const METALLB = "onprem-platform/metallb/resources/release";

type Manifest = Record<string, unknown> & {
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
};

let dev: PlatformFixture;
let onprem: PlatformFixture;
beforeAll(() => {
  dev = platformFixture("dev-platform");
  onprem = platformFixture("onprem-platform");
});

const release = (fixture: PlatformFixture, path: string) => {
  const found = fixture.releases.get(path);
  if (!found) throw new Error(`no release ${path} in ${fixture.stack}`);
  return found;
};

/** A plan updating one release of `fixture` from its state to `after`. */
function updated(
  fixture: PlatformFixture,
  path: string,
  after: (before: Release) => Release,
): StackPlanInput {
  const { address, state } = release(fixture, path);
  return plannedInput(
    fixture,
    platformPlan([releaseChange(address, ["update"], state, after(state))]),
  );
}

const manifestsOf = (r: Release) => valuesOf(r).manifests as Manifest[];

const summaryOf = (...inputs: StackPlanInput[]) => buildSummary(inputs, { offline: false });

describe("NodePool removed", () => {
  const withoutGeneral = (r: Release) =>
    withValues(r, { manifests: manifestsOf(r).filter((m) => m.kind !== "NodePool") });

  it("heads the summary as destructive, naming the NodePool and what Karpenter does", () => {
    const summary = summaryOf(updated(dev, NODE_POOLS, withoutGeneral));
    expect(firstLine(summary)).toBe(
      "## ⚠ Destructive plan: 0 replaced, 0 destroyed, 1 destructive in the cluster — " +
        "`NodePool general` in `dev-platform/node-pools/manifests/release` DELETED: " +
        "Karpenter drains and terminates every node of this NodePool",
    );
    expect(summary.stacks[0].kubernetes[0]).toMatchObject({ action: "deleted", source: "values" });
    // The release's values string and recomputed metadata say nothing the effects do not.
    expect(summary.stacks[0].updates[0].attributes).toEqual([]);
    expect(render(summary)).not.toMatch(/`(values|metadata): /);
  });

  it("reads the same from the rendered manifests, when the plan carries them", () => {
    const rendered = (r: Release) => ({ ...r, manifest: manifestAttribute(manifestsOf(r)) });
    // The state holds the manifest of the deployed release too.
    const { address, state } = release(dev, NODE_POOLS);
    const both = summaryOf(
      plannedInput(
        dev,
        platformPlan([
          releaseChange(address, ["update"], rendered(state), rendered(withoutGeneral(state))),
        ]),
      ),
    );
    expect(both.stacks[0].kubernetes[0]).toMatchObject({
      object: "NodePool general",
      action: "deleted",
      severity: "destructive",
      source: "rendered manifest",
    });
  });

  it("fails --fail-on-destroy like an AWS destruction", () => {
    const summary = summaryOf(updated(dev, NODE_POOLS, withoutGeneral));
    const options = { failOnDestroy: true, failOnProtectedDestroy: false, offline: false };
    expect(exitStatus(summary, options)).toEqual({
      code: EXIT_ERROR,
      failure: "1 Kubernetes change(s) would delete objects",
    });
    expect(exitStatus(summary, { ...options, failOnDestroy: false }).code).toBe(EXIT_CHANGES);
  });
});

describe("EC2NodeClass AMI changed", () => {
  it("is disruptive: every Karpenter node drifts, with the AMI before → after", () => {
    const newAmi = (r: Release) =>
      withValues(r, {
        manifests: manifestsOf(r).map((m) =>
          m.kind === "EC2NodeClass"
            ? { ...m, spec: { ...m.spec, amiSelectorTerms: [{ alias: "al2023@v20261201" }] } }
            : m,
        ),
      });
    const summary = summaryOf(updated(dev, NODE_POOLS, newAmi));
    expect(firstLine(summary)).toBe(
      "## ⚠ Disruptive plan: 0 to create, 1 to update, 1 disruptive in the cluster — " +
        "`EC2NodeClass default` in `dev-platform/node-pools/manifests/release` CHANGED: " +
        "`spec.amiSelectorTerms[0].alias: al2023@v20261119 → al2023@v20261201`: " +
        "a new AMI: drifts every node launched from it: Karpenter replaces all of them",
    );
  });

  it("drifts a NodePool's nodes when its template changes, not when only its limits do", () => {
    const pool =
      (change: (spec: Record<string, unknown>) => Record<string, unknown>) => (r: Release) =>
        withValues(r, {
          manifests: manifestsOf(r).map((m) =>
            m.kind === "NodePool" ? { ...m, spec: change(m.spec) } : m,
          ),
        });
    const template = summaryOf(
      updated(
        dev,
        NODE_POOLS,
        pool((s) => ({
          ...s,
          template: { ...(s.template as object), metadata: { labels: { team: "a" } } },
        })),
      ),
    );
    expect(template.stacks[0].kubernetes[0]).toMatchObject({
      object: "NodePool general",
      severity: "disruptive",
      cause: { path: "spec.template.metadata" },
    });
    const limits = summaryOf(
      updated(
        dev,
        NODE_POOLS,
        pool((s) => ({ ...s, limits: { cpu: 256 } })),
      ),
    );
    expect(limits.stacks[0].kubernetes[0]).toMatchObject({
      object: "NodePool general",
      severity: "change",
    });
    expect(firstLine(limits)).toBe("## Terraform plan: 0 to create, 1 to update");
  });
});

describe("CRD dropped", () => {
  const crd = (kind: string, plural: string, group = "karpenter.sh") => ({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${group}` },
    spec: { group, names: { kind, plural }, scope: "Cluster" },
  });
  const crds = [
    crd("NodePool", "nodepools"),
    crd("NodeClaim", "nodeclaims"),
    crd("EC2NodeClass", "ec2nodeclasses", "karpenter.k8s.aws"),
  ];

  it("names the kind whose every object goes, from the rendered manifests of a chart upgrade", () => {
    const summary = summaryOf(
      updated(dev, KARPENTER_CRDS, (r) => ({
        ...r,
        manifest: manifestAttribute(crds.slice(0, 2)),
      })),
    );
    expect(summary.stacks[0].kubernetes).toEqual([]);
    const { address, state } = release(dev, KARPENTER_CRDS);
    const upgrade = summaryOf(
      plannedInput(
        dev,
        platformPlan([
          releaseChange(
            address,
            ["update"],
            { ...state, manifest: manifestAttribute(crds) },
            { ...state, version: "1.15.0", manifest: manifestAttribute(crds.slice(0, 2)) },
          ),
        ]),
      ),
    );
    expect(firstLine(upgrade)).toBe(
      "## ⚠ Destructive plan: 0 replaced, 0 destroyed, 1 destructive in the cluster — " +
        "`CustomResourceDefinition ec2nodeclasses.karpenter.k8s.aws` in `dev-platform/karpenter/crds` DELETED: " +
        "deletes every `EC2NodeClass` object in the cluster, in every namespace",
    );
    expect(upgrade.stacks[0].kubernetes.map((e) => [e.action, e.severity])).toEqual([
      ["deleted", "destructive"],
      ["upgraded", "disruptive"],
    ]);
    expect(render(upgrade)).toContain(
      "`dev-platform/karpenter/crds` UPGRADED: `version: 1.14.1 → 1.15.0`: chart `karpenter-crd`: a new chart can change any object it renders",
    );
  });

  it("counts every CRD of a release that is removed, and the uninstall", () => {
    const { address, state } = release(dev, KARPENTER_CRDS);
    const summary = summaryOf(
      plannedInput(
        dev,
        platformPlan([
          releaseChange(address, ["delete"], { ...state, manifest: manifestAttribute(crds) }, null),
        ]),
      ),
    );
    expect(summary.kubernetes.destructive).toBe(4);
    expect(summary.stacks[0].kubernetes.map((e) => e.object ?? e.action)).toEqual([
      "CustomResourceDefinition nodepools.karpenter.sh",
      "CustomResourceDefinition nodeclaims.karpenter.sh",
      "CustomResourceDefinition ec2nodeclasses.karpenter.k8s.aws",
      "uninstalled",
    ]);
    expect(firstLine(summary)).toMatch(
      /^## ⚠ Destructive plan: 0 replaced, 1 destroyed, 4 destructive in the cluster — `CustomResourceDefinition nodepools\.karpenter\.sh`/,
    );
  });

  it("reads a CRD dropped from the project's chart documents, and one kept by resource-policy", () => {
    const ingressCrds = "dev-platform/ingress/crds/release";
    const { address, state } = release(dev, ingressCrds);
    const documents = valuesOf(state).documents as string[];
    const kept = documents[1].replace(
      "metadata:",
      "metadata:\n  annotations: { helm.sh/resource-policy: keep }",
    );
    const before = withValues(state, { documents: [documents[0], kept, documents[2]] });
    const summary = summaryOf(
      plannedInput(
        dev,
        platformPlan([
          releaseChange(
            address,
            ["update"],
            before,
            withValues(state, { documents: [documents[0]] }),
          ),
        ]),
      ),
    );
    expect(summary.stacks[0].kubernetes).toEqual([
      expect.objectContaining({
        object: "CustomResourceDefinition policies.k8s.nginx.org",
        severity: "destructive",
        consequence: "deletes every `Policy` object in the cluster, in every namespace",
      }),
      expect.objectContaining({
        object: "CustomResourceDefinition transportservers.k8s.nginx.org",
        severity: "change",
        consequence: "Helm leaves it in place (helm.sh/resource-policy: keep), no longer managed",
      }),
    ]);
  });
});

describe("MetalLB pool removed or shrunk", () => {
  const pools = (change: (pool: Manifest) => Manifest | undefined) => (r: Release) =>
    withValues(r, {
      manifests: manifestsOf(r).flatMap((m) =>
        m.kind === "IPAddressPool" ? [change(m)].filter(Boolean) : [m],
      ),
    });

  it("heads the summary when the pool goes", () => {
    const summary = summaryOf(
      updated(
        onprem,
        METALLB,
        pools(() => undefined),
      ),
    );
    expect(firstLine(summary)).toBe(
      "## ⚠ Destructive plan: 0 replaced, 0 destroyed, 1 destructive in the cluster — " +
        "`IPAddressPool metallb-system/ingress` in `onprem-platform/metallb/resources/release` DELETED: " +
        "MetalLB withdraws its addresses: LoadBalancer Services holding them lose their external IP",
    );
  });

  it("names the addresses a shrunk pool no longer holds", () => {
    const shrink = pools((p) => ({
      ...p,
      spec: { ...p.spec, addresses: ["192.168.10.240-192.168.10.245"] },
    }));
    const summary = summaryOf(updated(onprem, METALLB, shrink));
    expect(summary.stacks[0].kubernetes[0]).toMatchObject({
      object: "IPAddressPool metallb-system/ingress",
      severity: "disruptive",
      cause: {
        path: "spec.addresses",
        before: '["192.168.10.240-192.168.10.250"]',
        after: '["192.168.10.240-192.168.10.245"]',
      },
      consequence:
        "shrinks the pool (`192.168.10.246-192.168.10.250` no longer in it): Services holding those addresses lose them",
    });
    const grow = pools((p) => ({ ...p, spec: { ...p.spec, addresses: ["192.168.10.240/28"] } }));
    expect(summaryOf(updated(onprem, METALLB, grow)).stacks[0].kubernetes[0].severity).toBe(
      "change",
    );
  });
});

describe("Calico encapsulation switched", () => {
  const encapsulation = (value: string) => (r: Release) => {
    const values = valuesOf(r) as {
      installation: { calicoNetwork: { ipPools: Record<string, unknown>[] } };
    };
    const [pool] = values.installation.calicoNetwork.ipPools;
    values.installation.calicoNetwork.ipPools = [{ ...pool, encapsulation: value }];
    return withValues(r, values);
  };

  it("says a family switch cuts pod traffic, with the pool and its encapsulation before → after", () => {
    const summary = summaryOf(updated(dev, CALICO, encapsulation("VXLAN")));
    expect(firstLine(summary)).toBe(
      "## ⚠ Disruptive plan: 0 to create, 1 to update, 1 disruptive in the cluster — " +
        "`Installation default` in `dev-platform/calico/operator` CHANGED: " +
        "`spec.calicoNetwork.ipPools[default-ipv4-ippool].encapsulation: IPIP → VXLAN`: " +
        "switches the encapsulation family (IPIP → VXLAN): pod traffic between nodes is cut until " +
        "every calico-node runs the new mode and the node security group admits its ports",
    );
  });

  it("rolls calico-node within a family", () => {
    const summary = summaryOf(updated(dev, CALICO, encapsulation("IPIPCrossSubnet")));
    expect(summary.stacks[0].kubernetes).toEqual([
      expect.objectContaining({
        object: "Installation default",
        severity: "disruptive",
        consequence: "the tigera-operator rolls calico-node on every node",
      }),
    ]);
  });

  it("does not count the readiness wait running again as a destruction", () => {
    const wait = Object.entries(dev.config.constructPaths).find(
      ([, p]) => p === "dev-platform/calico/ready/wait",
    );
    if (!wait) throw new Error("no Calico wait step in dev-platform");
    const rerun: Parameters<typeof platformPlan>[0][number] = {
      address: wait[0],
      type: "terraform_data",
      name: wait[0].split(".")[1],
      change: {
        actions: ["delete", "create"],
        before: { triggers_replace: { values: "a", version: "v3.31.7" } },
        after: { triggers_replace: { values: "b", version: "v3.31.7" } },
        after_unknown: { id: true },
        replace_paths: [["triggers_replace"]],
      },
    };
    const { address, state } = release(dev, CALICO);
    const summary = summaryOf(
      plannedInput(
        dev,
        platformPlan([
          releaseChange(address, ["update"], state, encapsulation("IPIPCrossSubnet")(state)),
          rerun,
        ]),
      ),
    );
    expect(summary.totals).toEqual({ create: 0, update: 2, replace: 0, delete: 0 });
    expect(firstLine(summary)).toMatch(/^## ⚠ Disruptive plan: 0 to create, 2 to update/);
    expect(render(summary)).toContain(
      "- `dev-platform/calico/ready/wait` `terraform_data` runs again (a step: nothing is destroyed)",
    );
  });
});

describe("rendered objects", () => {
  const deployment = (matchLabels: Record<string, string>, image: string) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "karpenter", namespace: "kube-system" },
    spec: {
      selector: { matchLabels },
      template: { metadata: { labels: matchLabels }, spec: { containers: [{ name: "c", image }] } },
    },
  });

  it("flags a change Kubernetes refuses on an existing object, and a pod template roll without alarm", () => {
    const { address, state } = release(dev, "dev-platform/karpenter/release");
    const plan = (after: object) =>
      summaryOf(
        plannedInput(
          dev,
          platformPlan([
            releaseChange(
              address,
              ["update"],
              { ...state, manifest: manifestAttribute([deployment({ app: "karpenter" }, "a:1")]) },
              { ...state, manifest: manifestAttribute([after as Record<string, unknown>]) },
            ),
          ]),
        ),
      ).stacks[0].kubernetes;
    expect(plan(deployment({ app: "karpenter", tier: "x" }, "a:1"))[0]).toMatchObject({
      object: "Deployment kube-system/karpenter",
      severity: "disruptive",
      cause: { path: "spec.selector.matchLabels.tier" },
    });
    expect(plan(deployment({ app: "karpenter" }, "a:2"))).toEqual([
      expect.objectContaining({
        severity: "change",
        consequence: "rolls its pods",
        cause: { path: "spec.template.spec.containers[c].image", before: "a:1", after: "a:2" },
      }),
    ]);
  });
});

describe("a step that runs again", () => {
  const step = (address: string) => ({
    address,
    type: "terraform_data",
    name: address.split(".")[1],
    change: {
      actions: ["delete", "create"],
      before: { triggers_replace: "a" },
      after: { triggers_replace: "b" },
      replace_paths: [["triggers_replace"]],
    },
  });

  it("is a replacement when it has a destroy-time step, or when the configuration is unknown", () => {
    const withTeardown = summaryOf({
      ...plannedInput(dev, platformPlan([step("terraform_data.teardown")])),
      config: { ...dev.config, destroyTimeSteps: ["terraform_data.teardown"] },
    });
    expect(withTeardown.totals.replace).toBe(1);
    expect(withTeardown.stacks[0].destructive[0].consequence).toBe(
      "Runs its destroy-time step before it runs again.",
    );
    const unknown = summaryOf({
      ...plannedInput(dev, platformPlan([step("terraform_data.x")])),
      config: { preventDestroy: [], constructPaths: {} },
    });
    expect(unknown.totals.replace).toBe(1);
  });
});

describe("a chart version bump", () => {
  it("is disruptive, with the versions", () => {
    const summary = summaryOf(
      updated(dev, "dev-platform/karpenter/release", (r) => ({ ...r, version: "1.15.0" })),
    );
    expect(firstLine(summary)).toBe(
      "## ⚠ Disruptive plan: 0 to create, 1 to update, 1 disruptive in the cluster — " +
        "`dev-platform/karpenter/release` UPGRADED: `version: 1.14.1 → 1.15.0`: chart `karpenter`: " +
        "a new chart can change any object it renders; read its release notes",
    );
  });

  it("lists an upstream chart's changed values by key path, without alarm", () => {
    const summary = summaryOf(
      updated(dev, "dev-platform/ingress/controller", (r) => {
        const values = valuesOf(r) as { controller: Record<string, unknown> };
        return withValues(r, { ...values, controller: { ...values.controller, replicaCount: 2 } });
      }),
    );
    expect(summary.stacks[0].kubernetes).toEqual([
      expect.objectContaining({
        severity: "change",
        cause: { path: "controller.replicaCount", before: "1", after: "2" },
      }),
    ]);
    expect(firstLine(summary)).toBe("## Terraform plan: 0 to create, 1 to update");
  });
});
