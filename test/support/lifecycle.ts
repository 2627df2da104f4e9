/**
 * The lifecycle model: an environment's days after its first deploy, walked over the synthesized
 * stacks. An environment moves from one deployed configuration to another in the documented
 * order: a deploy applies every stack in deploy order (infra, then platform), a destroy removes
 * them in reverse, and inside one stack Terraform follows that stack's own dependency graph. Helm
 * hooks are steps of the release they belong to. At every step the model checks what AWS and
 * Kubernetes enforce minutes into an apply, where a plan shows nothing wrong:
 *
 * - the node security group admits the ports of every pod network mode calico-node runs;
 * - a release's delete hooks have a node to run on (see bring-up.ts, DELETE_HOOKS);
 * - no DeleteCluster while managed node groups exist, no CreateCluster of a name in use;
 * - CRDs outlive the objects that use them;
 * - a wait gate proves the new state, not the old one;
 * - a destroy-time step runs only when its stack is destroyed;
 * - a namespace resource is not created where the namespace exists already (Helm's
 *   `create_namespace` made it, and keeps it on uninstall), unless the stack's import block adopts
 *   it: the import blocks' conditions are evaluated against the cluster's namespaces.
 *
 * A plan-time refusal (a guard's postcondition, `prevent_destroy`) ends a walk before anything of
 * that stack is applied; the tests then walk the documented path instead.
 *
 * What Terraform replaces is decided by FORCES_REPLACEMENT, the attributes the providers mark
 * "forces replacement" for the resource types the invariants involve (hashicorp/aws 5.100.0,
 * helm 3.x, terraform_data); any other change counts as an in-place update. Values another stack
 * passes through `terraform_remote_state` are resolved to what that stack configures, so a
 * version bump in infra shows as an update of the platform's node group.
 */
import { PodNetworkMode, podNetworkTraits } from "../../constructs/shared/pod-network";
import {
  BringUpTraits,
  Capability,
  DeployStep,
  ModelResource,
  dependencyClosure,
  describe,
  destroyViolations,
  providedBy,
  requirementsOf,
  runsOnDestroy,
  stackResources,
  stackTeardownViolations,
} from "./bring-up";

/** One deployable configuration of an environment: its synthesized stacks in deploy order. */
export interface Configuration {
  /** Named in messages: "dev", "dev with vxlan". */
  readonly label: string;
  /** The pod network mode calico-node runs once this configuration is deployed. */
  readonly mode: PodNetworkMode;
  readonly traits: BringUpTraits;
  readonly stacks: readonly DeployStep[];
}

/** A deploy of a configuration (every stack, in order), or a destroy of the named stacks. */
export type Operation =
  | { readonly deploy: Configuration }
  | { readonly destroy: readonly string[] };

export interface WalkResult {
  /** Why a plan refused, when one did; the walk stopped there. */
  readonly refused: readonly string[];
  /** Every invariant broken on the way, as messages. */
  readonly violations: readonly string[];
}

type ActionKind = "create" | "update" | "replace" | "delete" | "no-op";

interface Action {
  readonly address: string;
  readonly kind: ActionKind;
  readonly before?: ModelResource;
  readonly after?: ModelResource;
  /** Replaced create-before-destroy (explicitly, or forced by a dependent that is). */
  readonly createFirst: boolean;
}

/**
 * Attributes whose change replaces the resource (dotted paths into the synthesized body). Only
 * the types whose replacement an invariant depends on; every other change is an update.
 */
const FORCES_REPLACEMENT: Readonly<Record<string, readonly string[]>> = {
  aws_eks_cluster: [
    "name",
    "role_arn",
    "bootstrap_self_managed_addons",
    "kubernetes_network_config",
    "encryption_config",
    "access_config.bootstrap_cluster_creator_admin_permissions",
  ],
  aws_eks_node_group: [
    "cluster_name",
    "node_group_name",
    "node_group_name_prefix",
    "node_role_arn",
    "subnet_ids",
    "instance_types",
    "ami_type",
    "capacity_type",
    "disk_size",
  ],
  aws_eks_addon: ["cluster_name", "addon_name"],
  aws_launch_template: ["name", "name_prefix"],
  aws_security_group: ["name", "name_prefix", "description", "vpc_id"],
  aws_vpc_security_group_ingress_rule: ["security_group_id"],
  aws_vpc: ["cidr_block"],
  aws_subnet: ["cidr_block", "availability_zone", "vpc_id"],
  aws_iam_role: ["name", "name_prefix", "path"],
  helm_release: ["name", "namespace"],
  terraform_data: ["triggers_replace"],
  // Labels and annotations change in place (Pod Security labels follow the Kubernetes version).
  kubernetes_namespace_v1: ["metadata.name"],
  kubernetes_network_policy_v1: ["metadata.name", "metadata.namespace"],
};

