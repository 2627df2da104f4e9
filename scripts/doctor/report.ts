import type { Verdict } from "./check";
import type { DoctorReport } from "./doctor";

export const SYMBOLS: Readonly<Record<Verdict, string>> = { pass: "✔", warn: "⚠", fail: "✘" };

/** The checklist: one line per finding, its fix indented below it, and a summary line. */
export function renderChecklist(report: DoctorReport): string {
  const width = Math.max(...report.findings.map((f) => f.check.length));
  const indent = " ".repeat(width + 3);
  const lines = [
    `doctor ${report.environment}: ${report.platform}, ${report.mode}, ` +
      `pod MTU ${report.podMtu} (interface ${report.interfaceMtu})`,
  ];
  for (const finding of report.findings) {
    lines.push(`${SYMBOLS[finding.verdict]} ${finding.check.padEnd(width)} ${finding.message}`);
    if (finding.verdict !== "pass" && finding.fix) lines.push(`${indent}fix: ${finding.fix}`);
  }
  const { pass, warn, fail } = report.summary;
  lines.push(`${pass} ${SYMBOLS.pass}  ${warn} ${SYMBOLS.warn}  ${fail} ${SYMBOLS.fail}`);
  return lines.join("\n");
}

/** 1 when anything failed, so a pipeline step stops on a broken network. */
export function exitCode(report: DoctorReport): number {
  return report.summary.fail > 0 ? 1 : 0;
}
