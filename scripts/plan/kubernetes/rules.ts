/**
 * What a deleted or changed Kubernetes object does to the cluster, by kind: the consequences a
 * reviewer of a `helm_release` update cannot read off its values. Facts from the upstream
 * projects: Karpenter drifts nodes whose NodePool template or EC2NodeClass changed and replaces
 * them; deleting a CRD deletes every object of its kind; MetalLB withdraws addresses no pool
 * holds; the tigera-operator rolls calico-node when the Installation changes.
 */
import { formatIpv4, parseAddressRange, type Ipv4Range } from "../../../constructs/shared/cidr";
import { code } from "../escape";
import type { KubeObject } from "./objects";
import { formatTreePath, type TreeChange } from "./tree";
import { isRecord } from "../../lib/is-record";

export type EffectSeverity = "destructive" | "disruptive" | "change";

export interface Verdict {
  readonly severity: EffectSeverity;
  /** Markdown: plain words, with anything read from the plan in code spans. */
  readonly consequence: string;
  /** The change that causes it, when one does. */
  readonly cause?: TreeChange;
}

interface KindRule {
  /** What deleting the object does. */
  readonly deleted?: (object: KubeObject) => string;
  /** What changing it does; undefined when nothing beyond the change itself. */
  readonly changed?: (changes: readonly TreeChange[]) => Verdict | undefined;
}

const pathOf = (change: TreeChange) => formatTreePath(change.path);
const under = (prefix: string) => (change: TreeChange) => {
  const path = pathOf(change);
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
};

/** Calico's encapsulation families: switching between them changes the ports nodes must admit. */
const ENCAPSULATION_FAMILY: Readonly<Record<string, string>> = {
  IPIP: "IPIP",
  IPIPCrossSubnet: "IPIP",
  VXLAN: "VXLAN",
  VXLANCrossSubnet: "VXLAN",
  None: "no encapsulation",
};

function installationChanged(changes: readonly TreeChange[]): Verdict {
  const encapsulation = changes.find((c) => /\.ipPools\[[^\]]*\]\.encapsulation$/.test(pathOf(c)));
  const familyOf = (value: unknown) =>
    typeof value === "string" ? (ENCAPSULATION_FAMILY[value] ?? value) : undefined;
  if (encapsulation && familyOf(encapsulation.before) !== familyOf(encapsulation.after)) {
    return {
      severity: "disruptive",
      cause: encapsulation,
      consequence:
        `switches the encapsulation family (${familyOf(encapsulation.before) ?? "none"} → ` +
        `${familyOf(encapsulation.after) ?? "none"}): pod traffic between nodes is cut until every ` +
        "calico-node runs the new mode and the node security group admits its ports",
    };
  }
  const pool = changes.find((c) => /\.ipPools\[[^\]]*\]$/.test(pathOf(c)) && c.after === undefined);
  if (pool) {
    return {
      severity: "destructive",
      cause: pool,
      consequence: "removes an IP pool: pods holding its addresses lose their routes",
    };
  }
  return {
    severity: "disruptive",
    cause: encapsulation ?? changes[0],
    consequence: "the tigera-operator rolls calico-node on every node",
  };
}

/** The IPv4 ranges of a MetalLB pool; undefined when an entry is not IPv4. */
function ipv4Ranges(addresses: readonly string[]): Ipv4Range[] | undefined {
  const ranges = addresses.map(parseAddressRange);
  return ranges.every((r): r is Ipv4Range => r !== undefined) ? ranges : undefined;
}

/** The parts of `range` that none of `others` covers. */
function uncovered(range: Ipv4Range, others: readonly Ipv4Range[]): Ipv4Range[] {
  const gaps: Ipv4Range[] = [];
  let next = range.first;
  for (const r of [...others].sort((a, b) => a.first - b.first)) {
    if (r.last < next || r.first > range.last) continue;
    if (r.first > next) gaps.push({ first: next, last: r.first - 1 });
    next = Math.max(next, r.last + 1);
  }
  if (next <= range.last) gaps.push({ first: next, last: range.last });
  return gaps;
}

const rangeText = (r: Ipv4Range) =>
  r.first === r.last ? formatIpv4(r.first) : `${formatIpv4(r.first)}-${formatIpv4(r.last)}`;

/** The addresses `before` holds and `after` does not, as ranges (entries, when not all IPv4). */
function removedAddresses(before: unknown, after: unknown): string[] {
  const was = Array.isArray(before) ? before.map(String) : [];
  const is = Array.isArray(after) ? after.map(String) : [];
  const [wasRanges, isRanges] = [ipv4Ranges(was), ipv4Ranges(is)];
  if (wasRanges && isRanges) return wasRanges.flatMap((r) => uncovered(r, isRanges)).map(rangeText);
  return was.filter((entry) => !is.includes(entry));
}

const spec = (object: KubeObject) => (isRecord(object.body.spec) ? object.body.spec : {});

