import { gbits } from "./format";
import type { BenchResult } from "./result";

const LABEL = 260;
const BAR = 380;
/** Room after the longest bar for its value and caption. */
const WIDTH = LABEL + BAR + 240;
const ROW = 22;
const COLORS = { after: "#2563eb", before: "#9ca3af" } as const;

function escape(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

function title(result: BenchResult): string {
  const network = result.podNetwork
    ? `${result.podNetwork.mode}, pod MTU ${result.podNetwork.podMtu}`
    : "MTU per path";
  return `${result.environment}: TCP throughput per path (${network})`;
}

/**
 * A horizontal bar chart of throughput per path; with `earlier`, each path gets the earlier run's
 * bar (grey) above this run's (blue).
 */
export function renderSvg(result: BenchResult, earlier?: BenchResult): string {
  const runs = earlier
    ? [
        { run: earlier, color: COLORS.before },
        { run: result, color: COLORS.after },
      ]
    : [{ run: result, color: COLORS.after }];
  const rates = runs.flatMap(({ run }) => run.paths.map((p) => p.measurement?.throughputBps ?? 0));
  const scale = BAR / Math.max(...rates, 1);
  const body: string[] = [];
  let y = 48;
  for (const path of result.paths) {
    const group = runs.length * ROW + 14;
    body.push(`<text x="8" y="${y + group / 2}" class="label">${escape(path.label)}</text>`);
    runs.forEach(({ run, color }, i) => {
      const match = run.paths.find((p) => p.id === path.id);
      const top = y + i * ROW;
      const m = match?.measurement;
      const caption = match ? `${match.encapsulation}, MTU ${match.mtu}` : "";
      if (m) {
        const width = Math.max(1, m.throughputBps * scale);
        body.push(
          `<rect x="${LABEL}" y="${top}" width="${width.toFixed(1)}" height="${ROW - 4}" fill="${color}"/>`,
          `<text x="${(LABEL + width + 6).toFixed(1)}" y="${top + ROW - 8}" class="value">${escape(`${gbits(m.throughputBps)} · ${caption}`)}</text>`,
        );
      } else {
        const why = match?.skipped ?? match?.error ?? "not in this run";
        body.push(
          `<text x="${LABEL}" y="${top + ROW - 8}" class="value">${escape(`not measured: ${why}`)}</text>`,
        );
      }
    });
    y += group;
  }
  const legend = earlier
    ? [
        `<rect x="${LABEL}" y="${y + 4}" width="12" height="12" fill="${COLORS.before}"/>`,
        `<text x="${LABEL + 18}" y="${y + 14}" class="value">${escape(`${earlier.podNetwork?.mode ?? earlier.environment} ${earlier.startedAt}`)}</text>`,
        `<rect x="${LABEL + 260}" y="${y + 4}" width="12" height="12" fill="${COLORS.after}"/>`,
        `<text x="${LABEL + 278}" y="${y + 14}" class="value">${escape(`${result.podNetwork?.mode ?? result.environment} ${result.startedAt}`)}</text>`,
      ]
    : [];
  const height = y + (earlier ? 28 : 8);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img">`,
    "<style>text{font-family:sans-serif;fill:#111827}.title{font-size:15px;font-weight:bold}.label{font-size:13px}.value{font-size:12px}</style>",
    `<text x="8" y="24" class="title">${escape(title(result))}</text>`,
    ...body,
    ...legend,
    "</svg>",
    "",
  ].join("\n");
}
