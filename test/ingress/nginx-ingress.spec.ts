import { AnnotationMetadataEntryType, TerraformStack, Testing } from "cdktf";
import { NginxIngress, NginxIngressProps } from "../../constructs/ingress";
import { VERSIONS } from "../../constructs/versions";
import { buildApp } from "../../stacks/app";
import { parseEnvironment } from "../../stacks/environment/validate";
import { findEnvironmentFile } from "../../stacks/environments";
import { resourcesOf, synthConstruct, HelmRelease, SynthJson } from "../support/synth";
import { variant } from "../support/variant";

// Loose view of both charts' values for assertions.
interface Values {
  controller: Record<string, unknown> & {
    service: { type: string; annotations: Record<string, string> };
  };
  prometheus?: { create: boolean };
}

const eks: NginxIngressProps = {
  tier: "prod",
  platform: "eks",
  podNetworkMode: "vxlan",
  exposure: { type: "nlb" },
};
const onprem: NginxIngressProps = {
  tier: "prod",
  platform: "onprem",
  podNetworkMode: "direct",
  exposure: { type: "metallb", address: "192.168.10.240", pool: "ingress" },
};

function render(props: NginxIngressProps): {
  json: SynthJson;
  release: HelmRelease;
  values: Values;
  crdRelease?: HelmRelease;
} {
  const json = synthConstruct((scope) => new NginxIngress(scope, "ingress", props));
  const releases = Object.values(resourcesOf<HelmRelease>(json, "helm_release"));
  const release = releases.find((r) => !r.name.endsWith("-crds"));
  if (!release) throw new Error("expected the controller release");
  const crdRelease = releases.find((r) => r.name.endsWith("-crds"));
  return { json, release, values: JSON.parse(release.values[0]) as Values, crdRelease };
}

const LB = "service.beta.kubernetes.io/aws-load-balancer";

