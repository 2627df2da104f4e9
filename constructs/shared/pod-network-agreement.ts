/**
 * One pod network per cluster, whoever composes it. The mode is a prop of several constructs
 * (EksCluster opens the node ports, KarpenterAws grants Felix its EC2 permissions, Calico renders
 * the IP pool, KarpenterNodePools and NginxIngress adapt to the CNI), often in different stacks.
 * Each of them declares the mode it was given; at synth, before any stack is written, each
 * checks that every construct of the same cluster declared a mode it can work with, and names
 * the construct that disagrees. Without this, `ipip` ports beside a VXLAN pool synthesize and
 * deploy a network that drops every packet between nodes.
 *
 * Constructs belong to one cluster when they name the same cluster (a plain string; tokens are
 * not compared), or when they install into the Kubernetes cluster of one stack (a stack has one
 * helm and one kubernetes provider; `kubernetesProviders` ties that stack to its EKS cluster).
 */
import { Construct, IConstruct } from "constructs";
import { TerraformStack, Token } from "cdktf";
import type { PodNetworkMode } from "./pod-network";

export interface PodNetworkDeclaration {
  /**
   * The modes the construct's resources work with: its mode, and during a migration between two
   * modes the other one as well (they then serve both).
   */
  readonly modes: readonly PodNetworkMode[];
  /** The cluster the construct names, if it names one. */
  readonly clusterName?: string;
  /** Whether the construct installs into the cluster its stack's Kubernetes providers reach. */
  readonly inStackCluster?: boolean;
}

interface Declared extends PodNetworkDeclaration {
  readonly construct: IConstruct;
  readonly keys: readonly string[];
}

class Registry {
  readonly declared: Declared[] = [];
  /** Union-find over cluster and stack keys: keys in one set are one cluster. */
  private readonly parent = new Map<string, string>();

  find(key: string): string {
    let root = key;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    this.parent.set(key, root);
    return root;
  }

  union(a: string, b: string): void {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

const registries = new WeakMap<IConstruct, Registry>();

function registryOf(scope: IConstruct): Registry {
  const root = scope.node.root;
  let registry = registries.get(root);
  if (!registry) {
    registry = new Registry();
    registries.set(root, registry);
  }
  return registry;
}

const clusterKey = (name: string) => `cluster:${name}`;
const stackKey = (scope: IConstruct) => `stack:${TerraformStack.of(scope).node.path}`;
const known = (name: string | undefined): name is string =>
  name !== undefined && !Token.isUnresolved(name);

/**
 * Declares the pod network mode `construct` was given, and checks at synth that the other
 * constructs of its cluster agree.
 */
export function declarePodNetworkMode(
  construct: Construct,
  declaration: PodNetworkDeclaration,
): void {
  const registry = registryOf(construct);
  const keys = [
    ...(known(declaration.clusterName) ? [clusterKey(declaration.clusterName)] : []),
    ...(declaration.inStackCluster ? [stackKey(construct)] : []),
  ];
  if (keys.length === 0) return;
  for (const key of keys.slice(1)) registry.union(keys[0], key);
  const declared: Declared = { ...declaration, construct, keys };
  registry.declared.push(declared);
  construct.node.addValidation({ validate: () => disagreements(registry, declared) });
}

/** Ties the Kubernetes cluster of `scope`'s stack to the EKS cluster named `clusterName`. */
export function declareStackCluster(scope: Construct, clusterName: string): void {
  if (known(clusterName)) registryOf(scope).union(stackKey(scope), clusterKey(clusterName));
}

function disagreements(registry: Registry, own: Declared): string[] {
  const group = registry.find(own.keys[0]);
  return registry.declared
    .filter((other) => other !== own && registry.find(other.keys[0]) === group)
    .filter((other) => !other.modes.some((mode) => own.modes.includes(mode)))
    .map(
      (other) =>
        `pod network mode ${describe(own.modes)} disagrees with ${describe(other.modes)} of ` +
        `${other.construct.node.path} (${other.construct.constructor.name}), in the same cluster: ` +
        "the node ports, Felix's permissions and Calico's IP pool would not match. Give every " +
        "construct of one cluster the same mode (one constant, or the EksCluster's podNetworkMode)",
    );
}

const describe = (modes: readonly PodNetworkMode[]) => modes.map((m) => `"${m}"`).join(" / ");