const RULES: Readonly<Record<string, KindRule>> = {
  "apiextensions.k8s.io/CustomResourceDefinition": {
    deleted: (crd) => {
      const names = isRecord(spec(crd).names) ? (spec(crd).names as Record<string, unknown>) : {};
      const kind = typeof names.kind === "string" ? names.kind : crd.name;
      return `deletes every ${code(kind, 100)} object in the cluster, in every namespace`;
    },
  },
  "karpenter.sh/NodePool": {
    deleted: () => "Karpenter drains and terminates every node of this NodePool",
    changed: (changes) => {
      const template = changes.find(under("spec.template"));
      return template
        ? {
            severity: "disruptive",
            cause: template,
            consequence:
              "drifts this NodePool's nodes: Karpenter replaces them (as its disruption budgets allow)",
          }
        : undefined;
    },
  },
  "karpenter.k8s.aws/EC2NodeClass": {
    deleted: () =>
      "Karpenter terminates every node launched from it; NodePools using it launch no more nodes",
    changed: (changes) => {
      const ami = changes.find(
        (c) => under("spec.amiSelectorTerms")(c) || under("spec.amiFamily")(c),
      );
      const specChange = ami ?? changes.find(under("spec"));
      if (!specChange) return undefined;
      return {
        severity: "disruptive",
        cause: specChange,
        consequence: `${ami ? "a new AMI: " : ""}drifts every node launched from it: Karpenter replaces all of them`,
      };
    },
  },
  "metallb.io/IPAddressPool": {
    deleted: () =>
      "MetalLB withdraws its addresses: LoadBalancer Services holding them lose their external IP",
    changed: (changes) => {
      const addresses = changes.find((c) => pathOf(c) === "spec.addresses");
      if (!addresses) return undefined;
      const lost = removedAddresses(addresses.before, addresses.after);
      if (lost.length === 0) return undefined;
      return {
        severity: "disruptive",
        cause: addresses,
        consequence: `shrinks the pool (${lost.map((a) => code(a, 100)).join(", ")} no longer in it): Services holding those addresses lose them`,
      };
    },
  },
  "metallb.io/L2Advertisement": {
    deleted: () =>
      "MetalLB stops announcing the pools it covered: their Services become unreachable",
  },
  "metallb.io/BGPAdvertisement": {
    deleted: () =>
      "MetalLB stops announcing the pools it covered: their Services become unreachable",
  },
  "metallb.io/BGPPeer": {
    deleted: () => "MetalLB closes the BGP session: routes to its Services through this peer go",
  },
  "operator.tigera.io/Installation": {
    deleted: () => "the tigera-operator removes Calico from every node: the pod network stops",
    changed: (changes) => installationChanged(changes),
  },
  "crd.projectcalico.org/IPPool": {
    deleted: () => "removes a Calico IP pool: pods holding its addresses lose their routes",
  },
  "projectcalico.org/IPPool": {
    deleted: () => "removes a Calico IP pool: pods holding its addresses lose their routes",
  },
  "crd.projectcalico.org/BGPPeer": {
    deleted: () => "Calico closes the BGP session: routes learned and announced through it go",
  },
  "projectcalico.org/BGPPeer": {
    deleted: () => "Calico closes the BGP session: routes learned and announced through it go",
  },
  "crd.projectcalico.org/BGPConfiguration": {
    deleted: () =>
      "Calico's BGP settings return to defaults: the node-to-node mesh and ASN may change",
    changed: (changes) => ({
      severity: "disruptive",
      cause: changes[0],
      consequence: "Calico re-establishes its BGP sessions",
    }),
  },
  "/Namespace": { deleted: () => "deletes everything in the namespace" },
  "/PersistentVolumeClaim": { deleted: () => "deletes the claim (and its volume, by default)" },
};

const ROLLING = new Set(["apps/Deployment", "apps/DaemonSet", "apps/StatefulSet"]);

/** Fields the API server refuses to change on an existing object, by kind. */
const IMMUTABLE: Readonly<Record<string, readonly string[]>> = {
  "apps/Deployment": ["spec.selector"],
  "apps/DaemonSet": ["spec.selector"],
  "apps/ReplicaSet": ["spec.selector"],
  "apps/StatefulSet": [
    "spec.selector",
    "spec.serviceName",
    "spec.volumeClaimTemplates",
    "spec.podManagementPolicy",
  ],
  "batch/Job": ["spec.selector", "spec.template"],
  "/Service": ["spec.clusterIP", "spec.clusterIPs"],
  "/PersistentVolumeClaim": ["spec.storageClassName", "spec.accessModes", "spec.volumeName"],
  "storage.k8s.io/StorageClass": [
    "provisioner",
    "parameters",
    "reclaimPolicy",
    "volumeBindingMode",
  ],
  "rbac.authorization.k8s.io/RoleBinding": ["roleRef"],
  "rbac.authorization.k8s.io/ClusterRoleBinding": ["roleRef"],
};

/** Helm keeps an object annotated `helm.sh/resource-policy: keep` when a release drops it. */
export function isKept(object: KubeObject): boolean {
  const metadata = object.body.metadata;
  const annotations =
    isRecord(metadata) && isRecord(metadata.annotations) ? metadata.annotations : {};
  return annotations["helm.sh/resource-policy"] === "keep";
}

export function deletedVerdict(object: KubeObject): Verdict {
  if (isKept(object)) {
    return {
      severity: "change",
      consequence: "Helm leaves it in place (helm.sh/resource-policy: keep), no longer managed",
    };
  }
  const rule = RULES[`${object.group}/${object.kind}`];
  return { severity: "destructive", consequence: rule?.deleted?.(object) ?? "Helm deletes it" };
}

export function changedVerdict(changes: readonly TreeChange[], before: KubeObject): Verdict {
  const key = `${before.group}/${before.kind}`;
  const immutable = changes.find((c) => (IMMUTABLE[key] ?? []).some((field) => under(field)(c)));
  if (immutable) {
    return {
      severity: "disruptive",
      cause: immutable,
      consequence:
        "changes a field Kubernetes does not let change: Helm's upgrade of the release fails " +
        "(and, atomic, rolls back) unless the object is deleted first, which stops what it runs",
    };
  }
  const verdict = RULES[key]?.changed?.(changes);
  if (verdict) return verdict;
  const template = ROLLING.has(key) ? changes.find(under("spec.template")) : undefined;
  return template
    ? { severity: "change", cause: template, consequence: "rolls its pods" }
    : { severity: "change", cause: changes[0], consequence: "changed" };
}
