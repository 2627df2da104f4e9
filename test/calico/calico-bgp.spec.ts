import { AnnotationMetadataEntryType, TerraformStack, Testing } from "cdktf";
import {
  BGP_FULL_MESH_MAX_NODES,
  Calico,
  CalicoBgp,
  CalicoBgpProps,
  CalicoProps,
  estimateNodePool,
} from "../../constructs/calico";
import { ManifestsRelease } from "../../constructs/shared/manifests-release";
import { HelmRelease, resourcesOf, synthStack } from "../support/synth";

const onprem: CalicoProps = {
  mode: "direct",
  platform: "onprem",
  podCidr: "10.244.0.0/16",
  nodeCidrs: ["192.168.10.0/24"],
};

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}

function render(props: Partial<CalicoBgpProps>, calicoProps: Partial<CalicoProps> = {}) {
  const stack = new TerraformStack(Testing.app(), "test");
  const calico = new Calico(stack, "calico", { ...onprem, ...calicoProps });
  new CalicoBgp(stack, "calico-bgp", { calico, dependsOn: [calico.release], ...props });
  const releases = Object.values(resourcesOf<HelmRelease>(synthStack(stack), "helm_release"));
  const release = releases.find((r) => r.name === "calico-bgp");
  if (!release) throw new Error("expected the calico-bgp release");
  const manifests = (JSON.parse(release.values[0]) as { manifests: Manifest[] }).manifests;
  return { release, manifests };
}

const peers = [
  { name: "tor-a", peerAddress: "192.168.10.2", asNumber: 64513 },
  { name: "tor-b", peerAddress: "192.168.10.3", asNumber: 64513 },
];

describe("CalicoBgp", () => {
  it("announces LoadBalancer CIDRs to global peers through crd.projectcalico.org/v1 objects", () => {
    const { release, manifests } = render({
      asNumber: 64520,
      peers,
      serviceLoadBalancerCidrs: ["192.168.20.0/28", "192.168.21.0/28"],
    });
    expect(manifests).toEqual([
      {
        apiVersion: "crd.projectcalico.org/v1",
        kind: "BGPConfiguration",
        metadata: { name: "default" },
        spec: {
          asNumber: 64520,
          nodeToNodeMeshEnabled: true,
          serviceLoadBalancerIPs: [{ cidr: "192.168.20.0/28" }, { cidr: "192.168.21.0/28" }],
        },
      },
      {
        apiVersion: "crd.projectcalico.org/v1",
        kind: "BGPPeer",
        metadata: { name: "tor-a" },
        spec: { peerIP: "192.168.10.2", asNumber: 64513 },
      },
      {
        apiVersion: "crd.projectcalico.org/v1",
        kind: "BGPPeer",
        metadata: { name: "tor-b" },
        spec: { peerIP: "192.168.10.3", asNumber: 64513 },
      },
    ]);
    // After Calico's CRDs, never as kubernetes_manifest.
    expect(release).toMatchObject({ namespace: "tigera-operator", wait: true });
    expect(release.depends_on).toEqual([expect.stringMatching(/^helm_release\.calico_operator/)]);
  });

  it("defaults to Calico's AS number and announces nothing extra", () => {
    const { manifests } = render({});
    expect(manifests).toEqual([
      {
        apiVersion: "crd.projectcalico.org/v1",
        kind: "BGPConfiguration",
        metadata: { name: "default" },
        spec: { asNumber: 64512, nodeToNodeMeshEnabled: true },
      },
    ]);
  });

  const bad: [string, Partial<CalicoBgpProps>, Partial<CalicoProps>, string | RegExp][] = [
    [
      "a Calico without BGP",
      {},
      { mode: "vxlan" },
      /CalicoBgpProps\.calico: does not run BGP.*choose a BGP pod network mode/,
    ],
    [
      "a range as a LoadBalancer block",
      { serviceLoadBalancerCidrs: ["192.168.20.0/28", "192.168.21.1-192.168.21.9"] },
      {},
      'CalicoBgpProps.serviceLoadBalancerCidrs[1]: is the range "192.168.21.1-192.168.21.9", but serviceLoadBalancerIPs takes CIDRs only',
    ],
    [
      "a malformed LoadBalancer block",
      { serviceLoadBalancerCidrs: ["192.168.20.1/28"] },
      {},
      "CalicoBgpProps.serviceLoadBalancerCidrs[0]: must be an IPv4 CIDR with no host bits set",
    ],
    [
      "a peer without an address",
      { peers: [{ name: "tor", peerAddress: "tor.example", asNumber: 64513 }] },
      {},
      'CalicoBgpProps.peers[0].peerAddress: must be an IPv4 address; got "tor.example"',
    ],
    [
      "a peer named twice",
      { peers: [peers[0], { ...peers[1], name: "tor-a" }] },
      {},
      'CalicoBgpProps.peers[1].name: "tor-a" is used twice',
    ],
    [
      "an AS number of 0",
      { asNumber: 0 },
      {},
      "CalicoBgpProps.asNumber: must be an integer from 1 to 4294967295; got 0",
    ],
  ];
  it.each(bad)("rejects %s", (_name, props, calicoProps, message) => {
    expect(() => render(props, calicoProps)).toThrow(message);
  });
});

