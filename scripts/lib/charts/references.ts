/**
 * The upstream charts a synthesized stack installs or renders: every `helm_release` and
 * `helm_template` data source that names a repository (the project's own chart ships with the
 * stack as an asset and needs no download).
 */

export interface ChartReference {
  /** `https://...` chart repository or `oci://...` registry path. */
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
}

/** The attributes of a synthesized `helm_release` or `helm_template` that locate its chart. */
export interface HelmChartAttributes {
  readonly chart: string;
  readonly repository?: string;
  readonly version?: string;
}

interface StackJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
}

/**
 * Where a release's chart comes from: a repository chart (`repository` + `chart`, or a full
 * `oci://` reference in `chart`) at an exact version, or undefined for a local chart path.
 * Throws for a repository chart without an exact version, which no cache can hold.
 */
export function chartReference(
  attributes: HelmChartAttributes,
  where: string,
): ChartReference | undefined {
  const { chart, version } = attributes;
  let repository = attributes.repository;
  let name = chart;
  if (!repository && chart.startsWith("oci://")) {
    repository = chart.slice(0, chart.lastIndexOf("/"));
    name = chart.slice(chart.lastIndexOf("/") + 1);
  }
  if (!repository) return undefined;
  if (!version || !/^v?\d+\.\d+\.\d+([-+][\w.-]+)?$/.test(version)) {
    throw new Error(
      `${where}: chart ${name} from ${repository} has no exact version (${version ?? "none"}); ` +
        "pin one, so that every plan installs what was tested",
    );
  }
  return { repository: repository.replace(/\/+$/, ""), chart: name, version };
}

/** Every distinct repository chart the stacks use, sorted by chart and version. */
export function chartReferences(stacks: ReadonlyMap<string, StackJson>): ChartReference[] {
  const found = new Map<string, ChartReference>();
  for (const [stack, json] of stacks) {
    const blocks = [
      ...Object.entries(json.resource?.helm_release ?? {}),
      ...Object.entries(json.data?.helm_template ?? {}),
    ];
    for (const [id, attributes] of blocks) {
      const reference = chartReference(
        attributes as unknown as HelmChartAttributes,
        `${stack} ${id}`,
      );
      if (reference)
        found.set(`${reference.repository} ${reference.chart} ${reference.version}`, reference);
    }
  }
  return [...found.values()].sort(
    (a, b) => a.chart.localeCompare(b.chart) || a.version.localeCompare(b.version),
  );
}
