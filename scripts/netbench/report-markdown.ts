import { change, gbits, micros } from "./format";
import type { BenchResult, PathResult } from "./result";

function headline(result: BenchResult): string {
  const network = result.podNetwork
    ? `${result.podNetwork.mode} · interface MTU ${result.podNetwork.interfaceMtu} · pod MTU ${result.podNetwork.podMtu}`
    : "MTU per path";
  const { streams, seconds } = result.settings;
  return `${network} · ${result.startedAt} · ${streams} TCP streams × ${seconds} s`;
}

function row(path: PathResult): string {
  const placement = path.client ? `${path.client} → ${path.server}` : "–";
  const start = `| ${path.label} | ${placement} | ${path.encapsulation} | ${path.mtu} |`;
  const m = path.measurement;
  if (!m) {
    const why = path.skipped ? `not measured: ${path.skipped}` : `failed: ${path.error}`;
    return `${start} – | ${why} | | | |`;
  }
  return (
    `${start} ${m.mss ?? "–"} | ${gbits(m.throughputBps)} | ${m.retransmits} | ` +
    `${micros(m.rttUs.min)} / ${micros(m.rttUs.mean)} | ${micros(m.loadedRttUs)} |`
  );
}

function comparison(result: BenchResult, earlier: BenchResult): string[] {
  const mode = (r: BenchResult) => r.podNetwork?.mode ?? r.environment;
  const lines = [
    "",
    `## Compared with ${earlier.environment} (${mode(earlier)}, ${earlier.startedAt})`,
    "",
    `| path | before: ${mode(earlier)} | after: ${mode(result)} | change | retransmits | RTT mean |`,
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const after of result.paths) {
    const before = earlier.paths.find((p) => p.id === after.id);
    const b = before?.measurement;
    const a = after.measurement;
    const side = (p: PathResult | undefined) =>
      p?.measurement ? `${gbits(p.measurement.throughputBps)} (${p.encapsulation})` : "–";
    lines.push(
      `| ${after.label} | ${side(before)} | ${side(after)} | ` +
        `${b && a ? change(b.throughputBps, a.throughputBps) : "–"} | ` +
        `${b && a ? `${b.retransmits} → ${a.retransmits}` : "–"} | ` +
        `${b && a ? `${micros(b.rttUs.mean)} → ${micros(a.rttUs.mean)}` : "–"} |`,
    );
  }
  return lines;
}

/** The run as a Markdown table per path, and a side-by-side table when compared. */
export function renderMarkdown(result: BenchResult, earlier?: BenchResult): string {
  return [
    `# netbench: ${result.environment}`,
    "",
    headline(result) + (result.image ? `  \nimage \`${result.image}\`` : ""),
    "",
    "| path | client → server | encapsulation | MTU | MSS | throughput | retransmits | RTT min / mean (light load) | RTT under load |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...result.paths.map(row),
    ...(earlier ? comparison(result, earlier) : []),
    "",
  ].join("\n");
}
