import { Annotations, IAspect, TerraformStack, Token } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { ManifestsRelease } from "../shared/manifests-release";

/**
 * Node count past which Calico recommends route reflectors over its full node-to-node BGP mesh
 * ("Full-mesh works great for small and medium-size deployments of say 100 nodes or less",
 * Calico's "Configure BGP peering"). Every node holds a session to every other: n(n-1)/2.
 */
export const BGP_FULL_MESH_MAX_NODES = 100;

const INSTANCE_CPU = "karpenter.k8s.aws/instance-cpu";

/** How many nodes one Karpenter NodePool can grow to, and how that was estimated. */
export interface NodePoolEstimate {
  readonly name: string;
  /** undefined when the pool has no (readable) CPU limit: it can grow without bound. */
  readonly maxNodes?: number;
  readonly cpuLimit?: number;
  /** The fewest vCPUs an instance the pool's requirements allow can have. */
  readonly minVcpu: number;
}

/**
 * Estimates a NodePool's largest node count as `limits.cpu` divided by the smallest vCPU count
 * its requirements allow: Karpenter stops launching once the pool's nodes hold `limits.cpu`, and
 * in the worst case every node is the smallest instance it may pick. Without a
 * `karpenter.k8s.aws/instance-cpu` requirement that is 1 vCPU (EC2 sells 1-vCPU `medium` sizes
 * in the c, m and r categories, such as c7a, m7a, r7a and the Graviton c6g/m6g/r6g).
 */
export function estimateNodePool(nodePool: unknown): NodePoolEstimate | undefined {
  const object = nodePool as {
    kind?: unknown;
    apiVersion?: unknown;
    metadata?: { name?: unknown };
    spec?: {
      limits?: { cpu?: unknown };
      template?: { spec?: { requirements?: unknown } };
    };
  };
  if (object?.kind !== "NodePool" || object.apiVersion !== "karpenter.sh/v1") return undefined;
  const name = String(object.metadata?.name ?? "(unnamed)");
  const minVcpu = smallestVcpu(object.spec?.template?.spec?.requirements);
  const cpuLimit = cpuCores(object.spec?.limits?.cpu);
  return {
    name,
    minVcpu,
    cpuLimit,
    maxNodes: cpuLimit === undefined ? undefined : Math.floor(cpuLimit / minVcpu),
  };
}

/** Kubernetes CPU quantity (`128`, `64.5`, `500m`) in cores; undefined when unreadable. */
function cpuCores(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string" || Token.isUnresolved(value)) return undefined;
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(value);
  if (!match) return undefined;
  return Number(match[1]) / (match[2] ? 1000 : 1);
}

function smallestVcpu(requirements: unknown): number {
  const floors = (Array.isArray(requirements) ? requirements : [])
    .filter(
      (r): r is { key: string; operator: string; values?: unknown[] } => r?.key === INSTANCE_CPU,
    )
    .map((r) => {
      const values = (r.values ?? []).map(Number).filter(Number.isFinite);
      if (values.length === 0) return 1;
      if (r.operator === "In") return Math.min(...values);
      if (r.operator === "Gt") return values[0] + 1;
      if (r.operator === "Gte") return values[0];
      return 1;
    });
  return Math.max(1, ...floors);
}

/**
 * Warns at synth when Calico runs a full BGP mesh and the Karpenter NodePools in the same stack
 * (found in `ManifestsRelease`s, whoever created them) can grow the cluster past
 * `BGP_FULL_MESH_MAX_NODES`. Calico adds it to its stack in BGP modes.
 */
export class BgpMeshScaleCheck implements IAspect {
  constructor(
    private readonly calico: Construct,
    private readonly mode: string,
  ) {}

  visit(node: IConstruct): void {
    if (node !== this.calico) return;
    const estimates = TerraformStack.of(node)
      .node.findAll()
      .filter((c): c is ManifestsRelease => c instanceof ManifestsRelease)
      .flatMap((release) => release.manifests.map(estimateNodePool))
      .filter((e): e is NodePoolEstimate => e !== undefined);
    if (estimates.length === 0) return;
    const unbounded = estimates.filter((e) => e.maxNodes === undefined);
    const total = estimates.reduce((sum, e) => sum + (e.maxNodes ?? 0), 0);
    if (unbounded.length === 0 && total <= BGP_FULL_MESH_MAX_NODES) return;
    const detail = estimates
      .map((e) =>
        e.maxNodes === undefined
          ? `${e.name}: no CPU limit, unbounded`
          : `${e.name}: limits.cpu ${e.cpuLimit} / ${e.minVcpu} vCPU = ${e.maxNodes}`,
      )
      .join("; ");
    const size = unbounded.length > 0 ? "an unbounded number of" : `about ${total}`;
    Annotations.of(node).addWarning(
      `Calico runs a full BGP mesh in mode "${this.mode}" (every node peers with every other), ` +
        `and the Karpenter node pools here allow ${size} nodes (${detail}; the divisor is the ` +
        `smallest vCPU count each pool's requirements allow), past the ~${BGP_FULL_MESH_MAX_NODES} ` +
        "nodes where Calico recommends route reflectors. Lower limits.cpu, require larger " +
        `instances (a ${INSTANCE_CPU} requirement), or use a VXLAN mode (no BGP); route ` +
        "reflectors are not provided by this toolkit yet (docs/constructs.md, Calico).",
    );
  }
}
