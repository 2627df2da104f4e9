/**
 * Cross-stack effects. Each stack is planned against its own state, so a change to what
 * `<env>-infra` outputs shows nothing in `<env>-platform`, which reads those outputs through
 * `terraform_remote_state` (cdktf's cross-stack references): the platform changes only after the
 * infra applies. This finds, from the plans and the configurations, which outputs change and which
 * resources of each reading stack use them (directly, or through another resource that does).
 */
import { describe, formatPath, formatValue, KNOWN_AFTER_APPLY, SENSITIVE } from "./attributes";
import type { ResourceChangeJson, TerraformPlanJson } from "./plan-json";
import { isRecord } from "../lib/is-record";

/** How one stack's configuration uses other stacks' outputs and its own resources. */
export interface StackReferences {
  /** `terraform_remote_state` data source name → the stack whose state it reads. */
  readonly remoteStates: Readonly<Record<string, string>>;
  /** Per resource address: the remote outputs and the resources of this stack it reads. */
  readonly resources: Readonly<Record<string, ResourceReferences>>;
  /** Per provider configuration (`helm`, `kubernetes`): the remote outputs it reads. */
  readonly providers: Readonly<Record<string, readonly RemoteOutput[]>>;
}

export interface ResourceReferences {
  readonly outputs: readonly RemoteOutput[];
  readonly resources: readonly string[];
}

export interface RemoteOutput {
  readonly dataSource: string;
  readonly output: string;
  /** Attribute of the reading resource that uses it (`node_role_arn`, `values[0]`). */
  readonly attribute: string;
}

export const NO_REFERENCES: StackReferences = { remoteStates: {}, resources: {}, providers: {} };

export interface OutputDelta {
  readonly output: string;
  /** The attribute the output is, by construct path (`dev-infra/cluster/cluster.version`). */
  readonly source?: string;
  readonly before: string;
  readonly after: string;
}

export interface Dependent {
  /** Construct path, or address. */
  readonly name: string;
  readonly address: string;
  readonly type: string;
  /** The attributes using a changed output, or the resource it depends on through. */
  readonly via: readonly string[];
}

export interface CrossStackEffect {
  /** The stack whose outputs change. */
  readonly from: string;
  readonly outputs: readonly OutputDelta[];
  readonly dependents: readonly Dependent[];
  /** Provider configurations that read a changed output (the helm and kubernetes connections). */
  readonly providers: readonly string[];
}

const REMOTE_OUTPUT = /data\.terraform_remote_state\.([\w-]+)\.outputs\.([\w-]+)/g;
const CROSS_STACK_INPUT = /^cross-stack-reference-input-(.+)$/;

/** The stack a remote-state data source reads: cdktf's name for it, or the state file's name. */
function stackOfRemoteState(name: string, config: unknown): string | undefined {
  const byName = CROSS_STACK_INPUT.exec(name)?.[1];
  if (byName) return byName;
  const location = config as { key?: unknown; path?: unknown } | undefined;
  const file = [location?.key, location?.path].find((v): v is string => typeof v === "string");
  return file
    ?.split("/")
    .pop()
    ?.replace(/^terraform\./, "")
    .replace(/\.tfstate$/, "");
}

/** Every string under `value`, with the attribute path it sits at. */
function strings(value: unknown, path: (string | number)[] = []): [string, string][] {
  if (typeof value === "string") return [[formatPath(path), value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, [...path, i]));
  if (isRecord(value))
    return Object.entries(value)
      .filter(([key]) => key !== "//")
      .flatMap(([k, v]) => strings(v, [...path, k]));
  return [];
}

function remoteOutputsIn(pairs: readonly [string, string][]): RemoteOutput[] {
  return pairs.flatMap(([attribute, text]) =>
    [...text.matchAll(REMOTE_OUTPUT)].map((m) => ({
      dataSource: m[1],
      output: m[2],
      attribute,
    })),
  );
}

interface SynthJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly provider?: Readonly<Record<string, readonly unknown[]>>;
}

