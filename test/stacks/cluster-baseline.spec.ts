/**
 * The cluster baseline of the platform stacks: every namespace they install into is created with
 * Pod Security admission labels at the strictest level its pods allow, and, where an environment
 * asks for it, default-deny NetworkPolicies whose allows are exactly what each component needs,
 * decided by an offline model of NetworkPolicy (test/support/network-policy.ts).
 *
 * The pod labels, ports and host-network use below are the charts' own (rendered with the pinned
 * chart versions and the values these constructs write), stated here independently of the
 * constructs so the policies are checked against what actually runs.
 */
import { parseEnvironments } from "../../stacks/environment/validate";
import { findEnvironmentFile, shippedEnvironmentFiles } from "../../stacks/environments";
import { stackJson, synthEnvironments } from "../support/app";
import {
  Connection,
  Endpoint,
  External,
  NetworkPolicyBody,
  NetworkPolicyModel,
  Pod,
} from "../support/network-policy";
import { variant } from "../support/variant";

const prod = findEnvironmentFile("prod").input;
const onprem = findEnvironmentFile("onprem").input;

const VARIANTS = {
  /** EKS with the VPC CNI, where ingress-nginx's admission webhook is on. */
  npprod: variant(prod, {
    name: "npprod",
    cluster: { name: "npprod-platform" },
    state: undefined,
    networkPolicies: true,
    ingress: { controller: "ingress-nginx" },
  }),
  /** On-prem: MetalLB's speaker announcing with ARP. */
  nponprem: variant(onprem, { name: "nponprem", networkPolicies: true }),
  /** On-prem with Calico announcing the only pool: MetalLB runs no speaker. */
  allocator: variant(onprem, {
    name: "allocator",
    calicoBgp: { peers: [{ name: "tor", peerAddress: "192.168.10.1", asNumber: 64513 }] },
    metallb: {
      pools: [{ name: "routed", addresses: ["10.200.0.0/28"] }],
      l2: undefined,
      calicoAnnounces: {},
    },
    ingress: { exposure: { type: "metallb", pool: "routed", address: undefined } },
  }),
};

const inputs = [...shippedEnvironmentFiles().map((f) => f.input), ...Object.values(VARIANTS)];
const environments = parseEnvironments(inputs);
const { outdir } = synthEnvironments(inputs, { offline: true });

type Body = Record<string, unknown>;
const platformJson = (env: string) =>
  stackJson(outdir, `${env}-platform`) as { resource?: Record<string, Record<string, Body>> };
const resources = (env: string, type: string) => platformJson(env).resource?.[type] ?? {};

interface NamespaceBody {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}
const namespaces = (env: string) =>
  Object.entries(resources(env, "kubernetes_namespace_v1")).map(([id, body]) => ({
    id,
    ...(body as unknown as NamespaceBody),
  }));

