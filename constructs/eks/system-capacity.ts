/**
 * Does everything that must run on the system node group fit there, with one node drained?
 * Karpenter cannot add capacity for its own controller, and at bring-up nothing else exists yet,
 * so the system nodes must hold the pod network's control plane, CoreDNS and Karpenter, plus the
 * daemonsets on every node, on one node fewer than the group's minimum (a drain, an AMI update
 * or a lost node must not leave Karpenter pending).
 */

/** CPU in millicores and memory in MiB. */
export interface Requests {
  readonly cpuMillis: number;
  readonly memoryMiB: number;
}

/** Requests as Kubernetes quantities (`1000m`, `1024Mi`). */
export function resourceQuantities(requests: Requests): { cpu: string; memory: string } {
  return { cpu: `${requests.cpuMillis}m`, memory: `${requests.memoryMiB}Mi` };
}

/** Something that runs on the system nodes, with the resources it takes. */
export interface SystemWorkload {
  readonly name: string;
  /** Pods of a Deployment, or "per-node" for a DaemonSet. */
  readonly replicas: number | "per-node";
  /** Per pod. */
  readonly requests: Requests;
  /**
   * Where the figure comes from: "requests" when the pod spec sets them, "budget" for pods that
   * set none (they still use CPU and memory; the figure is what this toolkit plans for them).
   */
  readonly basis: "requests" | "budget";
}

/** vCPUs and memory of an EC2 instance type, as EC2 lists them. */
export interface InstanceShape {
  readonly vcpus: number;
  readonly memoryMiB: number;
}

/** GiB of memory per vCPU of the general purpose (m), compute (c) and memory (r) families. */
const MEMORY_GIB_PER_VCPU: Record<string, number> = { c: 2, m: 4, r: 8 };
/** Burstable types, listed one by one (their memory does not follow the vCPU count). */
const BURSTABLE: Record<string, InstanceShape> = {
  medium: { vcpus: 2, memoryMiB: 4096 },
  large: { vcpus: 2, memoryMiB: 8192 },
  xlarge: { vcpus: 4, memoryMiB: 16384 },
  "2xlarge": { vcpus: 8, memoryMiB: 32768 },
};

/**
 * The shape of c/m/r instance types of generations 5 to 8 (any processor or storage suffix:
 * m6i, m7g, c6gn, r6id, ...) and t3/t3a/t4g; undefined for anything else. Variants with extra
 * memory (c5n, r5b) are counted with their family's base ratio, which under-counts: safe here.
 */
export function instanceShape(instanceType: string): InstanceShape | undefined {
  const burstable = /^t(3a?|4g)\.(\w+)$/.exec(instanceType);
  if (burstable) return BURSTABLE[burstable[2]];
  const match = /^([cmr])[5-8][a-z]*\.(large|xlarge|(\d+)xlarge)$/.exec(instanceType);
  if (!match) return undefined;
  const vcpus = match[2] === "large" ? 2 : match[2] === "xlarge" ? 4 : 4 * Number(match[3]);
  return { vcpus, memoryMiB: vcpus * MEMORY_GIB_PER_VCPU[match[1]] * 1024 };
}

/**
 * Share of instance memory the node's OS does not report to the kubelet (firmware, kernel). The
 * same figure Karpenter uses by default (`settings.vmMemoryOverheadPercent`).
 */
const VM_MEMORY_OVERHEAD = 0.075;
/** The kubelet's hard eviction threshold on the EKS AMIs (`memory.available<100Mi`). */
const EVICTION_MEMORY_MIB = 100;

/**
 * What the kubelet offers pods on an EKS AL2023 node: capacity minus kube-reserved as the EKS
 * AMIs compute it (CPU: 6% of the first core, 1% of the second, 0.5% of the next two, 0.25% of
 * the rest; memory: 255 MiB + 11 MiB per pod the node may run) and the eviction threshold.
 */
export function nodeAllocatable(shape: InstanceShape, maxPods: number): Requests {
  const reservedCpu = [...Array(shape.vcpus).keys()].reduce(
    (sum, core) => sum + (core === 0 ? 60 : core === 1 ? 10 : core < 4 ? 5 : 2.5),
    0,
  );
  const memory = Math.floor(shape.memoryMiB * (1 - VM_MEMORY_OVERHEAD));
  return {
    cpuMillis: shape.vcpus * 1000 - Math.ceil(reservedCpu),
    memoryMiB: memory - (255 + 11 * maxPods) - EVICTION_MEMORY_MIB,
  };
}

export interface SystemCapacityInput {
  readonly instanceTypes: readonly string[];
  /** The group never has fewer nodes than this. */
  readonly minSize: number;
  /** Pods per node the kubelet allows; decides the memory EKS reserves. */
  readonly maxPods: number;
  readonly workloads: readonly SystemWorkload[];
}