/** Body keys that are not attributes of the resource. */
const META = new Set(["//", "depends_on", "lifecycle", "provisioner", "connection", "provider"]);

/**
 * Releases whose uninstall deletes CRDs (templates, not a chart's `crds/`, which Helm never
 * deletes), and who else creates objects of those kinds. Keyed by the CRD capability.
 */
const CRD_RELEASES: Readonly<Record<string, { readonly others?: string }>> = {
  "karpenter-crds": {},
  metallb: {},
  "ingress-crds": {
    others:
      "application teams' VirtualServers, VirtualServerRoutes, TransportServers, Policies and " +
      "GlobalConfiguration",
  },
};

/** What the wait on `tigerastatus/calico` must check to prove a change, read from its input. */
const CALICO_STATUS_GENERATION_OF = "installation/default";
const calicoVersionField = (version: string) =>
  `installation/default {.status.calicoVersion} = ${version}`;

function get(body: Record<string, unknown>, path: string): unknown {
  let value: unknown = body;
  for (const key of path.split(".")) {
    if (!value || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** `type.name.attribute` of every resource attribute a value refers to. */
function attributeReferences(value: unknown): { address: string; attribute: string }[] {
  const text = JSON.stringify(value ?? null);
  return [...text.matchAll(/\b([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([a-z_][a-z0-9_]*)/g)].map(
    (m) => ({ address: `${m[1]}.${m[2]}`, attribute: m[3] }),
  );
}

const OUTPUT_REFERENCE = /data\.terraform_remote_state\.[A-Za-z0-9_-]+\.outputs\.([A-Za-z0-9_-]+)/g;

interface StackState {
  readonly step: DeployStep;
  readonly resources: ModelResource[];
  /** How often each address was replaced, so that computed attributes read as new values. */
  readonly generations: Map<string, number>;
}

/** The environment as deployed: its stacks' configurations, and what calico-node runs. */
class World {
  private readonly stacks = new Map<string, StackState>();
  private modes = new Set<PodNetworkMode>();
  /** Namespaces in the cluster, whoever created them. */
  private readonly namespaces = new Set<string>();
  private traits: BringUpTraits;
  readonly violations: string[] = [];

  constructor(
    start: Configuration,
    private readonly guards: boolean,
  ) {
    this.traits = start.traits;
    for (const step of start.stacks) {
      const resources = this.resolved(step);
      this.stacks.set(step.stack, { step, resources, generations: new Map() });
      for (const name of namespacesMadeBy(resources)) this.namespaces.add(name);
    }
    if (start.traits.calicoCni) this.modes = new Set([start.mode]);
  }

  deploy(to: Configuration): string[] {
    for (const step of to.stacks) {
      const resources = this.resolved(step);
      const before = this.stacks.get(step.stack);
      const plan = planStack(before?.resources ?? [], resources);
      const refused = [
        ...(this.guards ? this.guardRefusals(step) : []),
        ...protectedReplacements(plan),
      ];
      if (refused.length > 0) return refused;
      this.checkDeletions(step.stack, before, plan);
      this.checkNamespaceCreates(step, plan);
      for (const a of plan.values()) {
        if (a.kind === "delete" && a.before!.type === "kubernetes_namespace_v1") {
          this.namespaces.delete(namespaceName(a.before!));
        }
      }
      for (const name of namespacesMadeBy(resources)) this.namespaces.add(name);
      const generations = new Map(before?.generations ?? []);
      for (const a of plan.values()) {
        if (a.kind === "replace") generations.set(a.address, (generations.get(a.address) ?? 0) + 1);
      }
      this.stacks.set(step.stack, { step, resources, generations });
      this.traits = to.traits;
      if (to.traits.calicoCni && before) this.rollCalico(to, step, plan);
      this.checkNodePorts(`after ${step.stack} applies`);
    }
    // calico-node finishes rolling out eventually, whatever the gates before saw.
    this.modes = to.traits.calicoCni ? new Set([to.mode]) : new Set();
    return [];
  }

  destroy(stacks: readonly string[]): string[] {
    for (const name of stacks) {
      const state = this.stacks.get(name);
      if (!state) continue;
      const refused = state.resources
        .filter((r) => get(r.body, "lifecycle.prevent_destroy") === true)
        .map((r) => `${describe(r)} has prevent_destroy`);
      if (refused.length > 0) return refused;
      const stillThere = new Set<Capability>(this.traits.preexisting);
      for (const [other, s] of this.stacks) {
        if (other !== name) for (const c of providedBy(s.resources, this.traits)) stillThere.add(c);
      }
      for (const v of stackTeardownViolations(state.resources, this.traits, stillThere)) {
        this.violations.push(v.message);
      }
      const closure = dependencyClosure(state.resources);
      const dependents = (r: ModelResource) =>
        state.resources.filter((d) => closure.get(d.address)?.has(r.address));
      for (const r of state.resources) {
        this.checkClusterDeletion(name, r, (n) => !dependents(r).includes(n));
        this.checkCrdDeletion(r, state.resources, (u) => !dependents(r).includes(u));
      }
      // Helm leaves the namespaces it created; a namespace resource deletes its namespace.
      for (const r of state.resources) {
        if (r.type === "kubernetes_namespace_v1") this.namespaces.delete(namespaceName(r));
      }
      this.stacks.delete(name);
    }
    return [];
  }

  /** Kubernetes refuses to create a namespace that exists; an import block adopts it instead. */
  private checkNamespaceCreates(step: DeployStep, plan: Map<string, Action>): void {
    const imported = importedAddresses(step, this.namespaces);
    for (const a of plan.values()) {
      if (a.kind !== "create" || a.after!.type !== "kubernetes_namespace_v1") continue;
      const name = namespaceName(a.after!);
      if (!this.namespaces.has(name) || imported.has(a.address)) continue;
      this.violations.push(
        `${describe(a.after!)} creates namespace ${name}, which exists already (Helm's create_namespace made it): the apply fails with namespaces "${name}" already exists`,
      );
    }
  }

  /**
   * The stack's resources with every `terraform_remote_state` output replaced by what the stack
   * that writes it configures: an attribute set in configuration reads as its value, a computed
   * one as the resource's generation (so a replacement upstream changes it).
   */
  private resolved(step: DeployStep): ModelResource[] {
    return stackResources(step.stack, step.json).map((r) => {
      const text = JSON.stringify(r.body).replace(
        OUTPUT_REFERENCE,
        (whole, output: string) => this.outputValue(output) ?? whole,
      );
      return { ...r, body: JSON.parse(text) as Record<string, unknown> };
    });
  }

  private outputValue(output: string): string | undefined {
    // Quotes would end the JSON string the value is spliced into.
    const token = (value: string) => `«${value.replace(/"/g, "'")}»`;
    for (const state of this.stacks.values()) {
      const outputs = (state.step.json.output ?? {}) as Record<string, { value?: unknown }>;
      const value = outputs[output]?.value;
      if (value === undefined) continue;
      const [ref] = attributeReferences(value);
      if (!ref) return token(JSON.stringify(value));
      const target = state.resources.find((r) => r.address === ref.address);
      if (target && ref.attribute in target.body) {
        return token(JSON.stringify(target.body[ref.attribute]));
      }
      return token(`${ref.address}.${ref.attribute}#${state.generations.get(ref.address) ?? 0}`);
    }
    return undefined;
  }

  /** Refusals of the stack's guard (see stacks' PlatformStateGuard) given what is deployed. */
  private guardRefusals(step: DeployStep): string[] {
    const locals = (step.json.locals ?? {}) as Record<string, unknown>;
    const refusals: string[] = [];
    for (const guard of Object.values(locals)) {
      if (!isGuard(guard)) continue;
      const platform = this.stacks.get(guard.platform_stack);
      const outputs = (platform?.step.json.output ?? {}) as Record<string, { value?: unknown }>;
      const cluster = outputs.cluster_identity?.value;
      const mode = outputs.pod_network_mode?.value;
      if (platform && cluster !== undefined && cluster !== guard.cluster) {
        refusals.push(
          `${step.stack}: refused while ${guard.platform_stack} holds resources: the change replaces the cluster`,
        );
      }
      if (platform && typeof mode === "string" && guard.refused_running_modes.includes(mode)) {
        refusals.push(
          `${step.stack}: refused while ${guard.platform_stack} runs "${mode}": the change removes ports it uses`,
        );
      }
    }
    return refusals;
  }

  /** What the plan deletes (or replaces), checked in the stack's own destroy order. */
  private checkDeletions(
    stack: string,
    before: StackState | undefined,
    plan: Map<string, Action>,
  ): void {
    const actions = [...plan.values()];
    const stable = actions.filter((a) => a.kind === "no-op" || a.kind === "update");
    const beforeClosure = dependencyClosure(before?.resources ?? []);
    const deletedFirst = (r: ModelResource) =>
      actions.filter(
        (a) =>
          (a.kind === "delete" || a.kind === "replace") &&
          beforeClosure.get(a.address)?.has(r.address),
      );
    const outliving = new Set<Capability>(this.traits.preexisting);
    for (const [other, s] of this.stacks) {
      if (other !== stack) for (const c of providedBy(s.resources, this.traits)) outliving.add(c);
    }
    for (const c of providedBy(
      stable.map((a) => a.before!),
      this.traits,
    ))
      outliving.add(c);

    for (const a of actions) {
      if (a.kind !== "delete" && a.kind !== "replace") continue;
      const r = a.before!;
      const firstGone = deletedFirst(r).map((d) => d.before!);
      for (const v of destroyViolations(r, this.traits, outliving, firstGone)) {
        this.violations.push(v.message);
      }
      if (a.kind === "replace" && runsOnDestroy(r)) {
        this.violations.push(
          `${describe(r)} is replaced by this change, which runs its destroy-time step on a live cluster`,
        );
      }
      const stays = (n: ModelResource) => !firstGone.includes(n);
      this.checkClusterDeletion(stack, r, stays, a);
      this.checkCrdDeletion(r, before?.resources ?? [], stays);
    }
  }

  /**
   * A changed Calico release makes calico-node roll to the new mode; until a wait proves the new
   * state, both modes may run. Checks that something waits, and that it proves the new state.
   */
  private rollCalico(to: Configuration, step: DeployStep, plan: Map<string, Action>): void {
    const operator = [...plan.values()].find(
      (a) => a.after?.type === "helm_release" && a.after.body.chart === "tigera-operator",
    );
    if (!operator || operator.kind === "no-op" || operator.kind === "create") return;
    const changedValues = !same(operator.before!.body.values, operator.after!.body.values);
    const changedVersion = operator.before!.body.version !== operator.after!.body.version;
    if (!changedValues && !changedVersion) return;
    this.modes.add(to.mode);
    this.checkNodePorts(`while calico-node rolls to "${to.mode}" in ${step.stack}`);
    const wait = [...plan.values()].find(
      (a) =>
        a.after?.type === "terraform_data" &&
        (a.after.body.input as { resource?: string } | undefined)?.resource ===
          "tigerastatus/calico",
    );
    if (!wait || (wait.kind !== "replace" && wait.kind !== "create")) {
      this.violations.push(
        `${step.stack}: the Calico release changes but no wait runs again, so nothing after it waits for the new state`,
      );
      return;
    }
    const input = (wait.after!.body.input ?? {}) as Record<string, unknown>;
    const unproven = [
      ...(changedValues && input.generation_of !== CALICO_STATUS_GENERATION_OF
        ? [
            `the Installation's new generation (TigeraStatus conditions carry observedGeneration of ${CALICO_STATUS_GENERATION_OF})`,
          ]
        : []),
      ...(changedVersion && input.field !== calicoVersionField(String(operator.after!.body.version))
        ? [`the new version (${calicoVersionField(String(operator.after!.body.version))})`]
        : []),
    ];
    if (unproven.length > 0) {
      this.violations.push(
        `${describe(wait.after!)} can pass on the status from before the change: it does not check ${unproven.join(" or ")}`,
      );
      return;
    }
    this.modes = new Set([to.mode]);
  }

  /** DeleteCluster needs every managed node group gone; CreateCluster a name not in use. */
  private checkClusterDeletion(
    stack: string,
    cluster: ModelResource,
    stays: (nodeGroup: ModelResource) => boolean,
    action?: Action,
  ): void {
    if (cluster.type !== "aws_eks_cluster") return;
    const name = String(cluster.body.name);
    for (const [other, state] of this.stacks) {
      for (const group of state.resources) {
        if (group.type !== "aws_eks_node_group") continue;
        if (other === stack && !stays(group)) continue;
        this.violations.push(
          `${describe(cluster)}: DeleteCluster ${name} while managed node group ${describe(group)} exists (EKS refuses)`,
        );
      }
    }
    if (action?.createFirst && action.after?.body.name === cluster.body.name) {
      this.violations.push(
        `${describe(cluster)}: replaced create-before-destroy under the same name ${name}, which the old cluster still holds (CreateCluster fails)`,
      );
    }
  }

  /** Deleting a release that installed CRDs deletes every object of those kinds. */
  private checkCrdDeletion(
    release: ModelResource,
    stackResourcesBefore: readonly ModelResource[],
    stays: (user: ModelResource) => boolean,
  ): void {
    if (release.type !== "helm_release" || keepsResources(release)) return;
    for (const crds of requirementsOf(release, this.traits).provides) {
      const known = CRD_RELEASES[crds];
      if (!known) continue;
      if (known.others) {
        this.violations.push(
          `${describe(release)} is deleted with its ${crds}, and with them all ${known.others}`,
        );
      }
      for (const user of stackResourcesBefore) {
        if (user === release || !stays(user)) continue;
        if (requirementsOf(user, this.traits).needs.includes(crds)) {
          this.violations.push(
            `${describe(release)} deletes its ${crds} while ${describe(user)} still has objects of them`,
          );
        }
      }
    }
  }

  /** The node security group must admit what every mode calico-node runs needs. */
  private checkNodePorts(when: string): void {
    const admitted = this.nodeRules();
    if (!admitted) return;
    for (const mode of this.modes) {
      const traits = podNetworkTraits(mode);
      const needed = [
        ...traits.nodePorts.map((p) => ({ ...p, label: p.description })),
        ...(traits.nativePodTraffic
          ? [{ protocol: "-1", fromPort: 0, toPort: 0, label: "pod traffic without encapsulation" }]
          : []),
      ];
      for (const port of needed) {
        if (admitted.some((rule) => admits(rule, port))) continue;
        this.violations.push(
          `${when}, the node security group does not admit ${port.label} (${port.protocol}/${port.fromPort}-${port.toPort}), which "${mode}" still uses`,
        );
      }
    }
  }

  /** Node-to-node ingress rules of the node security group, or undefined without one. */
  private nodeRules(): { protocol: string; fromPort?: number; toPort?: number }[] | undefined {
    for (const state of this.stacks.values()) {
      const group = state.resources.find(
        (r) => r.type === "aws_security_group" && /-node-$/.test(String(r.body.name_prefix)),
      );
      if (!group) continue;
      const own = (value: unknown) => String(value).includes(`${group.address}.id`);
      return state.resources
        .filter(
          (r) =>
            r.type === "aws_vpc_security_group_ingress_rule" &&
            own(r.body.security_group_id) &&
            own(r.body.referenced_security_group_id),
        )
        .map((r) => ({
          protocol: String(r.body.ip_protocol),
          fromPort: r.body.from_port as number | undefined,
          toPort: r.body.to_port as number | undefined,
        }));
    }
    return undefined;
  }
}

const namespaceName = (r: ModelResource) => String(get(r.body, "metadata.name"));

/** Namespaces that exist once `resources` are applied: namespace resources, and Helm's creates. */
function namespacesMadeBy(resources: readonly ModelResource[]): string[] {
  return resources.flatMap((r) =>
    r.type === "kubernetes_namespace_v1"
      ? [namespaceName(r)]
      : r.type === "helm_release" && r.body.create_namespace === true
        ? [String(r.body.namespace)]
        : [],
  );
}

/** The import block ConditionalImport writes for a namespace (constructs/shared/conditional-import.ts). */
const NAMESPACE_IMPORT =
  /^\$\{contains\(data\.kubernetes_all_namespaces\.[A-Za-z0-9_-]+\.namespaces, "([a-z0-9-]+)"\) \? toset\(\["\1"\]\) : toset\(\[\]\)\}$/;

/** Addresses the stack's import blocks import, given the namespaces the cluster has. */
function importedAddresses(step: DeployStep, namespaces: ReadonlySet<string>): Set<string> {
  const blocks = (step.json.import ?? []) as { to: string; for_each?: string }[];
  const imported = new Set<string>();
  for (const block of blocks) {
    const name = NAMESPACE_IMPORT.exec(block.for_each ?? "")?.[1];
    if (name === undefined) {
      throw new Error(
        `${step.stack}: the lifecycle model cannot evaluate the import block of ${block.to} ` +
          `(for_each ${JSON.stringify(block.for_each)}); teach test/support/lifecycle.ts`,
      );
    }
    if (namespaces.has(name)) imported.add(block.to);
  }
  return imported;
}

function admits(
  rule: { protocol: string; fromPort?: number; toPort?: number },
  port: { protocol: string; fromPort: number; toPort: number },
): boolean {
  if (rule.protocol === "-1") return true;
  if (rule.protocol !== port.protocol) return false;
  if (port.protocol !== "tcp" && port.protocol !== "udp") return true;
  return (rule.fromPort ?? 0) <= port.fromPort && port.toPort <= (rule.toPort ?? 65535);
}

interface Guard {
  readonly platform_stack: string;
  readonly cluster: string;
  readonly refused_running_modes: readonly string[];
}

function isGuard(value: unknown): value is Guard {
  return (
    !!value &&
    typeof value === "object" &&
    typeof (value as Guard).platform_stack === "string" &&
    Array.isArray((value as Guard).refused_running_modes)
  );
}

/** Whether a release's chart keeps what it installed on uninstall (`helm.sh/resource-policy`). */
function keepsResources(release: ModelResource): boolean {
  const values = (release.body.values ?? []) as unknown[];
  return values.some((v) => {
    try {
      return (JSON.parse(String(v)) as { resourcePolicy?: string }).resourcePolicy === "keep";
    } catch {
      return false;
    }
  });
}

/** Replacements Terraform refuses to plan: the new configuration keeps `prevent_destroy`. */
function protectedReplacements(plan: Map<string, Action>): string[] {
  return [...plan.values()]
    .filter((a) => a.kind === "replace" && get(a.after!.body, "lifecycle.prevent_destroy") === true)
    .map((a) => `${describe(a.after!)} has prevent_destroy and would be replaced`);
}

/** What Terraform plans for one stack going from `before` to `after`. */
function planStack(
  before: readonly ModelResource[],
  after: readonly ModelResource[],
): Map<string, Action> {
  const old = new Map(before.map((r) => [r.address, r]));
  const next = new Map(after.map((r) => [r.address, r]));
  const replaced = new Set<string>();
  const forcing = (r: ModelResource) => FORCES_REPLACEMENT[r.type] ?? [];
  for (const [address, r] of next) {
    const was = old.get(address);
    if (was && forcing(r).some((path) => !same(get(was.body, path), get(r.body, path)))) {
      replaced.add(address);
    }
  }
  // A forcing attribute that refers to a computed attribute of a replaced resource changes too.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [address, r] of next) {
      if (replaced.has(address) || !old.has(address)) continue;
      const forced = forcing(r).some((path) =>
        attributeReferences(get(r.body, path)).some(({ address: target, attribute }) => {
          if (!replaced.has(target)) return false;
          // A configured attribute keeps its known value unless the configuration changes it.
          const configured = next.get(target)?.body;
          if (!configured || !(attribute in configured)) return true;
          return !same(old.get(target)?.body[attribute], configured[attribute]);
        }),
      );
      if (forced) {
        replaced.add(address);
        grew = true;
      }
    }
  }
  const closure = dependencyClosure(after);
  const explicitFirst = (r: ModelResource) =>
    get(r.body, "lifecycle.create_before_destroy") === true;
  const createFirst = (address: string) =>
    explicitFirst(next.get(address)!) ||
    after.some((d) => explicitFirst(d) && closure.get(d.address)?.has(address));

  const plan = new Map<string, Action>();
  for (const [address, r] of next) {
    const was = old.get(address);
    const kind: ActionKind = !was
      ? "create"
      : replaced.has(address)
        ? "replace"
        : Object.keys({ ...was.body, ...r.body }).some(
              (k) => !META.has(k) && !same(was.body[k], r.body[k]),
            )
          ? "update"
          : "no-op";
    plan.set(address, {
      address,
      kind,
      before: was,
      after: r,
      createFirst: kind === "replace" && createFirst(address),
    });
  }
  for (const [address, r] of old) {
    if (!next.has(address)) {
      plan.set(address, { address, kind: "delete", before: r, createFirst: false });
    }
  }
  return plan;
}

/**
 * Walks `operations` from `start` deployed. Stops at the first plan that refuses; reports every
 * invariant broken before that. `guards: false` ignores the stacks' guards (to show what they
 * prevent); `prevent_destroy` always holds.
 */
export function walk(
  start: Configuration,
  operations: readonly Operation[],
  options: { readonly guards?: boolean } = {},
): WalkResult {
  const world = new World(start, options.guards ?? true);
  for (const operation of operations) {
    const refused =
      "deploy" in operation ? world.deploy(operation.deploy) : world.destroy(operation.destroy);
    if (refused.length > 0) return { refused, violations: [...new Set(world.violations)] };
  }
  return { refused: [], violations: [...new Set(world.violations)] };
}
