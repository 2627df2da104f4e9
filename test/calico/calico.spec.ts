import { Calico, CalicoProps, CalicoValues } from "../../constructs/calico";
import { POD_NETWORK_MODES, PodNetworkMode } from "../../constructs/shared/pod-network";
import { VERSIONS } from "../../constructs/versions";
import { HelmRelease, onlyResource, resourcesOf, synthConstruct } from "../support/synth";

const base: CalicoProps = {
  mode: "vxlan",
  platform: "eks",
  podCidr: "10.244.0.0/16",
  vpcCidr: "10.10.0.0/16",
  serviceCidr: "172.20.0.0/16",
};

interface NamespaceBody {
  metadata: { name: string; labels: Record<string, string>; annotations?: Record<string, string> };
}
interface PolicyBody {
  metadata: { name: string; namespace: string };
}

function render(props: Partial<CalicoProps>): { release: HelmRelease; values: CalicoValues } {
  const json = synthConstruct((scope) => new Calico(scope, "calico", { ...base, ...props }));
  const release = operatorRelease(json);
  return { release, values: JSON.parse(release.values[0]) as CalicoValues };
}

/** The tigera-operator release (beside it: the CRD release from v3.32). */
function operatorRelease(json: ReturnType<typeof synthConstruct>): HelmRelease {
  const releases = Object.values(resourcesOf<HelmRelease>(json, "helm_release"));
  return releases.filter((r) => r.chart === "tigera-operator")[0];
}

interface Expected {
  encapsulation?: string;
  bgp: "Enabled" | "Disabled";
  cni: "Calico" | "AmazonVPC";
  /** Pod MTU with the platform's default interface MTU. */
  mtu?: number;
  srcDstCheckOff: boolean;
}

const cases: [PodNetworkMode, "eks" | "onprem", Expected][] = [
  [
    "ipip",
    "eks",
    { encapsulation: "IPIP", bgp: "Enabled", cni: "Calico", mtu: 8981, srcDstCheckOff: false },
  ],
  [
    "ipip",
    "onprem",
    { encapsulation: "IPIP", bgp: "Enabled", cni: "Calico", mtu: 1480, srcDstCheckOff: false },
  ],
  [
    "ipip-cross-subnet",
    "eks",
    {
      encapsulation: "IPIPCrossSubnet",
      bgp: "Enabled",
      cni: "Calico",
      mtu: 8981,
      srcDstCheckOff: true,
    },
  ],
  [
    "ipip-cross-subnet",
    "onprem",
    {
      encapsulation: "IPIPCrossSubnet",
      bgp: "Enabled",
      cni: "Calico",
      mtu: 1480,
      srcDstCheckOff: false,
    },
  ],
  [
    "direct",
    "onprem",
    { encapsulation: "None", bgp: "Enabled", cni: "Calico", mtu: 1500, srcDstCheckOff: false },
  ],
  [
    "vxlan",
    "eks",
    { encapsulation: "VXLAN", bgp: "Disabled", cni: "Calico", mtu: 8951, srcDstCheckOff: false },
  ],
  [
    "vxlan",
    "onprem",
    { encapsulation: "VXLAN", bgp: "Disabled", cni: "Calico", mtu: 1450, srcDstCheckOff: false },
  ],
  [
    "vxlan-cross-subnet",
    "eks",
    {
      encapsulation: "VXLANCrossSubnet",
      bgp: "Disabled",
      cni: "Calico",
      mtu: 8951,
      srcDstCheckOff: true,
    },
  ],
  [
    "vxlan-cross-subnet",
    "onprem",
    {
      encapsulation: "VXLANCrossSubnet",
      bgp: "Disabled",
      cni: "Calico",
      mtu: 1450,
      srcDstCheckOff: false,
    },
  ],
  ["policy-only", "eks", { bgp: "Disabled", cni: "AmazonVPC", srcDstCheckOff: false }],
];

