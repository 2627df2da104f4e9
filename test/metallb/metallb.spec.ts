import { AnnotationMetadataEntryType, TerraformStack, Testing } from "cdktf";
import { MetalLb, MetalLbProps } from "../../constructs/metallb";
import { VERSIONS } from "../../constructs/versions";
import { resourcesOf, synthConstruct, HelmRelease, SynthJson } from "../support/synth";

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
  calicoBgp: false,
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
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "privileged",
        "pod-security.kubernetes.io/audit-version": "latest",
        "pod-security.kubernetes.io/warn": "privileged",
        "pod-security.kubernetes.io/warn-version": "latest",
      },
      annotations: {
        "platform.io/pod-security-reason": expect.stringMatching(/speaker .*host network.*NET_RAW/),
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

  it("chooses the BGP backend: FRR-K8s only where MetalLB itself speaks BGP", () => {
    const values = (props: Partial<MetalLbProps>) =>
      render(props).chart.values.map((v) => JSON.parse(v) as unknown);
    // L2 only: the speaker answers ARP itself; 0.16's default FRR-K8s DaemonSet is not deployed.
    expect(values({})).toEqual([
      { speaker: { enabled: true, frr: { enabled: false } }, frrk8s: { enabled: false } },
    ]);
    // MetalLB's own BGP: FRR-K8s (upstream's default backend), never the speaker's embedded FRR,
    // which 0.16 refuses to render beside it.
    const bgp = values({
      l2: undefined,
      pools: [{ name: "public", addresses: ["192.168.20.0/28"] }],
      bgp: { peers: [{ name: "tor", myASN: 64512, peerASN: 64513, peerAddress: "192.168.10.1" }] },
    });
    expect(bgp).toEqual([
      { speaker: { enabled: true, frr: { enabled: false } }, frrk8s: { enabled: true } },
    ]);
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
    [
      "no advertisement",
      { l2: undefined },
      "MetalLbProps: needs l2, bgp or calicoAnnounces: without an announcement no address is reachable",
    ],
    ["no pools", { pools: [] }, "MetalLbProps.pools: is empty"],
    [
      "an invalid address",
      { pools: [pool("a", "192.168.10.250-192.168.10.240")] },
      "MetalLbProps.pools[0].addresses[0]: must be a CIDR (192.168.10.240/28) or an ascending range",
    ],
    [
      "overlapping pools",
      {
        pools: [
          pool("a", "192.168.10.240/29"),
          pool("b", "192.168.10.200/30", "192.168.10.244-192.168.10.250"),
        ],
      },
      "MetalLbProps.pools[1].addresses[1]: 192.168.10.244-192.168.10.250 overlaps pools[0].addresses[0] 192.168.10.240/29",
    ],
    [
      "a pool in a reserved range",
      { pools: [pool("a", "192.168.10.100-192.168.10.110")] },
      "MetalLbProps.pools[0].addresses[0]: 192.168.10.100-192.168.10.110 overlaps reserved range 192.168.10.0/25",
    ],
    [
      "a malformed reserved range",
      { reservedCidrs: ["10.0.0.0/33"] },
      "MetalLbProps.reservedCidrs[0]: must be an IPv4 CIDR",
    ],
    [
      "a duplicate pool name",
      { pools: [pool("a", "10.1.0.0/30"), pool("a", "10.2.0.0/30")] },
      'MetalLbProps.pools[1].name: "a" is used twice',
    ],
    [
      "an invalid pool name",
      { pools: [pool("Ingress_Pool", "10.1.0.0/30")] },
      "MetalLbProps.pools[0].name: must be a Kubernetes name",
    ],
    [
      "an unknown L2 pool",
      { l2: { pools: ["ingress", "missing"] } },
      `MetalLbProps.l2.pools[1]: names pool "missing", but no pool has that name (pools: ingress)`,
    ],
    [
      "an unknown BGP pool",
      {
        bgp: {
          peers: [{ name: "tor", myASN: 1, peerASN: 2, peerAddress: "10.0.0.1" }],
          pools: ["other"],
        },
      },
      `MetalLbProps.bgp.pools[0]: names pool "other", but no pool has that name (pools: ingress)`,
    ],
    [
      "an empty L2 pool list",
      { l2: { pools: [] } },
      "MetalLbProps.l2.pools: is empty; omit it to cover every pool",
    ],
    ["no BGP peers", { bgp: { peers: [] } }, "MetalLbProps.bgp.peers: is empty"],
    [
      "a bad peer address",
      { bgp: { peers: [{ name: "tor", myASN: 1, peerASN: 2, peerAddress: "10.0.0" }] } },
      'MetalLbProps.bgp.peers[0].peerAddress: must be an IPv4 address; got "10.0.0"',
    ],
    [
      "an ASN out of range",
      { bgp: { peers: [{ name: "tor", myASN: 0, peerASN: 2, peerAddress: "10.0.0.1" }] } },
      "MetalLbProps.bgp.peers[0].myASN: must be an integer from 1 to 4294967295; got 0",
    ],
    [
      "a namespace the cluster owns",
      { namespace: "kube-system" },
      'MetalLbProps.namespace: must not be default, kube-system, kube-public, kube-node-lease: the construct creates this namespace (adopting it when it exists) and would delete it on destroy; got "kube-system"',
    ],
  ];

  it.each(bad)("rejects %s", (_name, props, message) => {
    expect(() => render(props)).toThrow(message);
  });
});

