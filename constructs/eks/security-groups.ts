import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { NodePort, PodNetworkMode, podNetworkTraits } from "../shared/pod-network";
import { parseProps } from "../shared/validation/parse-props";
import { clusterSecurityGroupsPropsSchema } from "./props";

/** One ingress rule of the cluster or node security group, as data so tests can check it. */
export interface IngressRuleSpec {
  /** Construct ID of the rule resource; part of its Terraform address, so keep it stable. */
  readonly id: string;
  /** Which security group the rule belongs to. */
  readonly target: "cluster" | "node";
  /** Where traffic comes from: the node group itself, or the cluster (control plane) group. */
  readonly source: "cluster" | "node";
  readonly description: string;
  /** "tcp", "udp", "-1" (all) or an IP protocol number such as "4". */
  readonly ipProtocol: string;
  /** Omitted for protocols without ports (all traffic, IP-in-IP). */
  readonly fromPort?: number;
  readonly toPort?: number;
}

function tcp(
  id: string,
  target: IngressRuleSpec["target"],
  source: IngressRuleSpec["source"],
  description: string,
  fromPort: number,
  toPort = fromPort,
): IngressRuleSpec {
  return { id, target, source, description, ipProtocol: "tcp", fromPort, toPort };
}

/**
 * Ports the control plane calls on nodes for admission webhooks that run with `hostNetwork:
 * true`: with Calico as the CNI the control plane cannot reach overlay pod IPs, so webhooks
 * (Karpenter, MetalLB, ingress admission, metrics-server) listen on the node address instead.
 * 6443 is where Calico 3.32's host-network webhooks listen (the pinned 3.31 has none yet;
 * terraform-aws-eks opens it for prometheus-adapter too).
 */
const WEBHOOK_PORTS = [4443, 6443, 8443, 9443] as const;

/**
 * The Calico API server (projectcalico.org/v3), which the tigera-operator chart enables. With a
 * Calico CNI it runs on the host network; in policy-only mode it runs on a VPC CNI pod address,
 * which sits on a node ENI behind the node group. Either way the control plane calls it on 5443
 * through the node group; without the rule the aggregated API is unavailable and namespace
 * deletion hangs on it (projectcalico/calico#7555).
 */
const CALICO_API_SERVER_PORT = 5443;

/** Rules every cluster has, whatever the pod network. */
const BASELINE_RULES: readonly IngressRuleSpec[] = [
  tcp("cluster-from-node-https", "cluster", "node", "Nodes to the Kubernetes API", 443),
  tcp("node-from-cluster-https", "node", "cluster", "Control plane to node HTTPS", 443),
  tcp("node-from-cluster-kubelet", "node", "cluster", "Control plane to kubelet", 10250),
  ...WEBHOOK_PORTS.map((port) =>
    tcp(
      `node-from-cluster-webhook-${port}`,
      "node",
      "cluster",
      `Control plane to host-network webhooks on ${port}`,
      port,
    ),
  ),
  tcp(
    "node-from-cluster-calico-apiserver",
    "node",
    "cluster",
    "Control plane to the Calico API server",
    CALICO_API_SERVER_PORT,
  ),
  tcp("node-from-node-ephemeral", "node", "node", "Node to node ephemeral ports", 1025, 65535),
  tcp("node-from-node-dns-tcp", "node", "node", "Node to node DNS (TCP)", 53),
  {
    ...tcp("node-from-node-dns-udp", "node", "node", "Node to node DNS (UDP)", 53),
    ipProtocol: "udp",
  },
];

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

function modeRule(port: NodePort): IngressRuleSpec {
  // Construct IDs follow the port's description (node-calico-bgp, node-calico-vxlan, ...).
  const portless = port.protocol !== "tcp" && port.protocol !== "udp";
  return {
    id: `node-${slug(port.description)}`,
    target: "node",
    source: "node",
    description: port.description,
    ipProtocol: port.protocol,
    ...(portless ? {} : { fromPort: port.fromPort, toPort: port.toPort }),
  };
}

/**
 * Every ingress rule of the cluster and node security groups for a pod network mode, and for
 * the mode nodes are moving from (its node-to-node rules stay until the switch is done).
 */
export function securityGroupRules(
  mode: PodNetworkMode,
  migratingFrom?: PodNetworkMode,
): IngressRuleSpec[] {
  const rules = modeRules(mode);
  if (migratingFrom === undefined) return rules;
  const ids = new Set(rules.map((r) => r.id));
  return [...rules, ...modeRules(migratingFrom).filter((r) => !ids.has(r.id))];
}

/**
 * Whether node-to-node ingress rules admit what a pod network mode sends between nodes: its
 * encapsulation and control ports, and any traffic when pod packets travel unencapsulated.
 */