describe("Calico", () => {
  it("covers every mode", () => {
    expect(new Set(cases.map(([mode]) => mode))).toEqual(new Set(POD_NETWORK_MODES));
  });

  it.each(cases)("%s on %s", (mode, platform, expected) => {
    const { values } = render({
      mode,
      platform,
      vpcCidr: platform === "eks" ? base.vpcCidr : undefined,
    });
    const { installation } = values;
    expect(installation.cni.type).toBe(expected.cni);
    expect(installation.calicoNetwork.bgp).toBe(expected.bgp);
    expect(installation.calicoNetwork.linuxDataplane).toBe("Iptables");
    expect(installation.calicoNetwork.mtu).toBe(expected.mtu);
    if (platform === "eks") {
      expect(installation.kubernetesProvider).toBe("EKS");
    } else {
      expect(installation).not.toHaveProperty("kubernetesProvider");
    }
    if (expected.encapsulation) {
      expect(installation.calicoNetwork.ipPools).toEqual([
        {
          name: "default-ipv4-ippool",
          cidr: "10.244.0.0/16",
          encapsulation: expected.encapsulation,
          natOutgoing: "Enabled",
          blockSize: 26,
          nodeSelector: "all()",
        },
      ]);
    } else {
      expect(installation.calicoNetwork).not.toHaveProperty("ipPools");
    }
    if (expected.srcDstCheckOff) {
      expect(values.defaultFelixConfiguration).toEqual({
        enabled: true,
        awsSrcDstCheck: "Disable",
      });
    } else {
      expect(values).not.toHaveProperty("defaultFelixConfiguration");
    }
  });

  it("installs the pinned tigera-operator chart into its own namespace, created first", () => {
    const { release } = render({});
    expect(release).toMatchObject({
      name: "calico",
      repository: "https://docs.tigera.io/calico/charts",
      chart: "tigera-operator",
      version: VERSIONS.calico,
      namespace: "tigera-operator",
    });
    expect(release.create_namespace).toBeUndefined();
    // The namespace first, then the CRD release (v3.32) and the IP pool guard.
    expect(release.depends_on).toEqual([
      expect.stringMatching(/^kubernetes_namespace_v1\./),
      expect.stringMatching(/^helm_release\.calico_crds_/),
      expect.stringMatching(/^terraform_data\.calico_ip-pool_/),
    ]);
  });

  it("labels the namespace privileged, for the operator's host network and host path, and says so", () => {
    const json = synthConstruct(
      (scope) =>
        new Calico(scope, "calico", {
          ...base,
          namespaceSecurity: { podSecurityVersion: "v1.34" },
        }),
    );
    const { metadata } = onlyResource<NamespaceBody>(json, "kubernetes_namespace_v1");
    expect(metadata).toEqual({
      name: "tigera-operator",
      labels: {
        "pod-security.kubernetes.io/enforce": "privileged",
        "pod-security.kubernetes.io/enforce-version": "v1.34",
        "pod-security.kubernetes.io/audit": "privileged",
        "pod-security.kubernetes.io/audit-version": "latest",
        "pod-security.kubernetes.io/warn": "privileged",
        "pod-security.kubernetes.io/warn-version": "latest",
      },
      annotations: {
        "platform.io/pod-security-reason": expect.stringMatching(
          /host network.*\/var\/lib\/calico/,
        ),
      },
    });
    expect(resourcesOf(json, "kubernetes_network_policy_v1")).toEqual({});
  });

  it("adds only a default deny with networkPolicies: every pod of the chart is on the host network", () => {
    const json = synthConstruct(
      (scope) =>
        new Calico(scope, "calico", {
          ...base,
          namespaceSecurity: { networkPolicies: true, apiServerCidrs: ["10.0.0.0/16"] },
        }),
    );
    const policies = Object.values(resourcesOf<PolicyBody>(json, "kubernetes_network_policy_v1"));
    expect(policies.map((p) => p.metadata)).toEqual([
      { name: "default-deny", namespace: "tigera-operator" },
    ]);
    const operator = Object.values(resourcesOf<HelmRelease>(json, "helm_release")).find(
      (r) => r.chart === "tigera-operator",
    );
    expect(operator?.depends_on).toEqual([
      expect.stringMatching(/^kubernetes_namespace_v1\./),
      expect.stringMatching(/^kubernetes_network_policy_v1\./),
      expect.stringMatching(/^helm_release\.calico_crds_/),
      expect.stringMatching(/^terraform_data\.calico_ip-pool_/),
    ]);
  });

  it("rejects a Pod Security version that is not one", () => {
    expect(() =>
      synthConstruct(
        (scope) =>
          new Calico(scope, "calico", {
            ...base,
            namespaceSecurity: { podSecurityVersion: "1.34" },
          }),
      ),
    ).toThrow(
      /namespaceSecurity\.podSecurityVersion: must be a Kubernetes minor version such as v1\.34, or latest; got "1\.34"/,
    );
  });

  it.each(POD_NETWORK_MODES.filter((m) => m !== "direct"))(
    "%s: Helm waits for the operator only when the nodes are Ready without Calico",
    (mode) => {
      // As the CNI, no node is Ready before Calico runs: waiting for the operator's pod would
      // hold the release until its timeout on a fresh cluster with no nodes at all.
      const { release } = render({ mode });
      expect(release.wait).toBe(mode === "policy-only");
    },
  );

  it("waitForReady waits for tigerastatus/calico Available after the release and the nodes", () => {
    const json = synthConstruct((scope) => {
      const calico = new Calico(scope, "calico", base);
      calico.waitForReady({
        access: { kind: "kubeconfig", path: "~/.kube/config", context: "admin" },
        dependsOn: [new Calico(scope, "stand-in-for-nodes", base).release],
      });
    });
    // The wait (beside it in Calico CNI modes: the IP pool guard, another terraform_data).
    const wait = Object.values(resourcesOf<Record<string, unknown>>(json, "terraform_data")).find(
      (r) => (r.input as { resource?: string }).resource !== undefined,
    )!;
    // Proves the new state: the condition must report the Installation's current generation,
    // and the Installation the chart's Calico version.
    expect(wait.input).toEqual({
      resource: "tigerastatus/calico",
      condition: "Available",
      generation_of: "installation/default",
      field: `installation/default {.status.calicoVersion} = ${VERSIONS.calico}`,
    });
    expect(wait.depends_on).toEqual([
      expect.stringMatching(/^helm_release\.calico_operator_/),
      expect.stringMatching(/^helm_release\.stand-in-for-nodes_operator_/),
    ]);
    // An upgrade (new version or values) is waited for again.
    expect(wait.triggers_replace).toEqual({
      version: VERSIONS.calico,
      values: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it("teardownOnDestroy deletes the operator's resources on destroy, and the release skips its hooks", () => {
    const json = synthConstruct((scope) => {
      const calico = new Calico(scope, "calico", base);
      const nodes = new Calico(scope, "stand-in-for-nodes", base).release;
      calico.teardownOnDestroy({
        access: { kind: "kubeconfig", path: "~/.kube/config", context: "admin" },
        dependsOn: [nodes],
      });
      calico.waitForReady({
        access: { kind: "kubeconfig", path: "~/.kube/config", context: "admin" },
      });
    });
    const release = Object.entries(resourcesOf<HelmRelease>(json, "helm_release")).find(([id]) =>
      id.startsWith("calico_operator_"),
    )![1];
    expect(release.disable_webhooks).toBe(true);
    const steps = Object.entries(resourcesOf<Record<string, never>>(json, "terraform_data"));
    const [teardownId, teardown] = steps.find(([id]) => id.startsWith("calico_teardown_"))!;
    const [, wait] = steps.find(([id]) => id.startsWith("calico_ready_"))!;
    expect(teardown.depends_on).toEqual([
      expect.stringMatching(/^helm_release\.calico_operator_/),
      expect.stringMatching(/^helm_release\.stand-in-for-nodes_operator_/),
    ]);
    // Nothing may replace it: that would run the deletion on a live cluster.
    expect(teardown.triggers_replace).toBeUndefined();
    expect(teardown.input).toMatchObject({
      DELETE_OBJECTS:
        "whiskers.operator.tigera.io/default goldmanes.operator.tigera.io/default " +
        "installations.operator.tigera.io/default apiservers.operator.tigera.io/default",
      DELETE_WAIT_FOR: "installations.operator.tigera.io/default",
      ACCESS_KIND: "kubeconfig",
    });
    const [{ "local-exec": exec }] = teardown.provisioner as {
      "local-exec": { when: string; environment: Record<string, string> };
    }[];
    expect(exec.when).toBe("destroy");
    expect(exec.environment.KUBECONFIG_CONTEXT).toBe("${self.input.KUBECONFIG_CONTEXT}");
    // Everything that needs pod networking depends on the wait, which depends on the teardown.
    expect(wait.depends_on).toContain(`terraform_data.${teardownId}`);
  });

  it("without teardownOnDestroy, the release keeps the chart's pre-delete hook", () => {
    const { release } = render({ mode: "ipip" });
    expect(release.disable_webhooks).toBeUndefined();
  });

  it("applies pool options, interface MTU and the version", () => {
    const { release, values } = render({
      mode: "ipip",
      blockSize: 24,
      natOutgoing: false,
      interfaceMtu: 1500,
      version: "v3.31.7",
    });
    expect(release.version).toBe("v3.31.7");
    expect(values.installation.calicoNetwork.mtu).toBe(1480);
    expect(values.installation.calicoNetwork.ipPools?.[0]).toMatchObject({
      blockSize: 24,
      natOutgoing: "Disabled",
    });
  });

  it.each(POD_NETWORK_MODES.filter((mode) => mode !== "direct"))(
    "on EKS takes each node's address from its Kubernetes InternalIP (%s)",
    (mode) => {
      const { values } = render({ mode });
      expect(values.installation.calicoNetwork.nodeAddressAutodetectionV4).toEqual({
        kubernetes: "NodeInternalIP",
      });
    },
  );

  it("on-prem takes each node's address from the node segments", () => {
    const onprem = { mode: "direct" as const, platform: "onprem" as const, vpcCidr: undefined };
    expect(
      render({ ...onprem, nodeCidrs: ["192.168.10.0/24", "192.168.11.0/24"] }).values.installation
        .calicoNetwork.nodeAddressAutodetectionV4,
    ).toEqual({ cidrs: ["192.168.10.0/24", "192.168.11.0/24"] });
    // Without segments, the address the kubelet registered rather than the first NIC found.
    expect(render(onprem).values.installation.calicoNetwork.nodeAddressAutodetectionV4).toEqual({
      kubernetes: "NodeInternalIP",
    });
  });

  it("lets BGP be turned on in a VXLAN mode", () => {
    const { values } = render({ mode: "vxlan", bgp: true });
    expect(values.installation.calicoNetwork.bgp).toBe("Enabled");
  });

  it("deep-merges valuesOverride last", () => {
    const { values } = render({
      valuesOverride: {
        installation: { calicoNetwork: { linuxDataplane: "BPF" } },
        goldmane: { enabled: false },
      },
    });
    expect(values.installation.calicoNetwork).toMatchObject({
      linuxDataplane: "BPF",
      bgp: "Disabled",
    });
    expect(values.installation.cni.type).toBe("Calico");
    expect((values as unknown as Record<string, unknown>).goldmane).toEqual({ enabled: false });
  });

  it("ignores podCidr in policy-only mode", () => {
    expect(() => render({ mode: "policy-only", podCidr: undefined })).not.toThrow();
  });

  const bad: [string, Partial<CalicoProps>, string][] = [
    ["direct on EKS", { mode: "direct" }, 'use "ipip-cross-subnet" or "vxlan-cross-subnet"'],
    [
      "policy-only on-prem",
      { mode: "policy-only", platform: "onprem", vpcCidr: undefined },
      "relies on the AWS VPC CNI, which exists only on EKS",
    ],
    [
      "bgp off with IPIP",
      { mode: "ipip", bgp: false },
      'CalicoProps.bgp: cannot be false in mode "ipip"',
    ],
    [
      "bgp off with cross-subnet IPIP",
      { mode: "ipip-cross-subnet", bgp: false },
      'CalicoProps.bgp: cannot be false in mode "ipip-cross-subnet"',
    ],
    [
      "bgp off with direct",
      { mode: "direct", platform: "onprem", vpcCidr: undefined, bgp: false },
      'CalicoProps.bgp: cannot be false in mode "direct"',
    ],
    [
      "bgp on in policy-only",
      { mode: "policy-only", bgp: true },
      'CalicoProps.bgp: cannot be true in mode "policy-only"',
    ],
    [
      "pool overlapping the VPC",
      { podCidr: "10.10.128.0/17" },
      "CalicoProps.podCidr: 10.10.128.0/17 overlaps vpcCidr 10.10.0.0/16",
    ],
    [
      "pool overlapping the services",
      { podCidr: "172.20.0.0/20" },
      "overlaps serviceCidr 172.20.0.0/16",
    ],
    [
      "pool overlapping a node network",
      { platform: "onprem", vpcCidr: undefined, nodeCidrs: ["192.168.0.0/24", "10.244.7.0/24"] },
      "overlaps nodeCidrs[1] 10.244.7.0/24",
    ],
    [
      "block size above 32",
      { blockSize: 33 },
      "CalicoProps.blockSize: must be a whole number from 20 to 32; got 33",
    ],
    ["block size below 20", { blockSize: 18 }, "got 18"],
    [
      "blocks larger than the pool",
      { podCidr: "10.244.0.0/24", blockSize: 22 },
      "/22 is larger than the /24 podCidr; use a block size of at least 24",
    ],
    [
      "malformed pod CIDR",
      { podCidr: "10.244.0.1/16" },
      'CalicoProps.podCidr: must be an IPv4 CIDR with no host bits set, such as 10.244.0.0/16; got "10.244.0.1/16"',
    ],
    [
      "malformed service CIDR",
      { serviceCidr: "172.20.0.0" },
      "CalicoProps.serviceCidr: must be an IPv4 CIDR",
    ],
    [
      "missing pod CIDR",
      { podCidr: undefined },
      'CalicoProps.podCidr: is required in mode "vxlan"',
    ],
    [
      "MTU too small",
      { interfaceMtu: 576 },
      "CalicoProps.interfaceMtu: must be a whole number from 1280 to 9216; got 576",
    ],
  ];

  it.each(bad)("rejects %s", (_name, props, message) => {
    expect(() => render(props)).toThrow(message);
  });
});
