/**
 * An offline model of a fresh environment coming up (and going away): what each resource needs to
 * exist before Terraform creates it, and what it provides once created. A plan cannot see these
 * (on a fresh account every plan is valid); AWS and Kubernetes enforce them minutes into an apply.
 *
 * The model is walked over the synthesized stacks in the documented deploy order. Inside one stack
 * Terraform creates in parallel whatever is not ordered, so a requirement only counts as met by a
 * resource of an earlier stack or by one the resource (transitively) depends on.
 */

import { podNetworkTraits } from "../../constructs/shared/pod-network";
import type { Environment } from "../../stacks/environment/schema";

/** Something a step of the bring-up needs in place. */
export type Capability =
  /** The EKS control plane (or an on-prem API server) answers. */
  | "cluster"
  /** kube-proxy: the `kubernetes` Service reaches the API server from nodes. */
  | "kube-proxy"
  /** A CNI is installed that will make nodes Ready: Calico's operator, or the VPC CNI add-on. */
  | "cni"
  /** Nodes that have joined; in Calico CNI modes they stay NotReady until Calico runs. */
  | "nodes"
  /** Nodes are Ready and pods get addresses and routes. */
  | "pod-network"
  | "dns"
  | "karpenter-crds"
  | "karpenter"
  | "node-pools"
  | "metallb"
  | "load-balancer-addresses"
  | "calico-crds"
  | "ingress-crds"
  /** The tigera-operator runs: it finalizes the Installation and removes what it created. */
  | "calico-operator"
  /** Calico's custom resources are deleted and the operator has finished cleaning up after them. */
  | "calico-uninstalled";

/** A Terraform resource (or data source) of a synthesized stack. */
export interface ModelResource {
  readonly stack: string;
  /** `type.name`, or `data.type.name`. */
  readonly address: string;
  readonly type: string;
  readonly body: Record<string, unknown>;
}

export interface Requirements {
  readonly needs: readonly Capability[];
  readonly provides: readonly Capability[];
  /** Capabilities that must still exist while the resource is destroyed. */
  readonly destroyNeeds?: readonly Capability[];
  /** What needs them while it is destroyed, for messages ("its pre-delete hook Job"). */
  readonly destroyNeedsWhy?: string;
  /**
   * Capabilities something destroyed before this resource must have provided by being destroyed
   * (a destroy-time step that removes what the resource would otherwise leave stuck).
   */
  readonly destroyAfter?: readonly Capability[];
  /** What destroying this resource achieves, for `destroyAfter` (a destroy-time step). */
  readonly destroyProvides?: readonly Capability[];
}

/** How the environment's pod network behaves at bring-up. */
export interface BringUpTraits {
  readonly calicoCni: boolean;
  /** On-prem the API server and the nodes exist before any stack runs. */
  readonly preexisting: readonly Capability[];
}

/** The bring-up traits of an environment. */
export function bringUpTraits(env: Environment): BringUpTraits {
  return {
    calicoCni: podNetworkTraits(env.podNetwork.mode).cni === "calico",
    // On-prem the API server, kube-proxy and the (NotReady) nodes exist before any stack. On EKS
    // the cloud provider built into the control plane gives LoadBalancer Services an NLB.
    preexisting:
      env.platform === "onprem" ? ["cluster", "kube-proxy", "nodes"] : ["load-balancer-addresses"],
  };
}

const NONE: Requirements = { needs: [], provides: [] };

/** Releases of the project's manifests chart carry custom resources; they need CRDs and webhooks. */
const MANIFEST_RELEASES: Record<string, Requirements> = {
  "karpenter-node-pools": {
    needs: ["karpenter-crds", "karpenter"],
    provides: ["node-pools"],
    // NodePool and EC2NodeClass finalizers are run by the controller: it terminates the nodes and
    // deletes the instance profiles it created, so it must outlive them.
    destroyNeeds: ["karpenter", "pod-network", "nodes"],
  },
  "metallb-resources": { needs: ["metallb"], provides: ["load-balancer-addresses"] },
  "calico-bgp": { needs: ["calico-crds", "pod-network"], provides: ["load-balancer-addresses"] },
  // F5's CRDs as templates of the project chart (so Helm upgrades them); no pods, no webhook.
  "nginx-ingress-crds": { needs: ["cluster"], provides: ["ingress-crds"] },
};