describe("NginxIngress with the F5 controller (default)", () => {
  it("installs the F5 chart from its OCI registry", () => {
    const { release } = render(eks);
    expect(release).toMatchObject({
      name: "nginx-ingress",
      repository: "oci://ghcr.io/nginx/charts",
      chart: "nginx-ingress",
      version: VERSIONS.f5NginxIngress,
      namespace: "nginx-ingress",
      wait: true,
    });
    expect(release.create_namespace).toBeUndefined();
  });

  it("pins chart 2.6.4, the newest tagged release, whose values.schema.json the rendered values were checked against", () => {
    // 2.7.0 as read came from the main branch (unreleased); docs/versions.md says what was checked.
    expect(VERSIONS.f5NginxIngress).toBe("2.6.4");
  });

  it("installs the chart's CRDs as a release of their own, read from the same chart version", () => {
    const { json, release, crdRelease } = render({ ...eks, version: "2.7.0" });
    const templates = Object.entries(json.data?.helm_template ?? {});
    expect(templates).toHaveLength(1);
    const [sourceId, source] = templates[0];
    expect(source).toMatchObject({
      repository: "oci://ghcr.io/nginx/charts",
      chart: "nginx-ingress",
      version: "2.7.0",
    });
    expect(crdRelease).toMatchObject({
      name: "nginx-ingress-crds",
      namespace: "nginx-ingress",
      take_ownership: true,
      wait: true,
      values: [
        `\${jsonencode({"documents" = data.helm_template.${sourceId}.crds})}`,
        // Teams' VirtualServers, Policies and TransportServers survive an uninstall or rename.
        JSON.stringify({ resourcePolicy: "keep" }),
      ],
    });
    // Outside dev, the release itself cannot be destroyed or replaced without a reviewed change.
    expect(crdRelease?.lifecycle).toEqual({ prevent_destroy: true });
    // The project's manifests chart, shipped as an asset, renders the documents as templates.
    expect(crdRelease?.chart).toMatch(/^assets\/ingress_crds_chart_/);
    // The controller leaves its crds/ alone and comes after the CRDs.
    expect(release.skip_crds).toBe(true);
    expect(release.depends_on).toEqual([
      expect.stringMatching(/^helm_release\.ingress_crds_/),
      expect.stringMatching(/^kubernetes_namespace_v1\./),
    ]);
  });

  it("protects the CRD release outside dev only, unless told otherwise", () => {
    expect(render({ ...eks, tier: "dev" }).crdRelease?.lifecycle).toBeUndefined();
    expect(render({ ...eks, tier: "staging" }).crdRelease?.lifecycle).toEqual({
      prevent_destroy: true,
    });
    expect(render({ ...eks, protectCrds: false }).crdRelease?.lifecycle).toBeUndefined();
  });

  it("runs two replicas with a PodDisruptionBudget outside dev", () => {
    const { values } = render(eks);
    expect(values.controller.replicaCount).toBe(2);
    expect(values.controller.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
  });

  it("runs one replica without a PodDisruptionBudget in dev", () => {
    const { values } = render({ ...eks, tier: "dev" });
    expect(values.controller.replicaCount).toBe(1);
    expect(values.controller.podDisruptionBudget).toEqual({ enabled: false });
  });

  it("renders the IngressClass, resources and metrics", () => {
    const { values } = render({
      ...eks,
      className: "public",
      defaultClass: false,
      metrics: false,
      resources: { cpu: "500m", memory: "1Gi" },
    });
    expect(values.controller.ingressClass).toEqual({
      name: "public",
      create: true,
      setAsDefaultIngress: false,
    });
    expect(values.controller.resources).toEqual({ requests: { cpu: "500m", memory: "1Gi" } });
    expect(values.prometheus).toEqual({ create: false });
  });

  it("defaults to a default IngressClass named nginx, metrics on and 250m/256Mi requests", () => {
    const { values } = render(eks);
    expect(values.controller.ingressClass).toEqual({
      name: "nginx",
      create: true,
      setAsDefaultIngress: true,
    });
    expect(values.prometheus).toEqual({ create: true });
    expect(values.controller.resources).toEqual({ requests: { cpu: "250m", memory: "256Mi" } });
  });

  it("has no admission webhook to handle, even on EKS with a Calico overlay", () => {
    const { values } = render(eks);
    expect(values.controller).not.toHaveProperty("admissionWebhooks");
    expect(values.controller).not.toHaveProperty("hostNetwork");
  });
});

describe("NginxIngress service exposure", () => {
  it.each([
    ["internal (default)", undefined, { [`${LB}-type`]: "nlb", [`${LB}-internal`]: "true" }],
    ["internal", "internal" as const, { [`${LB}-type`]: "nlb", [`${LB}-internal`]: "true" }],
    ["internet-facing", "internet-facing" as const, { [`${LB}-type`]: "nlb" }],
  ])("builds an in-tree NLB, %s", (_name, scheme, annotations) => {
    const { values } = render({ ...eks, exposure: { type: "nlb", scheme } });
    expect(values.controller.service).toEqual({ type: "LoadBalancer", annotations });
  });

  it.each([
    ["vxlan", "internet-facing", "instance"],
    ["ipip-cross-subnet", "internal", "instance"],
    ["policy-only", "internet-facing", "ip"],
    ["policy-only", "internal", "ip"],
  ] as const)(
    "hands the NLB to the AWS Load Balancer Controller (%s, %s) with %s targets",
    (podNetworkMode, scheme, targetType) => {
      const { values } = render({
        ...eks,
        podNetworkMode,
        exposure: { type: "nlb", scheme, awsLoadBalancerController: true },
      });
      expect(values.controller.service.annotations).toEqual({
        [`${LB}-type`]: "external",
        [`${LB}-nlb-target-type`]: targetType,
        [`${LB}-scheme`]: scheme,
      });
    },
  );

  it("asks MetalLB for the address and pool", () => {
    const { values } = render(onprem);
    expect(values.controller.service.annotations).toEqual({
      "metallb.io/loadBalancerIPs": "192.168.10.240",
      "metallb.io/address-pool": "ingress",
    });
  });

  it("takes any MetalLB address when neither is given", () => {
    const { values } = render({ ...onprem, exposure: { type: "metallb" } });
    expect(values.controller.service.annotations).toEqual({});
  });

  it.each(["f5-nginx", "ingress-nginx"] as const)(
    "%s: lets the NLB admit only the listed client ranges",
    (controller) => {
      const ranges = ["203.0.113.0/24", "198.51.100.0/25"];
      const { values } = render({
        ...eks,
        controller,
        exposure: { type: "nlb", scheme: "internet-facing", sourceRanges: ranges },
      });
      // Both charts take controller.service.loadBalancerSourceRanges into the Service spec.
      expect(values.controller.service).toMatchObject({ loadBalancerSourceRanges: ranges });
      expect(render({ ...eks, controller }).values.controller.service).not.toHaveProperty(
        "loadBalancerSourceRanges",
      );
    },
  );

  it.each([
    [[], /exposure\.sourceRanges: is empty; list the client CIDRs, or leave it out/],
    [["203.0.113.1/24"], /exposure\.sourceRanges\[0\]: must be an IPv4 CIDR with no host bits set/],
  ])("refuses source ranges %j", (sourceRanges, message) => {
    expect(() => render({ ...eks, exposure: { type: "nlb", sourceRanges } })).toThrow(message);
  });
});

describe("NginxIngress namespace", () => {
  type Namespace = { metadata: { name: string; labels: Record<string, string> } };
  type Policy = {
    metadata: { name: string };
    spec: { pod_selector: unknown; ingress?: unknown[] };
  };

  it.each(["f5-nginx", "ingress-nginx"] as const)(
    "%s: restricted, which the controller (and the admission jobs) pass as rendered",
    (controller) => {
      const { json } = render({ ...eks, controller });
      const namespaces = Object.values(resourcesOf<Namespace>(json, "kubernetes_namespace_v1"));
      expect(namespaces.map((n) => n.metadata.name)).toEqual([
        controller === "f5-nginx" ? "nginx-ingress" : "ingress-nginx",
      ]);
      expect(namespaces[0].metadata.labels["pod-security.kubernetes.io/enforce"]).toBe(
        "restricted",
      );
    },
  );

  it("takes a weaker level when valuesOverride needs one, and records why", () => {
    const { json } = render({
      ...eks,
      valuesOverride: { controller: { hostNetwork: true } },
      namespaceSecurity: { podSecurityLevel: "privileged" },
    });
    const [namespace] = Object.values(
      resourcesOf<Namespace & { metadata: { annotations: Record<string, string> } }>(
        json,
        "kubernetes_namespace_v1",
      ),
    );
    expect(namespace.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    expect(namespace.metadata.annotations["platform.io/pod-security-reason"]).toMatch(
      /set by namespaceSecurity\.podSecurityLevel \(the chart as rendered needs restricted\)/,
    );
  });

  it("writes the controller's policy and the namespace's default deny when asked", () => {
    const { json, release } = render({
      ...eks,
      namespaceSecurity: { networkPolicies: true, apiServerCidrs: ["10.0.0.0/16"] },
    });
    const policies = Object.values(resourcesOf<Policy>(json, "kubernetes_network_policy_v1"));
    expect(policies.map((p) => p.metadata.name).sort()).toEqual([
      "default-deny",
      "nginx-ingress-controller",
    ]);
    expect(release.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^kubernetes_network_policy_v1\./)]),
    );
    expect(resourcesOf(render(eks).json, "kubernetes_network_policy_v1")).toEqual({});
  });
});

