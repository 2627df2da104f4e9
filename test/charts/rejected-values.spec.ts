/**
 * The chart-render layer fails when a release carries a value its chart, or the API server,
 * would refuse: each case passes a construct one wrong value through its public props and
 * expects the problem named, next to the same construct without it passing.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { Calico } from "../../constructs/calico";
import { NginxIngress } from "../../constructs/ingress";
import { ManifestsRelease } from "../../constructs/shared/manifests-release";
import { VERSIONS } from "../../constructs/versions";
import { chartCacheDir } from "../../scripts/lib/charts/cache";
import { stackDir, tempOutdir } from "../support/app";
import { describeWithCharts } from "../support/charts-available";
import type { SynthJson } from "../support/synth";
import { kubernetesDefinitions } from "./kubernetes-schema";
import { checkCharts } from "./layer";
import { HelmRenderer, ProxyTrap } from "./render";

const KUBERNETES = VERSIONS.kubernetes[VERSIONS.kubernetes.length - 1];

describeWithCharts("the chart-render layer on values a chart refuses", () => {
  const kubernetes = kubernetesDefinitions();
  const temporary: string[] = [];
  let proxy: ProxyTrap;
  let renderer: HelmRenderer;

  beforeAll(async () => {
    proxy = await ProxyTrap.start();
    renderer = new HelmRenderer(chartCacheDir(), proxy);
  });

  afterAll(async () => {
    await proxy?.close();
    renderer?.dispose();
    for (const dir of temporary) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Synthesizes one stack built by `build` and returns the layer's problems for it. */
  async function problems(build: (stack: TerraformStack) => void): Promise<string[]> {
    const outdir = tempOutdir("platform-chart-values-");
    temporary.push(path.dirname(outdir));
    const app = new App({ outdir, skipValidation: true });
    build(new TerraformStack(app, "charts"));
    app.synth();
    const json = JSON.parse(
      fs.readFileSync(path.join(stackDir(outdir, "charts"), "cdk.tf.json"), "utf8"),
    ) as SynthJson;
    const checks = await checkCharts(
      {
        stacks: new Map([["charts", json]]),
        kubernetesVersions: new Map([["charts", KUBERNETES]]),
        stackDir: (stack) => stackDir(outdir, stack),
      },
      renderer,
      kubernetes,
    );
    return checks.flatMap((c) => c.problems);
  }

  const calico = (valuesOverride?: Record<string, unknown>) => (stack: TerraformStack) =>
    new Calico(stack, "calico", {
      mode: "vxlan",
      platform: "eks",
      podCidr: "10.244.0.0/16",
      vpcCidr: "10.10.0.0/16",
      serviceCidr: "172.20.0.0/16",
      valuesOverride,
    });

  it("refuses a Calico Installation field of the wrong type or unknown (the CRD's schema)", async () => {
    expect(await problems(calico())).toEqual([]);
    const found = await problems(
      calico({ installation: { calicoNetwork: { mtu: "jumbo", bgpMode: "Enabled" } } }),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /release calico .*Installation default: \/spec\/calicoNetwork unknown field "bgpMode"/,
      ),
      expect.stringMatching(
        /release calico .*Installation default: \/spec\/calicoNetwork\/mtu must be integer/,
      ),
    ]);
  });

  const ingress = (valuesOverride?: Record<string, unknown>) => (stack: TerraformStack) =>
    new NginxIngress(stack, "ingress", {
      tier: "prod",
      platform: "eks",
      podNetworkMode: "vxlan",
      exposure: { type: "nlb" },
      valuesOverride,
    });

  it("refuses an F5 controller value outside its enum (the chart's values schema, offline)", async () => {
    expect(await problems(ingress())).toEqual([]);
    const found = await problems(ingress({ controller: { service: { type: "Balancer" } } }));
    expect(found).toContainEqual(
      expect.stringMatching(
        /release nginx-ingress .*values: \/controller\/service\/type must be equal to one of the allowed values \["ClusterIP","ExternalName","LoadBalancer","NodePort"\]/,
      ),
    );
  });

  const configMap = (data: Record<string, unknown>) => (stack: TerraformStack) =>
    new ManifestsRelease(stack, "manifests", {
      releaseName: "settings",
      namespace: "default",
      manifests: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data }],
    });

  it("refuses a built-in object with a wrong type or an unknown field (the Kubernetes API)", async () => {
    expect(await problems(configMap({ replicas: "3" }))).toEqual([]);
    const found = await problems((stack) => {
      configMap({ replicas: 3 })(stack);
      new ManifestsRelease(stack, "more", {
        releaseName: "account",
        namespace: "default",
        manifests: [
          { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "a" }, automount: false },
        ],
      });
    });
    expect(found).toEqual([
      expect.stringMatching(
        /release settings .*ConfigMap settings: \/data\/replicas must be string/,
      ),
      expect.stringMatching(/release account .*ServiceAccount a: \/ unknown field "automount"/),
    ]);
  });

  it("passes set blocks to Helm, whose schema check refuses a bad one; refuses them where it checks the schema", async () => {
    const metallb = (logLevel: string) => (stack: TerraformStack) =>
      new Release(stack, "metallb", {
        name: "metallb",
        namespace: "metallb-system",
        repository: "https://metallb.github.io/metallb",
        chart: "metallb",
        version: VERSIONS.metallb,
        set: [{ name: "controller.logLevel", value: logLevel }],
      });
    expect(await problems(metallb("debug"))).toEqual([]);
    expect(await problems(metallb("chatty"))).toEqual([
      expect.stringMatching(/release metallb .*does not render:[\s\S]*logLevel/),
    ]);
    // The F5 schema is checked here, not by Helm, and that check does not read set blocks.
    const f5 = await problems(
      (stack) =>
        new Release(stack, "ingress", {
          name: "nginx-ingress",
          namespace: "nginx-ingress",
          repository: "oci://ghcr.io/nginx/charts",
          chart: "nginx-ingress",
          version: VERSIONS.f5NginxIngress,
          set: [{ name: "controller.replicaCount", value: "2" }],
        }),
    );
    expect(f5).toEqual([expect.stringMatching(/release nginx-ingress .*pass them in values/)]);
  });

  it("refuses an archive that does not hold the chart and version it is filed under", () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "platform-chart-cache-"));
    temporary.push(cache);
    const reference = { repository: "oci://public.ecr.aws/karpenter", chart: "karpenter-crd" };
    fs.copyFileSync(
      renderer.archive({ ...reference, version: "1.14.1" }),
      path.join(cache, "karpenter-crd-1.15.0.tgz"),
    );
    const elsewhere = new HelmRenderer(cache, proxy);
    try {
      expect(() => elsewhere.verifiedArchive({ ...reference, version: "1.15.0" })).toThrow(
        /karpenter-crd-1\.15\.0\.tgz holds karpenter-crd 1\.14\.1, not karpenter-crd 1\.15\.0/,
      );
    } finally {
      elsewhere.dispose();
    }
  });
});