/** References in a synthesized `cdk.tf.json`, read from its `${...}` expressions. */
export function referencesFromSynth(config: unknown): StackReferences {
  const json = (isRecord(config) ? config : {}) as SynthJson;
  const remoteStates: Record<string, string> = {};
  for (const [name, body] of Object.entries(json.data?.terraform_remote_state ?? {})) {
    const stack = stackOfRemoteState(name, (body as { config?: unknown }).config);
    if (stack) remoteStates[name] = stack;
  }
  const addresses = new Set(
    Object.entries(json.resource ?? {}).flatMap(([type, byName]) =>
      Object.keys(byName).map((name) => `${type}.${name}`),
    ),
  );
  const resources: Record<string, ResourceReferences> = {};
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const pairs = strings(body).filter(([path]) => !path.startsWith("depends_on"));
      const referenced = pairs.flatMap(([, text]) =>
        [...text.matchAll(/\$\{([^}]*)\}/g)].flatMap((m) =>
          [...m[1].matchAll(/([A-Za-z_][\w-]*)\.([\w-]+)/g)]
            .map((r) => `${r[1]}.${r[2]}`)
            .filter((a) => addresses.has(a)),
        ),
      );
      resources[`${type}.${name}`] = {
        outputs: remoteOutputsIn(pairs),
        resources: [...new Set(referenced)].filter((a) => a !== `${type}.${name}`),
      };
    }
  }
  const providers: Record<string, RemoteOutput[]> = {};
  for (const [name, configs] of Object.entries(json.provider ?? {})) {
    const outputs = remoteOutputsIn(strings(configs));
    if (outputs.length > 0) providers[name] = outputs;
  }
  return { remoteStates, resources, providers };
}

interface ConfigModule {
  readonly resources?: readonly {
    readonly address: string;
    readonly mode?: string;
    readonly type?: string;
    readonly name?: string;
    readonly expressions?: unknown;
  }[];
  readonly outputs?: Readonly<Record<string, { readonly expression?: unknown }>>;
}

/** `references` lists under an expression tree, with the attribute path of each. */
function expressionReferences(
  expressions: unknown,
  path: (string | number)[] = [],
): [string, string][] {
  if (Array.isArray(expressions))
    return expressions.flatMap((e, i) => expressionReferences(e, [...path, i]));
  if (!isRecord(expressions)) return [];
  if (Array.isArray(expressions.references)) {
    return expressions.references
      .filter((r): r is string => typeof r === "string")
      .map((r) => [formatPath(path), r]);
  }
  return Object.entries(expressions).flatMap(([k, v]) => expressionReferences(v, [...path, k]));
}

/** References in a plan's `configuration` (`terraform show -json` of a plan). */
export function referencesFromPlan(plan: TerraformPlanJson): StackReferences {
  const root = (plan.configuration?.root_module ?? {}) as ConfigModule;
  const remoteStates: Record<string, string> = {};
  for (const r of root.resources ?? []) {
    if (r.mode !== "data" || r.type !== "terraform_remote_state" || !r.name) continue;
    const config = (r.expressions as { config?: { constant_value?: unknown } } | undefined)?.config;
    const stack = stackOfRemoteState(r.name, config?.constant_value);
    if (stack) remoteStates[r.name] = stack;
  }
  const managed = (root.resources ?? []).filter((r) => r.mode !== "data");
  const addresses = new Set(managed.map((r) => r.address));
  const resources: Record<string, ResourceReferences> = {};
  for (const r of managed) {
    const pairs = expressionReferences(r.expressions);
    resources[r.address] = {
      outputs: remoteOutputsIn(pairs.map(([attribute, ref]) => [attribute, `${ref}.`])).filter(
        // Terraform lists every prefix of a reference; the one naming an output is enough.
        (o, i, all) =>
          all.findIndex((x) => x.output === o.output && x.attribute === o.attribute) === i,
      ),
      resources: [
        ...new Set(
          pairs
            .map(([, ref]) => ref.split(".").slice(0, 2).join("."))
            .filter((a) => addresses.has(a) && a !== r.address),
        ),
      ],
    };
  }
  const providers: Record<string, RemoteOutput[]> = {};
  for (const [name, provider] of Object.entries(plan.configuration?.provider_config ?? {})) {
    const pairs = expressionReferences((provider as { expressions?: unknown }).expressions);
    const outputs = remoteOutputsIn(pairs.map(([a, ref]) => [a, `${ref}.`]));
    if (outputs.length > 0) providers[name] = outputs;
  }
  return { remoteStates, resources, providers };
}

