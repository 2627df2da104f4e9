import { AnnotationMetadataEntryType, TerraformStack, Testing } from "cdktf";
import { MetalLb, MetalLbProps } from "../../constructs/metallb";
import { VERSIONS } from "../../constructs/versions";
import { resourcesOf, synthConstruct, HelmRelease } from "../support/synth";

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown>;
}

const base: MetalLbProps = {
  platform: "onprem",
  pools: [{ name: "ingress", addresses: ["192.168.10.240-192.168.10.250"] }],
  l2: {},
  reservedCidrs: ["192.168.10.0/25", "10.244.0.0/16", "10.96.0.0/12"],
};

function render(props: Partial<MetalLbProps>) {
  const json = synthConstruct((scope) => new MetalLb(scope, "metallb", { ...base, ...props }));
  const releases = Object.values(resourcesOf<HelmRelease>(json, "helm_release"));
  const chart = releases.find((r) => r.name === "metallb");
  const resources = releases.find((r) => r.name === "metallb-resources");
  if (!chart || !resources) throw new Error("expected the chart and the resources releases");
  const manifests = (JSON.parse(resources.values?.[0] ?? "{}") as { manifests: Manifest[] })
    .manifests;
  const namespaces = Object.values(
    resourcesOf<{ metadata: { name: string; labels: Record<string, string> } }>(
      json,
      "kubernetes_namespace_v1",
    ),
  );
  return { json, chart, resources, manifests, namespaces };
}

const byKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);

