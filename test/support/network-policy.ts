/**
 * An offline model of how Kubernetes NetworkPolicy decides a connection, evaluated over the
 * synthesized `kubernetes_network_policy_v1` resources (what a NetworkPolicy engine such as
 * Calico enforces at run time, which a plan cannot show). It follows the API's documented
 * semantics: a pod is isolated for a direction once a policy selecting it lists that policy type;
 * policies add up; a connection needs the source's egress and the destination's ingress; pods on
 * the host network are not subject to policy. Traffic from a pod's own node (kubelet probes) is
 * always allowed; traffic from a pod to its node is not taken as allowed, because Calico applies
 * the pod's egress policy to it. Ports are numeric; named ports are not modelled.
 */
import { contains, parseCidr, parseIpv4 } from "../../constructs/shared/cidr";

export type Labels = Readonly<Record<string, string>>;

/** A pod, as policy sees it. */
export interface Pod {
  readonly kind: "pod";
  readonly namespace: string;
  readonly labels: Labels;
  readonly ip: string;
  readonly node: string;
  /** Host-network pods take the node's address and are not subject to NetworkPolicy. */
  readonly hostNetwork?: boolean;
}

/** An address outside the pod network: a node, the API server, an AWS endpoint, a client. */
export interface External {
  readonly kind: "external";
  readonly ip: string;
  /** The node this address belongs to, when it is one. */
  readonly node?: string;
}

export type Endpoint = Pod | External;

export interface Connection {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  /** @default "TCP" */
  readonly protocol?: "TCP" | "UDP";
}

interface Selector {
  match_labels?: Record<string, string>;
  match_expressions?: { key: string; operator: string; values?: string[] }[];
}

interface Peer {
  ip_block?: { cidr: string; except?: string[] } | { cidr: string; except?: string[] }[];
  namespace_selector?: Selector | Selector[];
  pod_selector?: Selector | Selector[];
}

interface PolicyRule {
  from?: Peer[];
  to?: Peer[];
  ports?: { port?: string | number; protocol?: string; end_port?: number }[];
}

/** A `kubernetes_network_policy_v1` resource body, as cdktf synthesizes it. */
export interface NetworkPolicyBody {
  metadata: { name?: string; namespace?: string } | { name?: string; namespace?: string }[];
  spec: SpecBody | SpecBody[];
}

interface SpecBody {
  pod_selector: Selector | Selector[];
  policy_types: string[];
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
}

/** cdktf writes single nested blocks as objects or one-element lists. */
function one<T>(value: T | T[] | undefined): T | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function selects(selector: Selector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  const matchLabels = Object.entries(selector.match_labels ?? {}).every(
    ([key, value]) => labels[key] === value,
  );
  const matchExpressions = (selector.match_expressions ?? []).every(
    ({ key, operator, values = [] }) => {
      switch (operator) {
        case "In":
          return key in labels && values.includes(labels[key]);
        case "NotIn":
          return !(key in labels) || !values.includes(labels[key]);
        case "Exists":
          return key in labels;
        case "DoesNotExist":
          return !(key in labels);
        default:
          throw new Error(`selector operator ${operator} is not modelled`);
      }
    },
  );
  return matchLabels && matchExpressions;
}

function inBlock(ip: string, block: { cidr: string; except?: string[] }): boolean {
  const address = parseIpv4(ip);
  if (address === undefined) throw new Error(`cannot read address ${ip}`);
  const inside = (cidr: string) => {
    const range = parseCidr(cidr);
    if (!range) throw new Error(`cannot read CIDR ${cidr}`);
    return contains(range, { first: address, last: address });
  };
  return inside(block.cidr) && !(block.except ?? []).some(inside);
}

export class NetworkPolicyModel {
  private readonly policies: { namespace: string; spec: SpecBody }[];

  constructor(bodies: readonly NetworkPolicyBody[]) {
    this.policies = bodies.map((body) => {
      const namespace = one(body.metadata)?.namespace;
      const spec = one(body.spec);
      if (!namespace || !spec) throw new Error("a NetworkPolicy needs a namespace and a spec");
      return { namespace, spec };
    });
  }

  /** Whether NetworkPolicy lets the connection through. */
  allows(connection: Connection): boolean {
    const { from, to } = connection;
    return this.side(from, to, connection, "Egress") && this.side(to, from, connection, "Ingress");
  }

  private side(
    self: Endpoint,
    peer: Endpoint,
    connection: Connection,
    type: "Ingress" | "Egress",
  ): boolean {
    if (self.kind !== "pod" || self.hostNetwork) return true;
    const peerNode = peer.kind === "pod" ? (peer.hostNetwork ? peer.node : undefined) : peer.node;
    if (type === "Ingress" && peerNode === self.node) return true;
    const applying = this.policies.filter(
      (p) =>
        p.namespace === self.namespace &&
        p.spec.policy_types.includes(type) &&
        selects(one(p.spec.pod_selector), self.labels),
    );
    if (applying.length === 0) return true;
    const rules = applying.flatMap(
      (p) => (type === "Ingress" ? p.spec.ingress : p.spec.egress) ?? [],
    );
    return rules.some(
      (rule) =>
        this.portMatches(rule, connection) &&
        this.peerMatches(type === "Ingress" ? rule.from : rule.to, peer, self.namespace),
    );
  }

  private portMatches(rule: PolicyRule, connection: Connection): boolean {
    if (!rule.ports || rule.ports.length === 0) return true;
    const protocol = connection.protocol ?? "TCP";
    return rule.ports.some((p) => {
      if ((p.protocol ?? "TCP") !== protocol) return false;
      if (p.port === undefined) return true;
      const port = Number(p.port);
      if (Number.isNaN(port)) throw new Error(`named port ${String(p.port)} is not modelled`);
      return connection.port >= port && connection.port <= (p.end_port ?? port);
    });
  }

  private peerMatches(peers: Peer[] | undefined, peer: Endpoint, namespace: string): boolean {
    if (!peers || peers.length === 0) return true;
    return peers.some((p) => {
      const block = one(p.ip_block);
      if (block) return inBlock(peer.ip, block);
      // Selectors name pods of the pod network; host-network pods are not selected by them.
      if (peer.kind !== "pod" || peer.hostNetwork) return false;
      const namespaceSelector = one(p.namespace_selector);
      const inNamespace = namespaceSelector
        ? selects(namespaceSelector, { "kubernetes.io/metadata.name": peer.namespace })
        : peer.namespace === namespace;
      return inNamespace && selects(one(p.pod_selector), peer.labels);
    });
  }
}