/** How a release is installed and uninstalled: Helm's `wait`, and whether its hooks run. */
interface ReleaseOptions {
  readonly wait: boolean;
  /** False with `disable_webhooks` (the helm provider's "prevent hooks from running"). */
  readonly hooks: boolean;
  /** The chart version, when the release pins one. */
  readonly version?: string;
}

/**
 * Charts with delete hooks, and what each hook is. Helm runs them before it deletes anything,
 * and waits for them: a hook Job that cannot be scheduled holds the uninstall until it times out.
 */
export const DELETE_HOOKS: Readonly<Record<string, string>> = {
  "tigera-operator":
    "its pre-delete hook Job (tigera-operator-uninstall, which deletes the Installation)",
};

/** Whether a tigera-operator chart version ships no CRDs (upstream: from v3.32 on). */
const operatorChartWithoutCrds = (version: string | undefined) => {
  const minor = /^v3\.(\d+)\./.exec(version ?? "")?.[1];
  return minor !== undefined && Number(minor) >= 32;
};

/** Charts that run pods: with `wait`, Helm holds until they are ready. */
const CHARTS: Record<string, (release: ReleaseOptions, traits: BringUpTraits) => Requirements> = {
  "tigera-operator": ({ wait, hooks, version }, traits) => {
    // From v3.32 the chart renders the Installation but ships no CRDs: they must be there first,
    // and still there while the Installation is deleted.
    const crdsFirst = operatorChartWithoutCrds(version);
    const calicoCrds: Capability[] = crdsFirst ? ["calico-crds"] : [];
    return {
      // The operator runs on the host network and tolerates NotReady nodes; with `wait` Helm also
      // needs a node to run it on, which in Calico CNI modes only comes up after Calico: a deadlock.
      needs: [...(wait ? (["cluster", "nodes"] as const) : (["cluster"] as const)), ...calicoCrds],
      provides: [
        ...(traits.calicoCni ? (["cni"] as const) : []),
        ...(crdsFirst ? [] : (["calico-crds"] as const)),
        "calico-operator",
      ],
      // Uninstalling deletes the operator together with the Installation it must finalize: either
      // the chart's pre-delete hook deletes the Installation first (a Job, which needs a node), or
      // a destroy-time step has done it (and the hooks are off).
      ...(hooks
        ? {
            destroyNeeds: ["nodes", ...calicoCrds],
            destroyNeedsWhy: DELETE_HOOKS["tigera-operator"],
          }
        : { destroyAfter: ["calico-uninstalled"] }),
    };
  },
  // CRDs only: no pods. Helm's wait holds until every CRD is Established.
  "crd.projectcalico.org.v1": () => ({ needs: ["cluster"], provides: ["calico-crds"] }),
  "karpenter-crd": () => ({ needs: ["cluster"], provides: ["karpenter-crds"] }),
  karpenter: () => ({
    // The controller resolves AWS endpoints through the node's resolver (dnsPolicy Default), but
    // the documented order puts CoreDNS first: what Karpenter launches nodes for needs it.
    needs: ["karpenter-crds", "nodes", "pod-network", "dns"],
    provides: ["karpenter"],
  }),
  metallb: () => ({ needs: ["nodes", "pod-network"], provides: ["metallb"] }),
  // Helm's wait holds until the controller runs and its LoadBalancer Service has an address.
  "nginx-ingress": () => ({
    needs: ["ingress-crds", "nodes", "pod-network", "load-balancer-addresses"],
    provides: [],
  }),
  "ingress-nginx": () => ({
    needs: ["nodes", "pod-network", "load-balancer-addresses"],
    provides: [],
  }),
};