/** The arithmetic of the check, for the error message and for tests. */
export interface SystemCapacityReport {
  /** The smallest of the instance types, which the group may be made of entirely. */
  readonly instanceType: string;
  readonly allocatablePerNode: Requests;
  readonly daemonSetsPerNode: Requests;
  /** Nodes left with one drained. */
  readonly nodesAfterDrain: number;
  /** What the Deployments request in total. */
  readonly deployments: Requests;
  /** What `nodesAfterDrain` nodes offer Deployments after their daemonsets. */
  readonly available: Requests;
  readonly problems: readonly string[];
}

const sum = (items: readonly Requests[]): Requests =>
  items.reduce(
    (a, b) => ({ cpuMillis: a.cpuMillis + b.cpuMillis, memoryMiB: a.memoryMiB + b.memoryMiB }),
    {
      cpuMillis: 0,
      memoryMiB: 0,
    },
  );

const cpu = (millis: number) => `${(millis / 1000).toFixed(2)} vCPU`;
const mem = (mib: number) => `${(mib / 1024).toFixed(1)} GiB`;

/**
 * Checks that the workloads fit on the group with one node drained, and that each pod fits on one
 * node next to the daemonsets. Throws for instance types whose shape is not known.
 */
export function checkSystemCapacity(input: SystemCapacityInput): SystemCapacityReport {
  const shapes = input.instanceTypes.map((type) => {
    const shape = instanceShape(type);
    if (!shape) {
      throw new Error(
        `instance type ${type} is not one the capacity check knows (c/m/r generations 5 to 8, ` +
          "t3, t3a, t4g); use one of those for the system node group",
      );
    }
    return { type, shape };
  });
  const smallest = shapes.reduce((a, b) =>
    b.shape.vcpus < a.shape.vcpus ||
    (b.shape.vcpus === a.shape.vcpus && b.shape.memoryMiB < a.shape.memoryMiB)
      ? b
      : a,
  );
  const perNode = nodeAllocatable(smallest.shape, input.maxPods);
  const daemonSets = sum(
    input.workloads.filter((w) => w.replicas === "per-node").map((w) => w.requests),
  );
  const deploymentPods = input.workloads.flatMap((w) =>
    w.replicas === "per-node" ? [] : Array.from({ length: w.replicas }, () => w),
  );
  const deployments = sum(deploymentPods.map((w) => w.requests));
  const nodesAfterDrain = Math.max(0, input.minSize - 1);
  const room = {
    cpuMillis: perNode.cpuMillis - daemonSets.cpuMillis,
    memoryMiB: perNode.memoryMiB - daemonSets.memoryMiB,
  };
  const available = {
    cpuMillis: nodesAfterDrain * room.cpuMillis,
    memoryMiB: nodesAfterDrain * room.memoryMiB,
  };

  const problems: string[] = [];
  const node = `${smallest.type} (${cpu(perNode.cpuMillis)}, ${mem(perNode.memoryMiB)} allocatable, ${cpu(daemonSets.cpuMillis)} and ${mem(daemonSets.memoryMiB)} of it taken by daemonsets)`;
  if (deployments.cpuMillis > available.cpuMillis || deployments.memoryMiB > available.memoryMiB) {
    problems.push(
      `system pods request ${cpu(deployments.cpuMillis)} and ${mem(deployments.memoryMiB)} ` +
        `(${summarize(input.workloads)}), but with one of minSize ${input.minSize} nodes drained ` +
        `${nodesAfterDrain} × ${node} leave ${cpu(available.cpuMillis)} and ${mem(available.memoryMiB)}; ` +
        "raise minSize or use a larger instance type",
    );
  }
  for (const w of input.workloads) {
    if (w.replicas === "per-node") continue;
    if (w.requests.cpuMillis > room.cpuMillis || w.requests.memoryMiB > room.memoryMiB) {
      problems.push(
        `one ${w.name} pod requests ${cpu(w.requests.cpuMillis)} and ${mem(w.requests.memoryMiB)}, ` +
          `more than one ${node} has room for; use a larger instance type`,
      );
    }
  }
  return {
    instanceType: smallest.type,
    allocatablePerNode: perNode,
    daemonSetsPerNode: daemonSets,
    nodesAfterDrain,
    deployments,
    available,
    problems,
  };
}

function summarize(workloads: readonly SystemWorkload[]): string {
  return workloads
    .filter((w) => w.replicas !== "per-node")
    .map((w) => `${w.name} ${w.replicas} × ${w.requests.cpuMillis}m`)
    .join(", ");
}