function nodePool(name: string, cpu: string | undefined, requirements: object[] = []) {
  return {
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: { name },
    spec: {
      template: { spec: { requirements } },
      ...(cpu === undefined ? {} : { limits: { cpu, memory: "1000Gi" } }),
    },
  };
}

describe("BGP mesh scale", () => {
  it("estimates nodes as limits.cpu over the smallest vCPU count the requirements allow", () => {
    expect(estimateNodePool(nodePool("a", "128"))).toEqual({
      name: "a",
      cpuLimit: 128,
      minVcpu: 1,
      maxNodes: 128,
    });
    const cpu = (operator: string, ...values: string[]) => [
      { key: "karpenter.k8s.aws/instance-cpu", operator, values },
    ];
    expect(estimateNodePool(nodePool("b", "128", cpu("Gt", "3")))?.maxNodes).toBe(32);
    expect(estimateNodePool(nodePool("c", "128", cpu("In", "16", "8")))?.maxNodes).toBe(16);
    expect(estimateNodePool(nodePool("d", "1500m"))?.maxNodes).toBe(1);
    expect(estimateNodePool(nodePool("e", undefined))?.maxNodes).toBeUndefined();
    expect(estimateNodePool({ kind: "EC2NodeClass" })).toBeUndefined();
  });

  function warnings(mode: CalicoProps["mode"], pools: object[]): string[] {
    const stack = new TerraformStack(Testing.app(), "test");
    const calico = new Calico(stack, "calico", {
      mode,
      platform: "eks",
      podCidr: "10.244.0.0/16",
    });
    new ManifestsRelease(stack, "node-pools", {
      releaseName: "node-pools",
      namespace: "kube-system",
      manifests: pools,
    });
    Testing.synth(stack);
    return calico.node.metadata
      .filter((m) => m.type === AnnotationMetadataEntryType.WARN)
      .map((m) => String(m.data));
  }

  it(`warns in BGP modes when node pools allow more than ${BGP_FULL_MESH_MAX_NODES} nodes`, () => {
    expect(warnings("ipip-cross-subnet", [nodePool("general", "128")])).toEqual([
      expect.stringMatching(
        /full BGP mesh in mode "ipip-cross-subnet".*allow about 128 nodes \(general: limits\.cpu 128 \/ 1 vCPU = 128;.*route reflectors/,
      ),
    ]);
  });

  it("adds up the pools, and treats a pool without a CPU limit as unbounded", () => {
    expect(warnings("ipip", [nodePool("a", "64"), nodePool("b", "64")])).toEqual([
      expect.stringContaining("about 128 nodes (a: limits.cpu 64 / 1 vCPU = 64; b:"),
    ]);
    expect(warnings("ipip", [nodePool("a", undefined)])).toEqual([
      expect.stringContaining("an unbounded number of nodes (a: no CPU limit, unbounded"),
    ]);
  });

  it("stays quiet within the mesh's range, or without BGP", () => {
    expect(warnings("ipip", [nodePool("a", "64")])).toEqual([]);
    const large = [
      nodePool("a", "1024", [
        { key: "karpenter.k8s.aws/instance-cpu", operator: "Gt", values: ["15"] },
      ]),
    ];
    expect(warnings("ipip", large)).toEqual([]);
    expect(warnings("vxlan", [nodePool("a", "1000")])).toEqual([]);
  });
});
