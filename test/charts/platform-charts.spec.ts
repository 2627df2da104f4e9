import * as fs from "fs";
import * as path from "path";
import { chartCacheDir } from "../../scripts/lib/charts/cache";
import { stackNames } from "../../stacks/app";
import { shippedEnvironments } from "../../stacks/environments";
import { synthShipped, stackDir } from "../support/app";
import { describeWithCharts } from "../support/charts-available";
import type { SynthJson } from "../support/synth";
import { kubernetesDefinitions } from "./kubernetes-schema";
import { checkCharts, type ReleaseCheck } from "./layer";
import { HelmRenderer, ProxyTrap } from "./render";

describeWithCharts("every chart of every platform stack, rendered with Helm", () => {
  const kubernetes = kubernetesDefinitions();
  let stacks: Map<string, SynthJson>;
  let versions: Map<string, string>;
  let checks: ReleaseCheck[];
  let proxy: ProxyTrap;
  let renderer: HelmRenderer;
  let outdir: string;

  beforeAll(async () => {
    const synth = synthShipped({ offline: false });
    outdir = synth.outdir;
    stacks = new Map(
      synth.stackNames.map((name): [string, SynthJson] => [
        name,
        JSON.parse(fs.readFileSync(path.join(stackDir(outdir, name), "cdk.tf.json"), "utf8")),
      ]),
    );
    versions = new Map(
      shippedEnvironments().map((e): [string, string] => [
        stackNames(e.name).platform,
        e.kubernetesVersion,
      ]),
    );
    proxy = await ProxyTrap.start();
    renderer = new HelmRenderer(chartCacheDir(), proxy);
    checks = await checkCharts(
      { stacks, kubernetesVersions: versions, stackDir: (stack) => stackDir(outdir, stack) },
      renderer,
      kubernetes,
    );
  }, 300_000);

  afterAll(async () => {
    await proxy?.close();
    renderer?.dispose();
    if (outdir) fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
  });

  it("finds every helm_release of every platform stack in the synthesized JSON", () => {
    for (const stack of versions.keys()) {
      const synthesized = Object.keys(stacks.get(stack)?.resource?.helm_release ?? {}).sort();
      const checked = checks.filter((c) => c.release.stack === stack).map((c) => c.release.id);
      expect(synthesized.length).toBeGreaterThan(0);
      expect(checked.sort()).toEqual(synthesized);
    }
  });

  it("renders every release with its chart, values and Kubernetes version, every object valid", () => {
    expect(checks.flatMap((c) => c.problems)).toEqual([]);
    for (const check of checks) expect(check.objects.length).toBeGreaterThan(0);
  });

  it("validates the custom resources each stack installs against the CRDs its charts render", () => {
    // What the stacks are for: the Installation from Calico's values, the node pools, MetalLB's
    // pools; each is a custom resource the previous test validated against its CRD's schema.
    const kinds = (stack: string) =>
      new Set(
        checks
          .filter((c) => c.release.stack === stack)
          .flatMap((c) => c.objects)
          .filter((o) => !kubernetes.kinds[`${String(o.apiVersion)}/${String(o.kind)}`])
          .map((o) => String(o.kind)),
      );
    expect([...kinds("dev-platform")]).toEqual(
      expect.arrayContaining(["Installation", "EC2NodeClass", "NodePool"]),
    );
    expect([...kinds("onprem-platform")]).toEqual(
      expect.arrayContaining(["Installation", "IPAddressPool"]),
    );
  });

  it("never lets Helm reach the network, and would see it if it tried", async () => {
    expect(proxy.connections).toBe(0);
    const remote = await renderer.helm([
      "show",
      "chart",
      "oci://registry.invalid/charts/none",
      "--version",
      "1.0.0",
    ]);
    expect(remote.status).not.toBe(0);
    expect(proxy.connections).toBeGreaterThan(0);
  });
});