/** `aws_eks_cluster.c.certificate_authority[0].data` → address and attribute path. */
function splitReference(reference: string): { address: string; path: (string | number)[] } {
  const [type, name, ...rest] = reference.split(".");
  const path = rest.flatMap((part) => {
    const m = /^([^[]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) return [part];
    return [m[1], ...[...m[2].matchAll(/\[(\d+)\]/g)].map((i) => Number(i[1]))];
  });
  return { address: `${type}.${name}`, path };
}

/**
 * The outputs `plan` changes, with values safe to show. A sensitive output (cdktf marks every
 * cross-stack output sensitive) is shown through the resource attribute it is, masked as that
 * attribute's own sensitivity says.
 */
export function outputDeltas(
  plan: TerraformPlanJson,
  constructPaths: Readonly<Record<string, string>>,
): OutputDelta[] {
  const outputs = ((plan.configuration?.root_module ?? {}) as ConfigModule).outputs ?? {};
  const changes = new Map((plan.resource_changes ?? []).map((c) => [c.address, c]));
  return Object.entries(plan.output_changes ?? {}).flatMap(([output, oc]): OutputDelta[] => {
    if (oc.actions.includes("no-op") || oc.actions.length === 0) return [];
    const [reference] = expressionReferences(outputs[output]?.expression).map(([, r]) => r);
    const target = reference ? splitReference(reference) : undefined;
    const source = target
      ? `${constructPaths[target.address] ?? target.address}.${formatPath(target.path)}`
      : undefined;
    const resourceChange: ResourceChangeJson | undefined = target && changes.get(target.address);
    const created = oc.actions.includes("create") && !oc.actions.includes("delete");
    const sensitive = oc.before_sensitive === true || oc.after_sensitive === true;
    let before = created ? "(none)" : sensitive ? SENSITIVE : formatValue(oc.before);
    let after =
      oc.actions.includes("delete") && !oc.actions.includes("create")
        ? "(removed)"
        : oc.after_unknown === true
          ? KNOWN_AFTER_APPLY
          : sensitive
            ? SENSITIVE
            : formatValue(oc.after);
    if (sensitive && target && resourceChange && target.path.length > 0) {
      const attribute = describe(resourceChange.change, target.path);
      if (!created) before = attribute.before;
      if (after === SENSITIVE) after = attribute.after;
    }
    return [{ output, ...(source ? { source } : {}), before, after }];
  });
}

/**
 * What the reading stack (`references`) will change once `from` applies `deltas`: the resources
 * that read a changed output, then those that read such a resource, and the providers.
 */
export function crossStackEffect(
  from: string,
  deltas: readonly OutputDelta[],
  references: StackReferences,
  constructPaths: Readonly<Record<string, string>>,
): CrossStackEffect | undefined {
  const dataSources = new Set(
    Object.entries(references.remoteStates)
      .filter(([, stack]) => stack === from)
      .map(([name]) => name),
  );
  const changed = new Set(deltas.map((d) => d.output));
  const reads = (o: RemoteOutput) => dataSources.has(o.dataSource) && changed.has(o.output);
  const used = new Set<string>();
  const via = new Map<string, string[]>();
  for (const [address, refs] of Object.entries(references.resources)) {
    const attributes = [...new Set(refs.outputs.filter(reads).map((o) => o.attribute))];
    if (attributes.length > 0) via.set(address, attributes);
    for (const o of refs.outputs.filter(reads)) used.add(o.output);
  }
  // Resources reading a changed resource change too (a launch template's new version rolls the
  // node group that uses it).
  let grew = true;
  while (grew) {
    grew = false;
    for (const [address, refs] of Object.entries(references.resources)) {
      if (via.has(address)) continue;
      const through = refs.resources.filter((r) => via.has(r));
      if (through.length > 0) {
        via.set(
          address,
          through.map((r) => `→ ${constructPaths[r] ?? r}`),
        );
        grew = true;
      }
    }
  }
  const providers = Object.entries(references.providers)
    .filter(([, outputs]) => outputs.some(reads))
    .map(([name]) => name);
  for (const outputs of Object.values(references.providers))
    for (const o of outputs.filter(reads)) used.add(o.output);
  if (used.size === 0) return undefined;
  return {
    from,
    outputs: deltas.filter((d) => used.has(d.output)),
    dependents: [...via].map(([address, attributes]) => ({
      name: constructPaths[address] ?? address,
      address,
      type: address.split(".")[0],
      via: attributes,
    })),
    providers,
  };
}
