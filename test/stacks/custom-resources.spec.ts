import * as fs from "fs";
import { stackDir, synthShipped } from "../support/app";

/**
 * Kinds whose CRDs each chart installs. A `kubernetes_manifest` of one of these in the stack that
 * also installs the chart fails the first plan on a fresh cluster (docs/design.md).
 */
const CRD_KINDS_BY_CHART: Record<string, readonly string[]> = {
  "tigera-operator": [
    "Installation",
    "APIServer",
    "FelixConfiguration",
    "IPPool",
    "BGPPeer",
    "BGPConfiguration",
    "NetworkPolicy",
    "GlobalNetworkPolicy",
  ],
  karpenter: ["NodePool", "EC2NodeClass", "NodeClaim"],
  "karpenter-crd": ["NodePool", "EC2NodeClass", "NodeClaim"],
  metallb: [
    "IPAddressPool",
    "L2Advertisement",
    "BGPAdvertisement",
    "BGPPeer",
    "BFDProfile",
    "Community",
  ],
  "nginx-ingress": [
    "VirtualServer",
    "VirtualServerRoute",
    "TransportServer",
    "Policy",
    "GlobalConfiguration",
  ],
};

type Resource = Record<string, unknown>;
interface StackJson {
  resource?: Record<string, Record<string, Resource>>;
}

const { outdir, stackNames } = synthShipped({ offline: false });
const platformStacks = stackNames.filter((s) => s.endsWith("-platform"));
const load = (stack: string) =>
  JSON.parse(fs.readFileSync(`${stackDir(outdir, stack)}/cdk.tf.json`, "utf8")) as StackJson;

function releases(json: StackJson): Resource[] {
  return Object.values(json.resource?.helm_release ?? {});
}

/**
 * Objects a project-chart release (`manifests` values) installs. Values that are not JSON are
 * `jsonencode(...)` of plan-time documents (CRDs read from a chart), not custom resources.
 */
function renderedManifests(release: Resource): { kind: string }[] {
  const values = (release.values as string[] | undefined) ?? [];
  return values
    .filter((v) => v.startsWith("{"))
    .flatMap((v) => (JSON.parse(v) as { manifests?: { kind: string }[] }).manifests ?? []);
}

describe.each(platformStacks)("%s", (stack) => {
  const json = load(stack);

  it("creates no kubernetes_manifest of a kind whose CRD the same stack installs", () => {
    const installed = new Set(
      releases(json).flatMap((r) => CRD_KINDS_BY_CHART[String(r.chart)] ?? []),
    );
    const manifests = Object.values(json.resource?.kubernetes_manifest ?? {}).map(
      (m) => (m.manifest as { kind: string }).kind,
    );
    expect(installed.size).toBeGreaterThan(0);
    expect(manifests.filter((kind) => installed.has(kind))).toEqual([]);
  });

  it("installs its custom resources through a release that waits on the operator's release", () => {
    const byAddress = Object.fromEntries(
      Object.entries(json.resource?.helm_release ?? {}).map(([id, r]) => [`helm_release.${id}`, r]),
    );
    const projectReleases = releases(json).filter((r) => renderedManifests(r).length > 0);
    expect(projectReleases.length).toBeGreaterThan(0);
    for (const release of projectReleases) {
      expect(release.wait).toBe(true);
      const operators = ((release.depends_on as string[] | undefined) ?? []).map(
        (a) => byAddress[a],
      );
      const crdKinds = new Set(
        operators.flatMap((o) => CRD_KINDS_BY_CHART[String(o?.chart)] ?? []),
      );
      for (const object of renderedManifests(release)) expect(crdKinds).toContain(object.kind);
      for (const operator of operators) expect(operator.wait).not.toBe(false);
    }
  });
});

it("EKS platform stacks install Karpenter's NodePool and EC2NodeClass; on-prem installs MetalLB's pool", () => {
  const kinds = (stack: string) =>
    releases(load(stack)).flatMap((r) => renderedManifests(r).map((m) => m.kind));
  expect(kinds("dev-platform")).toEqual(expect.arrayContaining(["EC2NodeClass", "NodePool"]));
  expect(kinds("onprem-platform")).toEqual(
    expect.arrayContaining(["IPAddressPool", "L2Advertisement"]),
  );
});