const ADDONS: Record<string, Requirements> = {
  "kube-proxy": { needs: ["cluster"], provides: ["kube-proxy"] },
  "eks-pod-identity-agent": { needs: ["cluster"], provides: [] },
  "vpc-cni": { needs: ["cluster"], provides: ["cni"] },
  // A Deployment: the add-on is DEGRADED, and `aws_eks_addon` fails, until its pods run.
  coredns: { needs: ["nodes", "pod-network"], provides: ["dns"] },
};

/** What a resource needs and provides; throws for resources the model does not know. */
export function requirementsOf(resource: ModelResource, traits: BringUpTraits): Requirements {
  const { type, body } = resource;
  switch (type) {
    case "aws_eks_cluster":
      return { needs: [], provides: ["cluster"] };
    case "aws_eks_addon": {
      const known = ADDONS[String(body.addon_name)];
      if (!known)
        throw new Error(`${describe(resource)}: unknown add-on ${String(body.addon_name)}`);
      return known;
    }
    case "aws_eks_node_group":
      // A managed node group whose nodes stay NotReady ends in CREATE_FAILED (NodeCreationFailure).
      return {
        needs: ["cluster", "kube-proxy", "cni"],
        provides: traits.calicoCni ? ["nodes"] : ["nodes", "pod-network"],
      };
    case "terraform_data":
      return waitRequirements(resource);
    case "helm_release":
      return releaseRequirements(resource, traits);
    case "kubernetes_namespace_v1":
      return { needs: ["cluster"], provides: [] };
    // Stored by the API server at once: RBAC needs nothing running, and Calico enforces
    // NetworkPolicies once it runs, on pods started before it too.
    case "kubernetes_network_policy_v1":
    case "kubernetes_role_v1":
    case "kubernetes_role_binding_v1":
      return { needs: ["cluster"], provides: [] };
    default:
      // Anything the cluster's API has to take must be taught here.
      if (/^(kubernetes|helm)_/.test(type) && !resource.address.startsWith("data.")) {
        throw new Error(
          `${describe(resource)}: the bring-up model does not know ${type}; teach ` +
            "test/support/bring-up.ts what it needs and provides",
        );
      }
      // Cloud resources (IAM, network, queues, keys, access entries) need nothing from the
      // cluster's bring-up beyond what their references order.
      return NONE;
  }
}

/** The Calico custom resources whose deletion the operator finalizes (upstream's pre-delete hook). */
const CALICO_INSTALLATION = "installations.operator.tigera.io/default";

function waitRequirements(resource: ModelResource): Requirements {
  const input = (resource.body.input ?? {}) as {
    resource?: string;
    condition?: string;
    cidr?: string;
    blockSize?: string;
    DELETE_OBJECTS?: string;
  };
  if (input.resource === "tigerastatus/calico" && input.condition === "Available") {
    return { needs: ["cni", "nodes"], provides: ["pod-network"] };
  }
  // Calico's IP pool guard only keeps values in state; it runs nothing.
  if (input.cidr !== undefined && input.blockSize !== undefined) return NONE;
  if (input.DELETE_OBJECTS?.split(" ").includes(CALICO_INSTALLATION)) {
    // A destroy-time step: the operator must still run to finalize the Installation, on nodes.
    return {
      needs: [],
      provides: [],
      // The Installation's CRD too: from Calico v3.32 its own release, destroyed after this step.
      destroyNeeds: ["cluster", "nodes", "calico-operator", "calico-crds"],
      destroyNeedsWhy: "its destroy-time deletion of the Installation (finalized by the operator)",
      destroyProvides: ["calico-uninstalled"],
    };
  }
  throw new Error(`${describe(resource)}: unknown terraform_data step ${JSON.stringify(input)}`);
}

/** Whether a resource runs a provisioner when it is destroyed (`when = destroy`). */
export function runsOnDestroy(resource: ModelResource): boolean {
  const provisioners = (resource.body.provisioner ?? []) as Record<string, { when?: string }>[];
  return provisioners.some((p) => Object.values(p).some((config) => config.when === "destroy"));
}