export function admitsPodNetwork(rules: readonly IngressRuleSpec[], mode: PodNetworkMode): boolean {
  const nodeToNode = rules.filter((r) => r.target === "node" && r.source === "node");
  const admits = (protocol: string, fromPort: number, toPort: number) =>
    nodeToNode.some(
      (r) =>
        r.ipProtocol === "-1" ||
        (r.ipProtocol === protocol &&
          (r.fromPort === undefined || (r.fromPort <= fromPort && toPort <= (r.toPort ?? 65535)))),
    );
  const traits = podNetworkTraits(mode);
  return (
    traits.nodePorts.every((p) => admits(p.protocol, p.fromPort, p.toPort)) &&
    (!traits.nativePodTraffic || nodeToNode.some((r) => r.ipProtocol === "-1"))
  );
}

function modeRules(mode: PodNetworkMode): IngressRuleSpec[] {
  const traits = podNetworkTraits(mode);
  const native: IngressRuleSpec[] = traits.nativePodTraffic
    ? [
        {
          id: "node-from-node-all",
          target: "node",
          source: "node",
          description: "Pod traffic between nodes without encapsulation",
          ipProtocol: "-1",
        },
      ]
    : [];
  return [...BASELINE_RULES, ...traits.nodePorts.map(modeRule), ...native];
}

export interface ClusterSecurityGroupsProps {
  readonly clusterName: string;
  readonly vpcId: string;
  readonly podNetworkMode: PodNetworkMode;
  /**
   * The mode nodes still run while they switch to `podNetworkMode`: its node-to-node rules stay
   * open as well. Set it for the change that switches modes; remove it in a later one.
   * @default no other mode
   */
  readonly podNetworkMigratingFrom?: PodNetworkMode;
}

/**
 * The additional cluster security group (on the control plane ENIs) and the node security
 * group, with each rule a separate resource so adding one never rewrites the others. Only the
 * node group carries the Karpenter discovery tag: several tagged groups on one node break load
 * balancer controllers.
 *
 * Both groups are named by prefix and created before the old one is destroyed, as
 * terraform-aws-eks does: a group that a change replaces (its description, say) is still attached
 * to the control plane ENIs and to nodes, so destroying it first fails with DependencyViolation,
 * and a fixed name would make the new group collide with the old one. The cluster takes the new
 * group in place (`vpc_config.security_group_ids` is updatable since provider 5.25), the launch
 * template in a new version that the node group rolls out.
 */
export class ClusterSecurityGroups extends Construct {
  public readonly clusterSecurityGroup: SecurityGroup;
  public readonly nodeSecurityGroup: SecurityGroup;
  public readonly rules: readonly IngressRuleSpec[];

  constructor(scope: Construct, id: string, props: ClusterSecurityGroupsProps) {
    super(scope, id);
    const p = parseProps(
      clusterSecurityGroupsPropsSchema,
      props,
      "ClusterSecurityGroupsProps",
      this,
    );
    const groups = {
      cluster: new SecurityGroup(this, "cluster", {
        namePrefix: `${p.clusterName}-cluster-`,
        description: `EKS control plane of ${p.clusterName}`,
        vpcId: p.vpcId,
        tags: { Name: `${p.clusterName}-cluster` },
        lifecycle: { createBeforeDestroy: true },
      }),
      node: new SecurityGroup(this, "node", {
        namePrefix: `${p.clusterName}-node-`,
        description: `EKS nodes of ${p.clusterName}`,
        vpcId: p.vpcId,
        tags: {
          Name: `${p.clusterName}-node`,
          "karpenter.sh/discovery": p.clusterName,
        },
        lifecycle: { createBeforeDestroy: true },
      }),
    };
    this.clusterSecurityGroup = groups.cluster;
    this.nodeSecurityGroup = groups.node;

    for (const [name, group] of Object.entries(groups)) {
      new VpcSecurityGroupEgressRule(this, `${name}-egress-all`, {
        securityGroupId: group.id,
        description: "All outbound traffic",
        ipProtocol: "-1",
        cidrIpv4: "0.0.0.0/0",
      });
    }

    this.rules = securityGroupRules(p.podNetworkMode, p.podNetworkMigratingFrom);
    for (const rule of this.rules) {
      new VpcSecurityGroupIngressRule(this, rule.id, {
        securityGroupId: groups[rule.target].id,
        referencedSecurityGroupId: groups[rule.source].id,
        description: rule.description,
        ipProtocol: rule.ipProtocol,
        fromPort: rule.fromPort,
        toPort: rule.toPort,
      });
    }
  }
}
