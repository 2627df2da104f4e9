import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";

/**
 * NetworkPolicies for the platform components: what each one must be reached by and reach,
 * written as peers and ports, and a default deny for a namespace the platform owns. Host-network
 * pods are not subject to NetworkPolicy, so only what runs on the pod network is listed.
 */

/** Who is on the other end: an address block, or pods chosen by namespace and labels. */
export interface Peer {
  readonly ipBlock?: { readonly cidr: string };
  readonly namespaceSelector?: { readonly matchLabels?: Readonly<Record<string, string>> };
  readonly podSelector?: { readonly matchLabels?: Readonly<Record<string, string>> };
}

export interface PortSpec {
  readonly port: number;
  /** @default "TCP" */
  readonly protocol?: "TCP" | "UDP";
}

/** One allow: any of `peers` (any peer when empty) on any of `ports`. */
export interface TrafficRule {
  readonly peers: readonly Peer[];
  readonly ports: readonly PortSpec[];
}

/** The NetworkPolicy of one component: the pods it selects and what they may send and receive. */
export interface ComponentPolicy {
  /** Object name, unique in the namespace. */
  readonly name: string;
  /** Labels of the component's pods; empty selects every pod of the namespace. */
  readonly podLabels: Readonly<Record<string, string>>;
  readonly ingress: readonly TrafficRule[];
  readonly egress: readonly TrafficRule[];
}

/** Anyone: clients through a load balancer, AWS APIs, the API server's callers. */
export const ANYWHERE: Peer = { ipBlock: { cidr: "0.0.0.0/0" } };
/** Every pod on the pod network, in every namespace (Prometheus, backends). */
export const CLUSTER_PODS: Peer = { namespaceSelector: {} };
/** CoreDNS, which EKS and kubeadm both label k8s-app=kube-dns in kube-system. */
export const CLUSTER_DNS: Peer = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
  podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
};

/** Names resolved through the cluster DNS (pods with dnsPolicy ClusterFirst). */
export const DNS_EGRESS: TrafficRule = {
  peers: [CLUSTER_DNS],
  ports: [
    { port: 53, protocol: "UDP" },
    { port: 53, protocol: "TCP" },
  ],
};

/**
 * The API server, as pods reach it through the `kubernetes` Service: after the Service's address
 * is translated, the endpoints are the control plane's (EKS: 443 on its ENIs in the VPC;
 * kubeadm: 6443 on the control-plane nodes).
 */
export function apiServerEgress(cidrs: readonly string[]): TrafficRule {
  return {
    peers: cidrs.map((cidr) => ({ ipBlock: { cidr } })),
    ports: [{ port: 443 }, { port: 6443 }],
  };
}

function ruleConfig(rule: TrafficRule) {
  return {
    peers: rule.peers.map((peer) => ({
      ...(peer.ipBlock ? { ipBlock: { cidr: peer.ipBlock.cidr } } : {}),
      ...(peer.namespaceSelector
        ? { namespaceSelector: { matchLabels: { ...peer.namespaceSelector.matchLabels } } }
        : {}),
      ...(peer.podSelector
        ? { podSelector: { matchLabels: { ...peer.podSelector.matchLabels } } }
        : {}),
    })),
    ports: rule.ports.map((p) => ({ port: String(p.port), protocol: p.protocol ?? "TCP" })),
  };
}

/** One component's policy as a `kubernetes_network_policy_v1`, isolating its pods both ways. */
export function componentNetworkPolicy(
  scope: Construct,
  id: string,
  namespace: string,
  policy: ComponentPolicy,
  dependsOn?: ITerraformDependable[],
): NetworkPolicyV1 {
  return new NetworkPolicyV1(scope, id, {
    dependsOn,
    metadata: { name: policy.name, namespace },
    spec: {
      podSelector: { matchLabels: { ...policy.podLabels } },
      policyTypes: ["Ingress", "Egress"],
      ingress: policy.ingress.map((rule) => {
        const { peers, ports } = ruleConfig(rule);
        return { from: peers, ports };
      }),
      egress: policy.egress.map((rule) => {
        const { peers, ports } = ruleConfig(rule);
        return { to: peers, ports };
      }),
    },
  });
}

export interface NamespacePoliciesProps {
  readonly namespace: string;
  readonly components: readonly ComponentPolicy[];
  /** Where the API server's endpoints are (see `apiServerEgress`). */
  readonly apiServerCidrs: readonly string[];
  /** The namespace resource, so the policies are created in it. */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The NetworkPolicies of a namespace the platform owns: one per component, and `default-deny`
 * for every pod of the namespace, which lets nothing in and only DNS and the API server out (what
 * every controller and Helm hook job needs; policies add up, so each component's own allows come
 * on top). The default deny depends on the allows, so Terraform creates it after them and
 * destroys it before them: no component is isolated without its allows, also mid-destroy.
 * Returns every policy; releases depend on them, so their pods start with the policies in place.
 */
export function namespaceNetworkPolicies(
  scope: Construct,
  props: NamespacePoliciesProps,
): NetworkPolicyV1[] {
  const allows = props.components.map((component) =>
    componentNetworkPolicy(
      scope,
      `network-policy-${component.name}`,
      props.namespace,
      component,
      props.dependsOn,
    ),
  );
  const deny = componentNetworkPolicy(
    scope,
    "network-policy-default-deny",
    props.namespace,
    {
      name: "default-deny",
      podLabels: {},
      ingress: [],
      egress: [DNS_EGRESS, apiServerEgress(props.apiServerCidrs)],
    },
    [...(props.dependsOn ?? []), ...allows],
  );
  return [...allows, deny];
}