function releaseRequirements(resource: ModelResource, traits: BringUpTraits): Requirements {
  const name = String(resource.body.name);
  const manifests = MANIFEST_RELEASES[name];
  if (manifests) return manifests;
  const chart = CHARTS[String(resource.body.chart)];
  if (!chart) {
    throw new Error(
      `${describe(resource)}: the bring-up model does not know chart "${String(resource.body.chart)}" ` +
        `(release "${name}"); teach test/support/bring-up.ts what it needs and provides`,
    );
  }
  return chart(
    {
      wait: resource.body.wait !== false,
      hooks: resource.body.disable_webhooks !== true,
      version: typeof resource.body.version === "string" ? resource.body.version : undefined,
    },
    traits,
  );
}

export function describe(resource: ModelResource): string {
  return `${resource.stack}: ${resource.address}`;
}

/** `type.name` of every resource (and `data.type.name` of every data source) a value refers to. */
export function references(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === "string") {
    for (const match of value.matchAll(/\b(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)/g)) {
      out.add(`${match[1] ?? ""}${match[2]}.${match[3]}`);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) references(item, out);
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key !== "//") references(item, out);
    }
  }
  return out;
}

/** The resources and data sources of one synthesized stack (`cdk.tf.json`). */
export function stackResources(stack: string, json: Record<string, unknown>): ModelResource[] {
  const out: ModelResource[] = [];
  const blocks = [
    ["", json.resource],
    ["data.", json.data],
  ] as const;
  for (const [prefix, block] of blocks) {
    for (const [type, byName] of Object.entries((block ?? {}) as Record<string, unknown>)) {
      for (const [name, body] of Object.entries(byName as Record<string, unknown>)) {
        out.push({ stack, address: `${prefix}${type}.${name}`, type, body: body as never });
      }
    }
  }
  return out;
}

/** Every address `resource` waits for in its stack: references and depends_on, transitively. */
export function dependencyClosure(resources: readonly ModelResource[]): Map<string, Set<string>> {
  const known = new Set(resources.map((r) => r.address));
  const direct = new Map(
    resources.map((r) => [r.address, [...references(r.body)].filter((a) => known.has(a))]),
  );
  const closure = new Map<string, Set<string>>();
  const visit = (address: string, trail: Set<string>): Set<string> => {
    const done = closure.get(address);
    if (done) return done;
    if (trail.has(address)) throw new Error(`dependency cycle through ${address}`);
    trail.add(address);
    const all = new Set<string>();
    for (const dep of direct.get(address) ?? []) {
      all.add(dep);
      for (const further of visit(dep, trail)) all.add(further);
    }
    trail.delete(address);
    closure.set(address, all);
    return all;
  };
  for (const r of resources) visit(r.address, new Set());
  return closure;
}

export interface Violation {
  readonly stack: string;
  readonly address: string;
  readonly capability: Capability;
  readonly message: string;
}

/** One stack of the deploy sequence, with its synthesized JSON. */
export interface DeployStep {
  readonly stack: string;
  readonly json: Record<string, unknown>;
}

/**
 * Walks a fresh bring-up in deploy order. Returns every requirement that is not met by an earlier
 * stack, by something that exists beforehand, or by a resource the requirer depends on.
 */