describe("MetalLb", () => {
  it("creates a privileged namespace and installs the chart into it", () => {
    const { chart, namespaces } = render({});
    expect(namespaces).toHaveLength(1);
    expect(namespaces[0].metadata).toEqual({
      name: "metallb-system",
      labels: {
        "pod-security.kubernetes.io/enforce": "privileged",
        "pod-security.kubernetes.io/audit": "privileged",
        "pod-security.kubernetes.io/warn": "privileged",
      },
    });
    expect(chart).toMatchObject({
      repository: "https://metallb.github.io/metallb",
      chart: "metallb",
      version: VERSIONS.metallb,
      namespace: "metallb-system",
      create_namespace: false,
      wait: true,
    });
    expect(chart.depends_on).toEqual([expect.stringMatching(/^kubernetes_namespace_v1\./)]);
  });

  it("installs the custom resources after the chart, never as kubernetes_manifest", () => {
    const { json, resources } = render({});
    expect(resources.namespace).toBe("metallb-system");
    expect(resources.wait).toBe(true);
    expect(resources.depends_on).toEqual([expect.stringMatching(/^helm_release\..*chart/)]);
    expect(json.resource?.kubernetes_manifest).toBeUndefined();
  });

  it("renders pools and an L2 advertisement of every pool by default", () => {
    const { manifests } = render({
      pools: [
        { name: "ingress", addresses: ["192.168.10.240-192.168.10.250"] },
        {
          name: "spare",
          addresses: ["192.168.10.224/28"],
          autoAssign: false,
          avoidBuggyIPs: false,
        },
      ],
    });
    expect(byKind(manifests, "IPAddressPool")).toEqual([
      {
        apiVersion: "metallb.io/v1beta1",
        kind: "IPAddressPool",
        metadata: { name: "ingress", namespace: "metallb-system" },
        spec: {
          addresses: ["192.168.10.240-192.168.10.250"],
          autoAssign: true,
          avoidBuggyIPs: true,
        },
      },
      {
        apiVersion: "metallb.io/v1beta1",
        kind: "IPAddressPool",
        metadata: { name: "spare", namespace: "metallb-system" },
        spec: { addresses: ["192.168.10.224/28"], autoAssign: false, avoidBuggyIPs: false },
      },
    ]);
    expect(byKind(manifests, "L2Advertisement")).toEqual([
      {
        apiVersion: "metallb.io/v1beta1",
        kind: "L2Advertisement",
        metadata: { name: "l2", namespace: "metallb-system" },
        spec: { ipAddressPools: ["ingress", "spare"] },
      },
    ]);
    expect(byKind(manifests, "BGPPeer")).toEqual([]);
    expect(byKind(manifests, "BGPAdvertisement")).toEqual([]);
  });

  it("renders L2 interfaces and node selectors as label selectors", () => {
    const { manifests } = render({
      l2: {
        pools: ["ingress"],
        interfaces: ["eth1"],
        nodeSelectors: [{ "node-role/edge": "true" }],
      },
    });
    expect(byKind(manifests, "L2Advertisement")[0].spec).toEqual({
      ipAddressPools: ["ingress"],
      interfaces: ["eth1"],
      nodeSelectors: [{ matchLabels: { "node-role/edge": "true" } }],
    });
  });

  it("renders BGP peers and an advertisement", () => {
    const { manifests } = render({
      l2: undefined,
      bgp: {
        peers: [{ name: "tor-a", myASN: 64512, peerASN: 64513, peerAddress: "192.168.10.1" }],
      },
    });
    expect(byKind(manifests, "L2Advertisement")).toEqual([]);
    expect(byKind(manifests, "BGPPeer")).toEqual([
      {
        apiVersion: "metallb.io/v1beta2",
        kind: "BGPPeer",
        metadata: { name: "tor-a", namespace: "metallb-system" },
        spec: { myASN: 64512, peerASN: 64513, peerAddress: "192.168.10.1" },
      },
    ]);
    expect(byKind(manifests, "BGPAdvertisement")).toEqual([
      {
        apiVersion: "metallb.io/v1beta1",
        kind: "BGPAdvertisement",
        metadata: { name: "bgp", namespace: "metallb-system" },
        spec: { ipAddressPools: ["ingress"] },
      },
    ]);
  });

  it("exposes pool names and honours a custom namespace", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    const metallb = new MetalLb(stack, "metallb", { ...base, namespace: "lb" });
    expect(metallb.poolNames).toEqual(["ingress"]);
    expect(metallb.namespace).toBe("lb");
  });

  it("warns about strictARP only when kube-proxy runs IPVS with L2 announcement", () => {
    const warnings = (props: Partial<MetalLbProps>) => {
      const stack = new TerraformStack(Testing.app(), "test");
      const metallb = new MetalLb(stack, "metallb", { ...base, ...props });
      return metallb.node.metadata
        .filter((m) => m.type === AnnotationMetadataEntryType.WARN)
        .map((m) => String(m.data));
    };
    expect(warnings({ strictArp: true })).toEqual([
      expect.stringContaining("ipvs.strictARP: true"),
    ]);
    expect(warnings({})).toEqual([]);
    const bgpOnly = {
      l2: undefined,
      bgp: { peers: [{ name: "tor", myASN: 1, peerASN: 2, peerAddress: "10.0.0.1" }] },
    };
    expect(warnings({ strictArp: true, ...bgpOnly })).toEqual([]);
  });

  const pool = (name: string, ...addresses: string[]) => ({ name, addresses });
  const bad: [string, Partial<MetalLbProps>, string][] = [
    ["EKS", { platform: "eks" }, "a VPC answers ARP itself and has no BGP to peer with"],
    ["no advertisement", { l2: undefined }, "MetalLbProps needs l2 or bgp"],
    ["no pools", { pools: [] }, "MetalLbProps.pools is empty"],
    [
      "an invalid address",
      { pools: [pool("a", "192.168.10.250-192.168.10.240")] },
      "MetalLbProps.pools[0].addresses[0] must be a CIDR (192.168.10.240/28) or an ascending range",
    ],
    [
      "overlapping pools",
      {
        pools: [
          pool("a", "192.168.10.240/29"),
          pool("b", "192.168.10.200/30", "192.168.10.244-192.168.10.250"),
        ],
      },
      "MetalLbProps.pools[1].addresses[1] 192.168.10.244-192.168.10.250 overlaps pools[0].addresses[0] 192.168.10.240/29",
    ],
    [
      "a pool in a reserved range",
      { pools: [pool("a", "192.168.10.100-192.168.10.110")] },
      "MetalLbProps.pools[0].addresses[0] 192.168.10.100-192.168.10.110 overlaps reserved range 192.168.10.0/25",
    ],
    [
      "a malformed reserved range",
      { reservedCidrs: ["10.0.0.0/33"] },
      "MetalLbProps.reservedCidrs[0] must be an IPv4 CIDR",
    ],
    [
      "a duplicate pool name",
      { pools: [pool("a", "10.1.0.0/30"), pool("a", "10.2.0.0/30")] },
      'MetalLbProps.pools[1].name "a" is used twice',
    ],
    [
      "an invalid pool name",
      { pools: [pool("Ingress_Pool", "10.1.0.0/30")] },
      "MetalLbProps.pools[0].name must be lowercase letters",
    ],
    [
      "an unknown L2 pool",
      { l2: { pools: ["ingress", "missing"] } },
      "MetalLbProps.l2.pools names unknown pool(s) missing; defined pools: ingress",
    ],
    [
      "an unknown BGP pool",
      {
        bgp: {
          peers: [{ name: "tor", myASN: 1, peerASN: 2, peerAddress: "10.0.0.1" }],
          pools: ["other"],
        },
      },
      "MetalLbProps.bgp.pools names unknown pool(s) other",
    ],
    [
      "an empty L2 pool list",
      { l2: { pools: [] } },
      "MetalLbProps.l2.pools is empty; omit it to announce every pool",
    ],
    ["no BGP peers", { bgp: { peers: [] } }, "MetalLbProps.bgp.peers is empty"],
    [
      "a bad peer address",
      { bgp: { peers: [{ name: "tor", myASN: 1, peerASN: 2, peerAddress: "10.0.0" }] } },
      'MetalLbProps.bgp.peers[0].peerAddress must be an IPv4 address; got "10.0.0"',
    ],
    [
      "an ASN out of range",
      { bgp: { peers: [{ name: "tor", myASN: 0, peerASN: 2, peerAddress: "10.0.0.1" }] } },
      "MetalLbProps.bgp.peers[0].myASN must be an integer from 1 to 4294967295; got 0",
    ],
  ];

  it.each(bad)("rejects %s", (_name, props, message) => {
    expect(() => render(props)).toThrow(message);
  });
});