describe("Pod Security admission on the namespaces the platform stacks install into", () => {
  const names = environments.map((env) => env.name);

  it.each(names)("%s: every namespace a release installs into is one the stack labels", (env) => {
    const releases = Object.values(resources(env, "helm_release"));
    expect(releases.length).toBeGreaterThan(0);
    const created = new Set(namespaces(env).map((ns) => ns.metadata.name));
    const unlabelled = releases
      .map((r) => String(r.namespace))
      // kube-system is EKS's and kubeadm's: it holds privileged add-ons the stacks do not own.
      .filter((ns) => ns !== "kube-system" && !created.has(ns));
    expect(unlabelled).toEqual([]);
    // Helm's create_namespace would make an unlabelled namespace first.
    expect(releases.filter((r) => r.create_namespace === true).map((r) => r.name)).toEqual([]);
  });

  it.each(names)(
    "%s: a namespace the cluster has already (from Helm, before this release) is adopted, not created again",
    (env) => {
      const json = platformJson(env) as { data?: Record<string, object>; import?: unknown[] };
      // One read of the cluster's namespaces per stack, at plan time.
      expect(Object.keys(json.data?.kubernetes_all_namespaces ?? {})).toEqual([
        "existing-namespaces",
      ]);
      const listed = "data.kubernetes_all_namespaces.existing-namespaces.namespaces";
      const expected = namespaces(env).map(({ id, metadata: { name } }) => ({
        to: `kubernetes_namespace_v1.${id}`,
        id: "${each.value}",
        for_each: `\${contains(${listed}, "${name}") ? toset(["${name}"]) : toset([])}`,
      }));
      expect(expected.length).toBeGreaterThan(0);
      expect(json.import).toEqual(expect.arrayContaining(expected));
      expect(json.import).toHaveLength(expected.length);
    },
  );

  it.each(names)("%s: everything put in a namespace the stack creates waits for it", (env) => {
    const ids = new Map(namespaces(env).map((ns) => [ns.metadata.name, ns.id]));
    const all = Object.entries(platformJson(env).resource ?? {}).flatMap(([type, byId]) =>
      Object.entries(byId).map(([id, body]) => ({ address: `${type}.${id}`, type, body })),
    );
    const known = new Set(all.map((r) => r.address));
    // depends_on and references both order Terraform's operations.
    const direct = new Map(
      all.map((r) => [
        r.address,
        [...JSON.stringify(r.body).matchAll(/\b([a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)\b/g)]
          .map((m) => m[1])
          .filter((address) => known.has(address) && address !== r.address),
      ]),
    );
    const waitsFor = (address: string, seen = new Set<string>()): Set<string> => {
      for (const dep of direct.get(address) ?? []) {
        if (!seen.has(dep)) waitsFor(dep, seen.add(dep));
      }
      return seen;
    };
    const placed = all.flatMap((r) => {
      if (r.type === "kubernetes_namespace_v1") return [];
      const metadata = r.body.metadata as { namespace?: string } | undefined;
      const namespace = r.type === "helm_release" ? r.body.namespace : metadata?.namespace;
      const id = ids.get(String(namespace));
      return id === undefined
        ? []
        : [{ address: r.address, namespace: `kubernetes_namespace_v1.${id}` }];
    });
    expect(placed.length).toBeGreaterThan(0);
    expect(placed.filter((p) => !waitsFor(p.address).has(p.namespace))).toEqual([]);
  });

  /** The strictest level each namespace's pods pass, from the rendered charts. */
  const LEVELS: Record<string, Record<string, string>> = {
    // tigera-operator: host network (and /var/lib/calico from the host) for the operator and
    // its uninstall hook. nginx-ingress / ingress-nginx: controllers (and admission jobs) pass
    // restricted. metallb-system: the speaker uses the host network and NET_RAW; without it,
    // the controller sets no seccomp profile, which restricted requires.
    dev: { "tigera-operator": "privileged", "nginx-ingress": "restricted" },
    staging: { "tigera-operator": "privileged", "nginx-ingress": "restricted" },
    prod: { "tigera-operator": "privileged", "nginx-ingress": "restricted" },
    onprem: {
      "tigera-operator": "privileged",
      "nginx-ingress": "restricted",
      "metallb-system": "privileged",
    },
    npprod: { "tigera-operator": "privileged", "ingress-nginx": "restricted" },
    allocator: {
      "tigera-operator": "privileged",
      "nginx-ingress": "restricted",
      "metallb-system": "baseline",
    },
  };

  it.each(Object.keys(LEVELS))(
    "%s: enforce, audit and warn at the strictest level the pods allow, the version pinned",
    (env) => {
      const environment = environments.find((e) => e.name === env)!;
      const found = Object.fromEntries(
        namespaces(env).map((ns) => [ns.metadata.name, ns.metadata.labels ?? {}]),
      );
      expect(Object.keys(found).sort()).toEqual(Object.keys(LEVELS[env]).sort());
      for (const [name, level] of Object.entries(LEVELS[env])) {
        expect([name, found[name]]).toEqual([
          name,
          {
            "pod-security.kubernetes.io/enforce": level,
            "pod-security.kubernetes.io/enforce-version": `v${environment.kubernetesVersion}`,
            "pod-security.kubernetes.io/audit": level,
            "pod-security.kubernetes.io/audit-version": "latest",
            "pod-security.kubernetes.io/warn": level,
            "pod-security.kubernetes.io/warn-version": "latest",
          },
        ]);
      }
    },
  );

  it.each(Object.keys(LEVELS))("%s: a namespace below restricted says why", (env) => {
    for (const ns of namespaces(env)) {
      const level = ns.metadata.labels?.["pod-security.kubernetes.io/enforce"];
      const reason = ns.metadata.annotations?.["platform.io/pod-security-reason"];
      expect([ns.metadata.name, level === "restricted" || (reason ?? "").length > 20]).toEqual([
        ns.metadata.name,
        true,
      ]);
    }
  });
});

describe("NetworkPolicies", () => {
  it.each(["staging", "prod", "onprem", "allocator"])(
    "%s: none unless the environment asks for them",
    (env) => {
      expect(resources(env, "kubernetes_network_policy_v1")).toEqual({});
    },
  );

  const model = (env: string) =>
    new NetworkPolicyModel(
      Object.values(
        resources(env, "kubernetes_network_policy_v1"),
      ) as unknown as NetworkPolicyBody[],
    );

  const pod = (
    namespace: string,
    labels: Record<string, string>,
    ip: string,
    node = "node-a",
  ): Pod => ({
    kind: "pod",
    namespace,
    labels,
    ip,
    node,
  });
  const external = (ip: string, node?: string): External => ({ kind: "external", ip, node });

  // Pods as the charts render them.
  const f5 = pod(
    "nginx-ingress",
    { "app.kubernetes.io/name": "nginx-ingress", "app.kubernetes.io/instance": "nginx-ingress" },
    "10.244.1.10",
  );
  const communityController = pod(
    "ingress-nginx",
    {
      "app.kubernetes.io/name": "ingress-nginx",
      "app.kubernetes.io/instance": "ingress-nginx",
      "app.kubernetes.io/component": "controller",
    },
    "10.30.64.10",
  );
  const admissionJob = pod(
    "ingress-nginx",
    {
      "app.kubernetes.io/name": "ingress-nginx",
      "app.kubernetes.io/instance": "ingress-nginx",
      "app.kubernetes.io/component": "admission-webhook",
    },
    "10.30.64.11",
  );
  const karpenter = pod(
    "kube-system",
    { "app.kubernetes.io/name": "karpenter", "app.kubernetes.io/instance": "karpenter" },
    "10.244.2.10",
  );
  const coredns = pod("kube-system", { "k8s-app": "kube-dns" }, "10.244.3.10", "node-b");
  const otherSystemPod = pod("kube-system", { app: "metrics-server" }, "10.244.3.11", "node-b");
  const shop = pod("shop", { app: "web" }, "10.244.4.10", "node-c");
  const prometheus = pod("monitoring", { app: "prometheus" }, "10.244.5.10", "node-c");
  const strayOperatorPod = pod("tigera-operator", { app: "debug" }, "10.244.6.10");
  const operator: Pod = {
    ...pod("tigera-operator", { "k8s-app": "tigera-operator" }, "10.10.96.10", "node-a"),
    hostNetwork: true,
  };
  const metallbController = pod(
    "metallb-system",
    {
      "app.kubernetes.io/name": "metallb",
      "app.kubernetes.io/instance": "metallb",
      "app.kubernetes.io/component": "controller",
    },
    "10.244.7.10",
  );
  const internet = external("203.0.113.9");
  const client = external("198.51.100.7");
  const awsApi = external("52.95.110.1");
  const imds = external("169.254.169.254");
  const podIdentityAgent = external("169.254.170.23");
  const ownNode = external("10.10.96.10", "node-a");

  type Case = [string, Connection];
  const to = (from: Endpoint, target: Endpoint, port: number, protocol?: "TCP" | "UDP") => ({
    from,
    to: target,
    port,
    protocol,
  });

  function decide(env: string, cases: Case[]): Record<string, boolean> {
    const m = model(env);
    return Object.fromEntries(cases.map(([label, c]) => [label, m.allows(c)]));
  }
  const all = (cases: Case[], value: boolean) =>
    Object.fromEntries(cases.map(([label]) => [label, value]));

  describe("EKS with Calico as the CNI and the F5 controller (dev, which asks for them)", () => {
    const apiServer = external("10.10.250.10"); // a control-plane ENI in dev's VPC
    const vpcResolver = external("10.10.0.2");
    const needed: Case[] = [
      ["clients reach the controller on 443", to(client, f5, 443)],
      ["clients reach the controller on 80", to(client, f5, 80)],
      ["Prometheus scrapes the controller", to(prometheus, f5, 9113)],
      ["the kubelet probes the controller", to(ownNode, f5, 8081)],
      ["the controller proxies to a backend in another namespace", to(f5, shop, 8080)],
      ["the controller resolves names (UDP)", to(f5, coredns, 53, "UDP")],
      ["the controller resolves names (TCP)", to(f5, coredns, 53)],
      ["the controller watches the API server", to(f5, apiServer, 443)],
      ["Karpenter calls AWS APIs", to(karpenter, awsApi, 443)],
      ["Karpenter calls the API server", to(karpenter, apiServer, 443)],
      ["Karpenter resolves through the node's resolver", to(karpenter, vpcResolver, 53, "UDP")],
      ["Karpenter gets Pod Identity credentials", to(karpenter, podIdentityAgent, 80)],
      ["Prometheus scrapes Karpenter", to(prometheus, karpenter, 8080)],
      ["the kubelet probes Karpenter", to(ownNode, karpenter, 8081)],
      ["the host-network operator reaches the API server", to(operator, apiServer, 443)],
      ["other kube-system pods stay open", to(shop, otherSystemPod, 443)],
      [
        "any pod of tigera-operator still reaches DNS and the API server",
        to(strayOperatorPod, apiServer, 443),
      ],
      ["any pod still resolves names", to(shop, coredns, 53, "UDP")],
    ];
    const refused: Case[] = [
      ["a pod of another namespace on the readiness port", to(shop, f5, 8081)],
      ["the controller to the internet on SSH", to(f5, internet, 22)],
      ["the controller to the internet on 443", to(f5, internet, 443)],
      ["the controller to another resolver", to(f5, external("8.8.8.8"), 53, "UDP")],
      ["Karpenter to the instance metadata service", to(karpenter, imds, 80)],
      ["a pod of another namespace to Karpenter's health port", to(shop, karpenter, 8081)],
      ["a stray pod in tigera-operator, to the internet", to(strayOperatorPod, internet, 443)],
      ["a stray pod in tigera-operator, to other pods", to(strayOperatorPod, shop, 8080)],
      ["a stray pod in tigera-operator, inbound", to(shop, strayOperatorPod, 8080)],
    ];
    it("allows what each component needs", () => {
      expect(decide("dev", needed)).toEqual(all(needed, true));
    });
    it("refuses the rest", () => {
      expect(decide("dev", refused)).toEqual(all(refused, false));
    });
  });

  describe("EKS with the VPC CNI and ingress-nginx's admission webhook (npprod)", () => {
    const apiServer = external("10.30.250.10");
    const needed: Case[] = [
      ["the API server calls the admission webhook", to(apiServer, communityController, 8443)],
      ["clients reach the controller", to(client, communityController, 443)],
      ["Prometheus scrapes the controller", to(prometheus, communityController, 10254)],
      ["the admission job patches the webhook", to(admissionJob, apiServer, 443)],
      ["the admission job resolves names", to(admissionJob, coredns, 53, "UDP")],
      ["the controller proxies to a backend", to(communityController, shop, 8080)],
    ];
    const refused: Case[] = [
      ["the admission job to the internet", to(admissionJob, internet, 443)],
      [
        "a pod of another namespace on a port the controller does not serve",
        to(shop, communityController, 10255),
      ],
    ];
    it("allows what each component needs", () => {
      expect(decide("npprod", needed)).toEqual(all(needed, true));
    });
    it("refuses the rest", () => {
      expect(decide("npprod", refused)).toEqual(all(refused, false));
    });
  });

  describe("on-prem with MetalLB (nponprem)", () => {
    // The API server runs on a control-plane node of the node segment, on 6443.
    const apiServer = external("192.168.10.11", "cp-1");
    const needed: Case[] = [
      ["the API server calls MetalLB's webhook", to(apiServer, metallbController, 9443)],
      ["the controller watches the API server", to(metallbController, apiServer, 6443)],
      ["Prometheus scrapes the controller (0.15)", to(prometheus, metallbController, 7472)],
      ["Prometheus scrapes the controller (0.16)", to(prometheus, metallbController, 9120)],
      ["the ingress controller watches the API server", to(f5, apiServer, 6443)],
      ["clients reach the ingress controller", to(client, f5, 443)],
    ];
    const refused: Case[] = [
      ["MetalLB's controller to the internet", to(metallbController, internet, 443)],
      ["the ingress controller to the internet", to(f5, internet, 6443)],
      ["a pod of another namespace on a random controller port", to(shop, metallbController, 8080)],
    ];
    it("allows what each component needs", () => {
      expect(decide("nponprem", needed)).toEqual(all(needed, true));
    });
    it("refuses the rest", () => {
      expect(decide("nponprem", refused)).toEqual(all(refused, false));
    });
  });

  it("are created before what they protect and removed after it", () => {
    const policies = Object.keys(resources("dev", "kubernetes_network_policy_v1"));
    expect(policies.length).toBeGreaterThan(0);
    const releases = Object.values(resources("dev", "helm_release"));
    for (const chart of ["nginx-ingress", "karpenter"]) {
      const release = releases.find((r) => r.chart === chart)!;
      const deps = (release.depends_on ?? []) as string[];
      expect([chart, deps.some((d) => d.startsWith("kubernetes_network_policy_v1."))]).toEqual([
        chart,
        true,
      ]);
    }
  });

  it("keep a namespace's default deny until its allows are gone", () => {
    const policies = resources("dev", "kubernetes_network_policy_v1");
    const denies = Object.entries(policies).filter(([, body]) =>
      JSON.stringify(body).includes('"default-deny"'),
    );
    expect(denies.length).toBeGreaterThan(0);
    for (const [id, body] of denies) {
      const namespace = JSON.stringify(body).match(/"namespace":"([^"]+)"/)?.[1];
      const allows = Object.entries(policies)
        .filter(
          ([other, b]) => other !== id && JSON.stringify(b).includes(`"namespace":"${namespace}"`),
        )
        .map(([other]) => `kubernetes_network_policy_v1.${other}`);
      expect([id, body.depends_on ?? []]).toEqual([id, expect.arrayContaining(allows)]);
    }
  });
});
