import {
  DEFAULT_INTERFACE_MTU,
  podMtu,
  type CalicoEncapsulation,
} from "../../../constructs/shared/pod-network";
import type { Environment } from "../../../stacks/environment/schema";
import { always, deploy, fail, pass, warn, type DoctorCheck, type DoctorContext } from "../check";
import type { IpPool } from "../resources";

/** How an IPPool spells each encapsulation (an absent mode means Never). */
const POOL_MODES: Record<CalicoEncapsulation, { ipipMode: string; vxlanMode: string }> = {
  IPIP: { ipipMode: "Always", vxlanMode: "Never" },
  IPIPCrossSubnet: { ipipMode: "CrossSubnet", vxlanMode: "Never" },
  VXLAN: { ipipMode: "Never", vxlanMode: "Always" },
  VXLANCrossSubnet: { ipipMode: "Never", vxlanMode: "CrossSubnet" },
  None: { ipipMode: "Never", vxlanMode: "Never" },
};

function poolEncapsulation(pool: IpPool): CalicoEncapsulation {
  const ipip = pool.spec.ipipMode ?? "Never";
  const vxlan = pool.spec.vxlanMode ?? "Never";
  const found = (Object.keys(POOL_MODES) as CalicoEncapsulation[]).find(
    (e) => POOL_MODES[e].ipipMode === ipip && POOL_MODES[e].vxlanMode === vxlan,
  );
  return found ?? "None";
}

const calicoCniOnly = ({ traits }: DoctorContext) => traits.cni === "calico";

function interfaceMtu(env: Environment): number {
  return env.podNetwork.interfaceMtu ?? DEFAULT_INTERFACE_MTU[env.platform];
}

export const calicoCni: DoctorCheck = {
  id: "calico.cni",
  description: "The Installation exists and names the CNI the pod network mode uses.",
  appliesTo: always,
  run: ({ env, traits, cluster }) => {
    const installation = cluster.installation;
    if (!installation) {
      return [
        fail(
          "Installation default (operator.tigera.io/v1) not found: Calico is not configured",
          `${deploy(env, "platform")} renders it from the environment`,
        ),
      ];
    }
    const expected = traits.cni === "calico" ? "Calico" : "AmazonVPC";
    // The operator's default is AmazonVPC on EKS and Calico elsewhere.
    const actual =
      installation.spec?.cni?.type ?? (env.platform === "eks" ? "AmazonVPC" : "Calico");
    if (actual === expected) return [pass(`Installation default: CNI ${actual}`)];
    return [
      fail(
        `Installation default runs CNI ${actual}, but mode ${env.podNetwork.mode} needs ${expected}`,
        `${deploy(env, "platform")} sets cni.type ${expected}; nodes that already have pods keep ` +
          "the old CNI's interfaces, so replace them (drain, then terminate) afterwards",
      ),
    ];
  },
};

