/** Units as the reports print them. */

export function gbits(bitsPerSecond: number): string {
  return `${(bitsPerSecond / 1e9).toFixed(2)} Gbit/s`;
}

export function micros(us: number): string {
  return `${Math.round(us)} µs`;
}

/** Relative change, signed: `+12.5 %`, `−3.0 %`. */
export function change(before: number, after: number): string {
  if (before === 0) return "–";
  const percent = ((after - before) / before) * 100;
  return `${percent >= 0 ? "+" : "−"}${Math.abs(percent).toFixed(1)} %`;
}

/** `2026-11-20T09:14:05.123Z` → `20261120T091405Z`: the time in run ids and file names. */
export function compactTime(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}
