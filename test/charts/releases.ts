/**
 * The Helm releases of synthesized stacks, as the chart-render tests need them: which chart,
 * which values (Terraform references replaced by what the infra stack would give them), which
 * Kubernetes version. Read from the synthesized JSON, so a release added to any stack is rendered
 * without touching the tests.
 */
import * as path from "path";
import { chartReference, type ChartReference } from "../../scripts/lib/charts/references";
import { Resolver, type SynthesizedStacks } from "../access/synthesized";
import { policyJson, type SynthJson } from "../support/synth";

export interface ChartRelease {
  readonly stack: string;
  /** The resource's logical ID. */
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  /** A repository chart (found in the chart cache), or the path of a chart shipped as an asset. */
  readonly chart: ChartReference | { readonly path: string };
  /** Values documents in the release's order (later ones win), references resolved. */
  readonly values: readonly unknown[];
  /** `--set`-style arguments from the release's `set` and `set_list` blocks. */
  readonly setArguments: readonly string[];
  /** Helm installs the chart's `crds/` unless the release skips them. */
  readonly includeCrds: boolean;
  /** `vX.Y.0` of the environment's Kubernetes minor. */
  readonly kubeVersion: string;
}

interface SetBlock {
  readonly name: string;
  readonly value?: unknown;
  readonly type?: string;
}

/** What a `${data.helm_template.<id>.crds}` reference is replaced with. */
export type CrdSource = (reference: ChartReference, where: string) => Promise<string[]>;

const TEMPLATE_CRDS = /^\$\{data\.helm_template\.([\w-]+)\.crds\}$/;

/**
 * Every `helm_release` of every stack in `kubernetesVersions` (stack name to Kubernetes minor),
 * with values resolved. `stackDir` locates asset charts; `crds` reads a chart's `crds/` for
 * `helm_template` references.
 */
export async function chartReleases(
  stacks: SynthesizedStacks,
  kubernetesVersions: ReadonlyMap<string, string>,
  stackDir: (stack: string) => string,
  crds: CrdSource,
): Promise<ChartRelease[]> {
  const releases: ChartRelease[] = [];
  for (const [stack, minor] of kubernetesVersions) {
    const json = stacks.get(stack);
    if (!json) throw new Error(`no synthesized stack ${stack}`);
    const resolver = new Resolver(stacks, stack);
    for (const [id, release] of Object.entries(json.resource?.helm_release ?? {})) {
      const where = `${stack} helm_release.${id}`;
      const attributes = release as {
        name: string;
        namespace?: string;
        chart: string;
        repository?: string;
        version?: string;
        values?: string[];
        set?: SetBlock[];
        set_list?: SetBlock[];
        set_sensitive?: SetBlock[];
        skip_crds?: boolean;
      };
      const reference = chartReference(attributes, where);
      const values: unknown[] = [];
      for (const document of attributes.values ?? []) {
        values.push(await resolveValues(parseValues(document, where), json, resolver, crds, where));
      }
      releases.push({
        stack,
        id,
        name: attributes.name,
        namespace: attributes.namespace ?? "default",
        chart: reference ?? { path: path.join(stackDir(stack), attributes.chart) },
        values,
        setArguments: [
          ...(attributes.set ?? []).map((s) => setArgument(resolver.resolve(s), where)),
          ...(attributes.set_sensitive ?? []).map((s) => setArgument(resolver.resolve(s), where)),
          ...(attributes.set_list ?? []).map((s) => setListArgument(resolver.resolve(s), where)),
        ],
        includeCrds: attributes.skip_crds !== true,
        kubeVersion: `v${minor}.0`,
      });
    }
  }
  return releases;
}

/** A values document: a JSON string, or the `${jsonencode({...})}` cdktf writes for `Fn.jsonencode`. */
function parseValues(document: string, where: string): unknown {
  try {
    return document.startsWith("${jsonencode(")
      ? policyJson<unknown>(document)
      : JSON.parse(document);
  } catch (error) {
    throw new Error(
      `${where}: a values document is neither JSON nor jsonencode(): ${String(error)}`,
    );
  }
}

async function resolveValues(
  value: unknown,
  json: SynthJson,
  resolver: Resolver,
  crds: CrdSource,
  where: string,
): Promise<unknown> {
  if (typeof value === "string") {
    const template = TEMPLATE_CRDS.exec(value);
    if (!template) return resolver.resolve(value);
    const source = json.data?.helm_template?.[template[1]];
    const reference = source && chartReference(source as { chart: string }, where);
    if (!reference) throw new Error(`${where}: ${value} names no repository chart`);
    return crds(reference, where);
  }
  if (Array.isArray(value)) {
    return Promise.all(value.map((item) => resolveValues(item, json, resolver, crds, where)));
  }
  if (value !== null && typeof value === "object") {
    const entries = await Promise.all(
      Object.entries(value).map(
        async ([key, item]) =>
          [key, await resolveValues(item, json, resolver, crds, where)] as const,
      ),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

/** The helm provider's `set` types: auto (`--set`), string (`--set-string`), literal (`--set-literal`). */
function setArgument(block: SetBlock, where: string): string {
  const flag = { auto: "--set", string: "--set-string", literal: "--set-literal" }[
    block.type ?? "auto"
  ];
  if (!flag || typeof block.value !== "string") {
    throw new Error(`${where}: set ${block.name} has type ${block.type} or a non-string value`);
  }
  return `${flag}=${block.name}=${block.value}`;
}

function setListArgument(block: SetBlock, where: string): string {
  if (!Array.isArray(block.value))
    throw new Error(`${where}: set_list ${block.name} is not a list`);
  return `--set=${block.name}={${block.value.map(String).join(",")}}`;
}