describe("NginxIngress with the community controller", () => {
  const community: NginxIngressProps = { ...eks, controller: "ingress-nginx" };

  it("installs the final ingress-nginx chart", () => {
    const { json, release, crdRelease } = render(community);
    expect(release).toMatchObject({
      name: "ingress-nginx",
      repository: "https://kubernetes.github.io/ingress-nginx",
      chart: "ingress-nginx",
      version: VERSIONS.ingressNginx,
      namespace: "ingress-nginx",
    });
    // The community chart ships no CRDs.
    expect(crdRelease).toBeUndefined();
    expect(json.data?.helm_template).toBeUndefined();
    expect(release.skip_crds).toBeUndefined();
  });

  it("maps replicas, PDB, IngressClass, metrics and annotations onto its values", () => {
    const { values } = render({ ...community, className: "internal", defaultClass: false });
    expect(values.controller).toMatchObject({
      replicaCount: 2,
      minAvailable: 1,
      ingressClass: "internal",
      ingressClassResource: { name: "internal", enabled: true, default: false },
      resources: { requests: { cpu: "250m", memory: "256Mi" } },
      metrics: { enabled: true },
      service: {
        type: "LoadBalancer",
        annotations: { [`${LB}-type`]: "nlb", [`${LB}-internal`]: "true" },
      },
    });
    expect(values).not.toHaveProperty("prometheus");
  });

  it("renders no PodDisruptionBudget in dev", () => {
    const { values } = render({ ...community, tier: "dev" });
    expect(values.controller.replicaCount).toBe(1);
    expect(values.controller).not.toHaveProperty("minAvailable");
  });

  it.each([
    ["eks", "ipip", false],
    ["eks", "vxlan-cross-subnet", false],
    ["eks", "policy-only", true],
    ["onprem", "direct", true],
    ["onprem", "vxlan", true],
  ] as const)(
    "on %s with %s sets the admission webhook enabled=%s",
    (platform, podNetworkMode, enabled) => {
      const exposure = platform === "eks" ? eks.exposure : onprem.exposure;
      const { values } = render({ ...community, platform, podNetworkMode, exposure });
      expect(values.controller.admissionWebhooks).toEqual({ enabled });
    },
  );

  it("warns that the project is retired; the F5 controller does not", () => {
    const warnings = (props: NginxIngressProps) => {
      const stack = new TerraformStack(Testing.app(), "test");
      const ingress = new NginxIngress(stack, "ingress", props);
      return ingress.node.metadata
        .filter((m) => m.type === AnnotationMetadataEntryType.WARN)
        .map((m) => String(m.data));
    };
    expect(warnings(community)).toEqual([
      expect.stringContaining("ingress-nginx is retired since March 2026"),
    ]);
    // What it means and what to use instead.
    expect(warnings(community)[0]).toContain("no releases and no CVE fixes since");
    expect(warnings(community)[0]).toContain('use controller "f5-nginx"');
    expect(warnings(eks)).toEqual([]);
  });

  it("an environment that selects it gets the warning at synth", () => {
    const input = variant(findEnvironmentFile("onprem").input, {
      ingress: { controller: "ingress-nginx" },
    });
    const app = Testing.app();
    const { platform } = buildApp(app, [parseEnvironment(input)], { offline: true }).get("onprem")!;
    const warnings = platform.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === AnnotationMetadataEntryType.WARN)
      .map((m) => String(m.data));
    expect(warnings).toContainEqual(expect.stringContaining("no releases and no CVE fixes since"));
  });
});