export function walkBringUp(steps: readonly DeployStep[], traits: BringUpTraits): Violation[] {
  const violations: Violation[] = [];
  const fromEarlierStacks = new Set<Capability>(traits.preexisting);
  const providers = new Map<Capability, string[]>();
  const all = steps.map((s) => stackResources(s.stack, s.json));
  for (const resources of all) {
    for (const r of resources) {
      for (const c of requirementsOf(r, traits).provides) {
        providers.set(c, [...(providers.get(c) ?? []), describe(r)]);
      }
    }
  }
  for (const resources of all) {
    const closure = dependencyClosure(resources);
    const byAddress = new Map(resources.map((r) => [r.address, r]));
    for (const r of resources) {
      const provided = new Set<Capability>(fromEarlierStacks);
      for (const dep of closure.get(r.address) ?? []) {
        for (const c of requirementsOf(byAddress.get(dep)!, traits).provides) provided.add(c);
      }
      for (const need of requirementsOf(r, traits).needs) {
        if (provided.has(need)) continue;
        const elsewhere = (providers.get(need) ?? []).filter((p) => p !== describe(r));
        violations.push({
          stack: r.stack,
          address: r.address,
          capability: need,
          message:
            `${describe(r)} needs ${need}, which nothing before it provides` +
            (elsewhere.length > 0
              ? ` (provided by ${elsewhere.join(", ")}, which is not created before it)`
              : " (nothing in the deploy provides it)"),
        });
      }
    }
    for (const r of resources) {
      for (const c of requirementsOf(r, traits).provides) fromEarlierStacks.add(c);
    }
  }
  return violations;
}

/**
 * What destroying `resource` needs that may already be gone, or that nothing has done before it.
 * `available` holds what is certain to exist while it is destroyed; `destroyedBefore`, what is
 * certain to have been destroyed before it (in one stack: whatever depends on it).
 */
export function destroyViolations(
  resource: ModelResource,
  traits: BringUpTraits,
  available: ReadonlySet<Capability>,
  destroyedBefore: readonly ModelResource[],
): Violation[] {
  const requirements = requirementsOf(resource, traits);
  const violations: Violation[] = [];
  const why = requirements.destroyNeedsWhy ? ` for ${requirements.destroyNeedsWhy}` : "";
  for (const need of requirements.destroyNeeds ?? []) {
    if (available.has(need)) continue;
    violations.push({
      stack: resource.stack,
      address: resource.address,
      capability: need,
      message: `${describe(resource)} needs ${need} while it is destroyed${why}, but that may already be gone`,
    });
  }
  for (const after of requirements.destroyAfter ?? []) {
    const done = destroyedBefore.some((d) =>
      (requirementsOf(d, traits).destroyProvides ?? []).includes(after),
    );
    if (done) continue;
    violations.push({
      stack: resource.stack,
      address: resource.address,
      capability: after,
      message: `${describe(resource)} is destroyed before anything has made it ${after}`,
    });
  }
  return violations;
}

/** What the resources provide, together. */
export function providedBy(
  resources: Iterable<ModelResource>,
  traits: BringUpTraits,
): Set<Capability> {
  const out = new Set<Capability>();
  for (const r of resources) for (const c of requirementsOf(r, traits).provides) out.add(c);
  return out;
}

/**
 * Walks the teardown: stacks in reverse deploy order, and inside a stack Terraform destroys a
 * resource before everything it depends on. Returns destroy-time needs that would already be gone.
 */
export function walkTeardown(steps: readonly DeployStep[], traits: BringUpTraits): Violation[] {
  const all = steps.map((s) => stackResources(s.stack, s.json));
  return all.flatMap((resources, index) => {
    // Stacks deployed earlier are destroyed later: everything they provide is still there.
    const stillThere = new Set<Capability>(traits.preexisting);
    for (const c of providedBy(all.slice(0, index).flat(), traits)) stillThere.add(c);
    return stackTeardownViolations(resources, traits, stillThere);
  });
}

/** Destroy-time needs of one stack destroyed whole, with `stillThere` outliving it. */
export function stackTeardownViolations(
  resources: readonly ModelResource[],
  traits: BringUpTraits,
  stillThere: ReadonlySet<Capability>,
): Violation[] {
  const closure = dependencyClosure(resources);
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  return resources.flatMap((r) => {
    const deps = [...(closure.get(r.address) ?? [])].map((a) => byAddress.get(a)!);
    const available = new Set([...stillThere, ...providedBy(deps, traits)]);
    const dependents = resources.filter((d) => closure.get(d.address)?.has(r.address));
    return destroyViolations(r, traits, available, dependents);
  });
}
