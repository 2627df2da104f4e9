/**
 * The chart-render layer: every release of the given stacks rendered with its real chart and
 * the objects validated (render.ts, validate.ts). One run shares the renderer, so a chart with
 * the same values and Kubernetes version renders once.
 */
import { parse as parseYaml } from "yaml";
import { mapLimit, CONCURRENCY } from "../terraform/support";
import type { SynthesizedStacks } from "../access/synthesized";
import { chartFile } from "../../scripts/lib/charts/chart-files";
import type { KubernetesDefinitions, JsonSchema } from "./kubernetes-schema";
import { chartReleases, type ChartRelease } from "./releases";
import { HelmRenderer, RenderError, releaseLabel, type KubernetesObject } from "./render";
import { ObjectValidator, valuesSchemaProblems } from "./validate";

export interface ReleaseCheck {
  readonly release: ChartRelease;
  readonly label: string;
  readonly objects: readonly KubernetesObject[];
  /** Render errors, values-schema and object validation problems; empty when the release is fine. */
  readonly problems: readonly string[];
  /** Wall time of its `helm template` (0 when an identical render was reused). */
  readonly seconds: number;
}

export interface LayerInput {
  readonly stacks: SynthesizedStacks;
  /** Stack name to the environment's Kubernetes minor: the stacks to render. */
  readonly kubernetesVersions: ReadonlyMap<string, string>;
  readonly stackDir: (stack: string) => string;
}

export async function checkCharts(
  input: LayerInput,
  renderer: HelmRenderer,
  kubernetes: KubernetesDefinitions,
): Promise<ReleaseCheck[]> {
  const releases = await chartReleases(
    input.stacks,
    input.kubernetesVersions,
    input.stackDir,
    (reference) => renderer.crds(reference),
  );
  const rendered = await mapLimit(releases, CONCURRENCY, (release) =>
    renderRelease(release, renderer, kubernetes),
  );
  const validator = new ObjectValidator(kubernetes);
  return rendered.map((result) => {
    const crds = rendered
      .filter((other) => other.release.stack === result.release.stack)
      .flatMap((other) => other.objects)
      .filter((object) => object.kind === "CustomResourceDefinition");
    const problems = [
      ...result.problems,
      ...validator.problems(result.objects, crds),
      ...(result.problems.length === 0 && result.objects.length === 0 ? ["renders no object"] : []),
    ];
    return { ...result, problems: problems.map((p) => `${result.label}: ${p}`) };
  });
}

async function renderRelease(
  release: ChartRelease,
  renderer: HelmRenderer,
  kubernetes: KubernetesDefinitions,
): Promise<Omit<ReleaseCheck, "problems"> & { problems: string[] }> {
  const label = releaseLabel(release);
  try {
    const chartPath =
      "path" in release.chart ? release.chart.path : renderer.verifiedArchive(release.chart);
    const schemaText = chartFile(chartPath, "values.schema.json");
    const schema = schemaText === undefined ? undefined : (JSON.parse(schemaText) as JsonSchema);
    // Helm would fetch a remote $ref while validating values: skip its validation and run the
    // same schema here against the local Kubernetes definitions, on the same coalesced values.
    const offlineSchema = schema !== undefined && hasRemoteReference(schema);
    // Helm's --set syntax is not re-implemented here, so set blocks would escape that check.
    const unchecked =
      offlineSchema && release.setArguments.length > 0
        ? [
            "sets values with set/set_list blocks on a chart whose values schema is checked here: pass them in values",
          ]
        : [];
    const problems = offlineSchema
      ? valuesSchemaProblems(
          schema,
          release.values.reduce(
            coalesce,
            parseYaml(await renderer.show("values", chartPath)) ?? {},
          ),
          kubernetes,
        )
      : [];
    const result = await renderer.render(
      release,
      offlineSchema ? ["--skip-schema-validation"] : [],
    );
    return {
      release,
      label,
      objects: result.objects,
      problems: [...unchecked, ...problems],
      seconds: result.reused ? 0 : result.seconds,
    };
  } catch (error) {
    if (!(error instanceof RenderError)) throw error;
    return { release, label, objects: [], problems: [error.message], seconds: 0 };
  }
}

function hasRemoteReference(schema: unknown): boolean {
  return /"\$ref":\s*"https?:/.test(JSON.stringify(schema));
}

/**
 * Helm's merge of values documents: maps merge key by key, anything else is replaced, and a null
 * removes the key.
 */
export function coalesce(base: unknown, override: unknown): unknown {
  if (!isMap(base) || !isMap(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete merged[key];
    else merged[key] = key in base ? coalesce(base[key], value) : value;
  }
  return merged;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