describe("NginxIngress options", () => {
  it("exposes class name and namespace, and deep-merges valuesOverride last", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const ingress = new NginxIngress(stack, "ingress", {
      ...eks,
      className: "edge",
      namespace: "edge-ingress",
      replicas: 3,
      valuesOverride: { controller: { replicaCount: 4, nodeSelector: { role: "edge" } } },
    });
    expect(ingress.className).toBe("edge");
    expect(ingress.namespace).toBe("edge-ingress");
    expect(ingress.values).toMatchObject({
      controller: {
        replicaCount: 4,
        nodeSelector: { role: "edge" },
        podDisruptionBudget: { enabled: true, minAvailable: 1 },
        ingressClass: { name: "edge" },
      },
    });
  });

  const bad: [string, NginxIngressProps, string | RegExp][] = [
    [
      "an NLB on-prem",
      { ...onprem, exposure: { type: "nlb" } },
      'an NLB exists only on AWS; on-prem use { type: "metallb" }',
    ],
    [
      "MetalLB on EKS",
      { ...eks, exposure: { type: "metallb" } },
      'MetalLB cannot work on AWS: a VPC answers ARP itself and has no BGP to peer with; use { type: "nlb" }',
    ],
    [
      "zero replicas",
      { ...eks, replicas: 0 },
      "NginxIngressProps.replicas: must be a positive integer; got 0",
    ],
    [
      "a class name that is not a DNS label",
      { ...eks, className: "Public_Nginx" },
      /NginxIngressProps\.className: must be a Kubernetes name: .*; got "Public_Nginx"/,
    ],
    [
      "a bad MetalLB address",
      { ...onprem, exposure: { type: "metallb", address: "192.168.10.256" } },
      'NginxIngressProps.exposure.address: must be an IPv4 address; got "192.168.10.256"',
    ],
    [
      "a bad MetalLB pool name",
      { ...onprem, exposure: { type: "metallb", pool: "Ingress Pool" } },
      "NginxIngressProps.exposure.pool: must be a Kubernetes name",
    ],
    [
      "a bad CPU quantity",
      { ...eks, resources: { cpu: "quarter", memory: "256Mi" } },
      'NginxIngressProps.resources.cpu: must be a CPU quantity such as 250m or 1; got "quarter"',
    ],
    [
      "a bad memory quantity",
      { ...eks, resources: { cpu: "250m", memory: "256MB" } },
      'NginxIngressProps.resources.memory: must be a memory quantity such as 256Mi or 1Gi; got "256MB"',
    ],
    [
      "a namespace the cluster owns",
      { ...eks, namespace: "default" },
      'NginxIngressProps.namespace: must not be default, kube-system, kube-public, kube-node-lease: the construct creates this namespace (adopting it when it exists) and would delete it on destroy; got "default"',
    ],
  ];

  it.each(bad)("rejects %s", (_name, props, message) => {
    expect(() => render(props)).toThrow(message);
  });
});