describe("MetalLb beside Calico's BGP", () => {
  const routed = { name: "public", addresses: ["192.168.20.0/28"] };
  const ingress = { name: "ingress", addresses: ["192.168.10.240-192.168.10.250"] };
  const tor = { name: "tor", myASN: 64512, peerASN: 64513, peerAddress: "192.168.10.1" };

  it("rejects its own BGP when Calico runs BGP, and names the alternative", () => {
    expect(() => render({ calicoBgp: true, l2: undefined, bgp: { peers: [tor] } })).toThrow(
      /MetalLbProps\.bgp: cannot run beside Calico's BGP .* one session per pair of hosts.*calicoAnnounces/,
    );
  });

  it("only allocates from pools Calico announces: no advertisement, no speaker", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const metallb = new MetalLb(stack, "metallb", {
      ...base,
      calicoBgp: true,
      pools: [routed],
      l2: undefined,
      calicoAnnounces: {},
    });
    const json = JSON.parse(Testing.synth(stack)) as SynthJson;
    const releases = Object.values(resourcesOf<HelmRelease>(json, "helm_release"));
    const chart = releases.find((r) => r.name === "metallb");
    const manifests = (
      JSON.parse(releases.find((r) => r.name === "metallb-resources")!.values[0]) as {
        manifests: Manifest[];
      }
    ).manifests;
    expect(manifests.map((m) => m.kind)).toEqual(["IPAddressPool"]);
    // No speaker and no FRR-K8s: nothing of MetalLB's speaks BGP or ARP beside Calico.
    expect(chart?.values.map((v) => JSON.parse(v) as unknown)).toEqual([
      { speaker: { enabled: false, frr: { enabled: false } }, frrk8s: { enabled: false } },
    ]);
    // Without the speaker nothing needs the host network: baseline, for the controller's
    // missing seccomp profile.
    const namespace = Object.values(
      resourcesOf<{ metadata: { labels: Record<string, string> } }>(
        json,
        "kubernetes_namespace_v1",
      ),
    )[0];
    expect(namespace.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("baseline");
    expect(metallb.calicoAnnouncedCidrs).toEqual(["192.168.20.0/28"]);
  });

  it("keeps announcing the other pools with L2 by default, with the speaker", () => {
    const { chart, manifests } = render({
      calicoBgp: true,
      pools: [ingress, routed],
      calicoAnnounces: { pools: ["public"] },
    });
    expect(byKind(manifests, "L2Advertisement")[0].spec).toEqual({ ipAddressPools: ["ingress"] });
    // The speaker announces with ARP; no FRR, since MetalLB speaks no BGP here.
    expect(chart.values.map((v) => JSON.parse(v) as unknown)).toEqual([
      { speaker: { enabled: true, frr: { enabled: false } }, frrk8s: { enabled: false } },
    ]);
  });

  const bad: [string, Partial<MetalLbProps>, string | RegExp][] = [
    [
      "Calico announcements without Calico's BGP",
      { pools: [routed], l2: undefined, calicoAnnounces: {} },
      "MetalLbProps.calicoAnnounces: needs Calico to run BGP (calicoBgp is false)",
    ],
    [
      "a range in a pool Calico announces",
      {
        calicoBgp: true,
        pools: [{ name: "public", addresses: ["192.168.20.1-192.168.20.9"] }],
        l2: undefined,
        calicoAnnounces: {},
      },
      "MetalLbProps.pools[0].addresses[0]: 192.168.20.1-192.168.20.9 is a range, but Calico announces CIDRs only",
    ],
    [
      "an L2 advertisement of a pool Calico announces",
      {
        calicoBgp: true,
        pools: [ingress, routed],
        l2: { pools: ["ingress", "public"] },
        calicoAnnounces: { pools: ["public"] },
      },
      `MetalLbProps.l2.pools[1]: names pool "public", which Calico announces (calicoAnnounces)`,
    ],
    [
      "an L2 advertisement left with no pool",
      { calicoBgp: true, pools: [routed], calicoAnnounces: {} },
      "MetalLbProps.l2: covers no pool: Calico announces them all",
    ],
  ];
  it.each(bad)("rejects %s", (_name, props, message) => {
    expect(() => render(props)).toThrow(message);
  });
});