export const calicoIpPool: DoctorCheck = {
  id: "calico.ip-pool",
  description:
    "An enabled IP pool has the environment's pod CIDR, encapsulation, block size and natOutgoing.",
  appliesTo: calicoCniOnly,
  run: ({ env, traits, cluster }) => {
    const { podCidr, blockSize, natOutgoing } = env.podNetwork;
    const pools = cluster.ipPools;
    if (pools === undefined) {
      return [
        fail(
          "IPPool (crd.projectcalico.org/v1) is not installed",
          `${deploy(env, "platform")} installs Calico with its CRDs`,
        ),
      ];
    }
    const pool = pools.find((p) => p.spec.cidr === podCidr && !p.spec.disabled);
    if (!pool) {
      const present = pools.map((p) => `${p.metadata.name} ${p.spec.cidr}`).join(", ") || "none";
      return [
        fail(
          `no enabled IP pool for podNetwork.podCidr ${podCidr} (pools: ${present})`,
          `${deploy(env, "platform")} creates it; a pool's CIDR cannot change in place, so pods ` +
            "on another pool keep their addresses until recreated (Calico: migrate from one IP pool to another)",
        ),
      ];
    }
    const name = pool.metadata.name;
    const expected = traits.encapsulation as CalicoEncapsulation;
    const actual = poolEncapsulation(pool);
    const actualBlock = pool.spec.blockSize ?? 26;
    const actualNat = pool.spec.natOutgoing ?? false;
    const outcomes = [];
    if (actual !== expected) {
      outcomes.push(
        fail(
          `pool ${name} encapsulates ${actual}, but mode ${env.podNetwork.mode} is ${expected}`,
          `kubectl patch ippool ${name} --type merge -p '${JSON.stringify({ spec: POOL_MODES[expected] })}' ` +
            `(Felix switches live), then ${deploy(env, "platform")} so the Installation agrees`,
        ),
      );
    }
    if (actualBlock !== blockSize) {
      outcomes.push(
        fail(
          `pool ${name} hands out /${actualBlock} blocks, the environment says /${blockSize}`,
          "a pool's block size is fixed at creation: add a pool with the new blockSize, disable " +
            `this one (kubectl patch ippool ${name} --type merge -p '{"spec":{"disabled":true}}'), ` +
            "then recreate the pods",
        ),
      );
    }
    if (actualNat !== natOutgoing) {
      outcomes.push(
        fail(
          `pool ${name} has natOutgoing ${actualNat}, the environment says ${natOutgoing}`,
          `kubectl patch ippool ${name} --type merge -p '{"spec":{"natOutgoing":${natOutgoing}}}'`,
        ),
      );
    }
    if (outcomes.length > 0) return outcomes;
    return [
      pass(
        `pool ${name} ${podCidr}: encapsulation ${actual}, /${blockSize} blocks, natOutgoing ${natOutgoing ? "on" : "off"}`,
      ),
    ];
  },
};

export const calicoBgp: DoctorCheck = {
  id: "calico.bgp",
  description: "BGP is on exactly when the mode distributes routes with it.",
  appliesTo: always,
  run: ({ env, traits, cluster }) => {
    const spec = cluster.installation?.spec?.calicoNetwork;
    if (!cluster.installation) return []; // calico.cni reports the missing Installation.
    const expected = traits.bgp ? "Enabled" : "Disabled";
    const actual = spec?.bgp ?? (traits.cni === "calico" ? "Enabled" : "Disabled");
    if (actual === expected)
      return [pass(`BGP ${actual.toLowerCase()}, as ${env.podNetwork.mode} needs`)];
    return [
      fail(
        `BGP is ${actual.toLowerCase()}, but mode ${env.podNetwork.mode} ` +
          (traits.bgp ? "distributes pod routes over BGP" : "runs without BGP"),
        `${deploy(env, "platform")} sets calicoNetwork.bgp ${expected}`,
      ),
    ];
  },
};

export const calicoMtu: DoctorCheck = {
  id: "calico.mtu",
  description:
    "Pods use the MTU the pod network table computes: interface MTU minus the encapsulation overhead.",
  appliesTo: calicoCniOnly,
  run: ({ env, traits, cluster }) => {
    const installation = cluster.installation;
    if (!installation) return []; // calico.cni reports the missing Installation.
    const nodeMtu = interfaceMtu(env);
    const expected = podMtu(env.podNetwork.mode, nodeMtu);
    const formula =
      traits.mtuOverhead === 0
        ? `${nodeMtu} (no encapsulation)`
        : `${nodeMtu} − ${traits.mtuOverhead} (${traits.encapsulation})`;
    const actual = installation.status?.mtu ?? installation.spec?.calicoNetwork?.mtu;
    if (actual === undefined) {
      return [warn("the Installation reports no MTU yet", "wait for the operator to reconcile")];
    }
    if (actual === expected) return [pass(`pods use MTU ${actual} = ${formula}`)];
    const fix =
      `${deploy(env, "platform")} sets calicoNetwork.mtu ${expected}; running pods keep the MTU ` +
      "they started with, so restart them (kubectl rollout restart) afterwards";
    if (actual > expected) {
      return [
        fail(
          `pods use MTU ${actual}, above the ${expected} that fits (${formula}): encapsulated ` +
            "packets exceed the node MTU and large transfers between nodes stall",
          fix,
        ),
      ];
    }
    return [
      warn(
        `pods use MTU ${actual}, below the ${expected} that fits (${formula}): works, but every ` +
          "packet carries less data",
        fix,
      ),
    ];
  },
};
