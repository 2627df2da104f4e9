/**
 * The upgrade of a cluster that ran Calico v3.31, modelled with the real charts: v3.31's
 * tigera-operator chart left its CRDs from `crds/`, which Helm installs without ownership
 * metadata, and Helm refuses to install a release rendering an object that exists without it
 * ("exists and cannot be imported into the current release") unless the release takes ownership.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { Calico } from "../../constructs/calico";
import { CALICO_CRD_CHART } from "../../constructs/calico/crds";
import { VERSIONS } from "../../constructs/versions";
import { chartCacheDir } from "../../scripts/lib/charts/cache";
import { describeWithCharts } from "../support/charts-available";
import { HelmRelease, resourcesOf, synthConstruct } from "../support/synth";
import { HelmRenderer, KubernetesObject, ProxyTrap } from "../charts/render";

const REPOSITORY = CALICO_CRD_CHART.repository;
const PREVIOUS = "v3.31.7";

interface Crd {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

function crdOf(object: KubernetesObject | Record<string, unknown>): Crd {
  const metadata = (object.metadata ?? {}) as {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  return {
    name: metadata.name,
    labels: metadata.labels ?? {},
    annotations: metadata.annotations ?? {},
  };
}

/** Helm's ownership metadata, which a release checks before it updates an existing object. */
const ownedByHelm = (crd: Crd) =>
  crd.labels["app.kubernetes.io/managed-by"] === "Helm" &&
  crd.annotations["meta.helm.sh/release-name"] !== undefined;

describeWithCharts("upgrading a Calico v3.31 cluster: its CRDs change owners", () => {
  let proxy: ProxyTrap;
  let renderer: HelmRenderer;
  let left: Crd[];
  let rendered: Crd[];

  beforeAll(async () => {
    proxy = await ProxyTrap.start();
    renderer = new HelmRenderer(chartCacheDir(), proxy);
    const docs = await renderer.crds({
      repository: REPOSITORY,
      chart: "tigera-operator",
      version: PREVIOUS,
    });
    left = docs.map((doc) => crdOf(parseYaml(doc) as Record<string, unknown>));
    const release = await renderer.render({
      stack: "model",
      id: "crds",
      name: CALICO_CRD_CHART.releaseName,
      namespace: "tigera-operator",
      chart: { repository: REPOSITORY, chart: CALICO_CRD_CHART.chart, version: VERSIONS.calico },
      values: [],
      setArguments: [],
      includeCrds: false,
      kubeVersion: "v1.35.0",
    });
    rendered = release.objects
      .filter((o) => o.kind === "CustomResourceDefinition")
      .map((o) => crdOf(o));
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    renderer?.dispose();
  });

  it("v3.31 left its CRDs without Helm's ownership metadata", () => {
    expect(left.length).toBeGreaterThan(20);
    expect(left.filter(ownedByHelm)).toEqual([]);
  });

  it("the CRD release renders most of them again, so it must take them over", () => {
    const existing = new Set(left.map((c) => c.name));
    const adopted = rendered.filter((c) => existing.has(c.name));
    expect(adopted.map((c) => c.name)).toEqual(
      expect.arrayContaining(["installations.operator.tigera.io", "ippools.crd.projectcalico.org"]),
    );
    // Without take_ownership Helm fails on the first of these; with it, it adds its metadata.
    const json = synthConstruct(
      (scope) =>
        new Calico(scope, "calico", {
          mode: "vxlan",
          platform: "onprem",
          podCidr: "10.244.0.0/16",
        }),
    );
    const release = Object.values(resourcesOf<HelmRelease>(json, "helm_release")).find(
      (r) => r.chart === CALICO_CRD_CHART.chart,
    )!;
    expect(release.take_ownership).toBe(true);
  });

  it("leaves behind only the CRDs v3.32 dropped, which the upgrade guide names", () => {
    const now = new Set(rendered.map((c) => c.name));
    const dropped = left.map((c) => c.name).filter((name) => !now.has(name));
    expect(dropped.sort()).toEqual([
      "adminnetworkpolicies.policy.networking.k8s.io",
      "baselineadminnetworkpolicies.policy.networking.k8s.io",
    ]);
    const guide = fs.readFileSync(path.join(__dirname, "../../docs/upgrades.md"), "utf8");
    expect(guide).toContain("AdminNetworkPolicy and BaselineAdminNetworkPolicy");
  });
});