describe("MetalLb pools on the node network", () => {
  const nodeSegments = [
    {
      cidr: "192.168.10.0/24",
      gateway: "192.168.10.1",
      nodeAddresses: ["192.168.10.10-192.168.10.199"],
    },
  ];
  const withSegments = (props: Partial<MetalLbProps>): Partial<MetalLbProps> => ({
    nodeSegments,
    reservedCidrs: ["10.244.0.0/16", "10.96.0.0/12"],
    ...props,
  });
  const tor = { name: "tor", myASN: 64512, peerASN: 64513, peerAddress: "192.168.10.1" };

  it("accepts an L2 pool inside the node segment, clear of the nodes and the router", () => {
    const { manifests } = render(withSegments({}));
    expect(byKind(manifests, "IPAddressPool")).toHaveLength(1);
  });

  it("accepts a BGP pool outside every node segment", () => {
    const { manifests } = render(
      withSegments({
        pools: [{ name: "public", addresses: ["192.168.20.0/28"] }],
        l2: undefined,
        bgp: { peers: [tor] },
      }),
    );
    expect(byKind(manifests, "BGPAdvertisement")).toHaveLength(1);
  });

  const pool = (...addresses: string[]) => [{ name: "ingress", addresses }];
  const bad: [string, Partial<MetalLbProps>, string | RegExp][] = [
    [
      "an L2 pool off the node segment (a /25 of nodes, the address in the upper half)",
      withSegments({
        nodeSegments: [{ cidr: "192.168.10.0/25", nodeAddresses: ["192.168.10.0/25"] }],
        pools: pool("192.168.10.240-192.168.10.250"),
      }),
      /MetalLbProps\.pools\[0\]\.addresses\[0\]: 192\.168\.10\.240-192\.168\.10\.250 is announced with L2 but lies outside every node segment \(192\.168\.10\.0\/25\); ARP answers only reach the local segment/,
    ],
    [
      "an L2 pool over node addresses",
      withSegments({ pools: pool("192.168.10.190-192.168.10.210") }),
      "MetalLbProps.pools[0].addresses[0]: 192.168.10.190-192.168.10.210 overlaps the node addresses 192.168.10.10-192.168.10.199 of node segment 192.168.10.0/24",
    ],
    [
      "an L2 pool over the gateway",
      withSegments({ pools: pool("192.168.10.1-192.168.10.5") }),
      "192.168.10.1-192.168.10.5 overlaps the gateway 192.168.10.1 of node segment 192.168.10.0/24",
    ],
    [
      "an L2 pool holding the broadcast address",
      withSegments({ pools: pool("192.168.10.240/28") }),
      "overlaps the broadcast address 192.168.10.255 of node segment 192.168.10.0/24",
    ],
    [
      "a BGP pool inside a node segment",
      withSegments({ l2: undefined, bgp: { peers: [tor] } }),
      /MetalLbProps\.pools\[0\]\.addresses\[0\]: .* is announced over BGP but lies in node segment 192\.168\.10\.0\/24: hosts on that segment treat it as on-link/,
    ],
    [
      "a pool announced with both L2 and BGP",
      withSegments({ bgp: { peers: [tor] } }),
      `MetalLbProps.pools[0]: "ingress" is announced both with L2`,
    ],
    [
      "node addresses outside their segment",
      withSegments({
        nodeSegments: [{ cidr: "192.168.10.0/24", nodeAddresses: ["192.168.11.0/25"] }],
      }),
      "MetalLbProps.nodeSegments[0].nodeAddresses[0]: 192.168.11.0/25 is not inside the segment 192.168.10.0/24",
    ],
  ];
  it.each(bad)("rejects %s", (_name, props, message) => {
    expect(() => render(props)).toThrow(message);
  });
});
