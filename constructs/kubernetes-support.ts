/**
 * Whether a Kubernetes version may be used today: against the EKS calendar (`EKS_CALENDAR`) and
 * the ranges of the pinned components (`COMPONENT_SUPPORT`). Pure functions of the version and
 * the date; `supportDate()` is the one place that reads the clock.
 */
import type { EksSupportType } from "./eks/props";
import {
  COMPONENT_SUPPORT,
  ChartName,
  EKS_CALENDAR,
  KubernetesRange,
  KubernetesVersion,
  VERSIONS,
} from "./versions";

/** Overrides today's date (`YYYY-MM-DD`, UTC) for the support checks: tests pin it, people preview. */
export const SUPPORT_DATE_VARIABLE = "PLATFORM_TODAY";

/** How long before the end of standard support synth starts warning. */
export const SUPPORT_WARNING_DAYS = 90;

export interface SupportFinding {
  /** `error` refuses the configuration; `warning` lets synth go on. */
  readonly level: "error" | "warning";
  readonly message: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Milliseconds since the epoch of a `YYYY-MM-DD` date at 00:00 UTC; undefined if invalid. */
function parseDate(text: string): number | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = match.slice(1).map(Number);
  const time = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2026-02-30 over into March: only dates that round-trip are real.
  const back = new Date(time);
  return back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === day
    ? time
    : undefined;
}

/**
 * Today's date in UTC (the calendar's time zone), or `PLATFORM_TODAY` when set. Throws with what
 * to change when the variable is not a real date.
 */
export function supportDate(env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): string {
  const override = env[SUPPORT_DATE_VARIABLE];
  if (override !== undefined && override !== "") {
    if (override.length > 10 || parseDate(override) === undefined) {
      throw new Error(
        `${SUPPORT_DATE_VARIABLE} must be a date such as 2026-12-06 (UTC), or unset for today; got ${JSON.stringify(override.slice(0, 40))}`,
      );
    }
    return override;
  }
  return now.toISOString().slice(0, 10);
}

/** Days from `from` to `to` (both `YYYY-MM-DD`); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  const a = parseDate(from);
  const b = parseDate(to);
  if (a === undefined || b === undefined)
    throw new Error(`not a date: ${a === undefined ? from : to}`);
  return Math.round((b - a) / DAY_MS);
}

function minorOf(version: string): [number, number] {
  const [major, minor] = version.split(".").map(Number);
  return [major, minor];
}

function compareVersions(a: string, b: string): number {
  const [am, an] = minorOf(a);
  const [bm, bn] = minorOf(b);
  return am !== bm ? am - bm : an - bn;
}

/** The accepted version after `version`, if any. */
export function nextKubernetesVersion(version: KubernetesVersion): KubernetesVersion | undefined {
  const index = VERSIONS.kubernetes.indexOf(version);
  return VERSIONS.kubernetes[index + 1];
}

function upgradeAdvice(version: KubernetesVersion, when = ""): string {
  const next = nextKubernetesVersion(version);
  return next
    ? `upgrade to ${next}${when}, one minor version at a time (docs/upgrades.md)`
    : `upgrade to a newer version${when} once the toolkit pins one (docs/versions.md)`;
}

export interface EksSupportOptions {
  readonly supportType: EksSupportType;
  /** `YYYY-MM-DD`, UTC; see `supportDate()`. */
  readonly today: string;
  /** How messages name the support policy setting, such as `cluster.supportType`. */
  readonly supportTypeField: string;
}

/**
 * What the EKS calendar says about running `version` today: an error past the end of extended
 * support (EKS creates no such cluster), or past the end of standard support under the STANDARD
 * policy (EKS upgrades the control plane itself and every later plan tries a downgrade); a warning
 * in extended support, and within `SUPPORT_WARNING_DAYS` of the end of standard support.
 */
export function eksSupportFindings(
  version: KubernetesVersion,
  options: EksSupportOptions,
): SupportFinding[] {
  const dates = EKS_CALENDAR[version];
  const { today, supportType, supportTypeField } = options;
  const standard = dates.endOfStandardSupport;
  const extended = dates.endOfExtendedSupport;
  const unconfirmed = dates.confirmed ? "" : ` (dates from ${dates.source})`;
  const advice = upgradeAdvice(version);
  if (daysBetween(extended, today) >= 0) {
    return [
      {
        level: "error",
        message:
          `Kubernetes ${version} reached the end of EKS extended support on ${extended} ` +
          `(standard support ended ${standard})${unconfirmed}: EKS creates no cluster of it and ` +
          `upgrades existing ones itself; ${advice}`,
      },
    ];
  }
  if (daysBetween(standard, today) >= 0) {
    if (supportType === "STANDARD") {
      return [
        {
          level: "error",
          message:
            `Kubernetes ${version}'s EKS standard support ended on ${standard}${unconfirmed}; under ` +
            `the STANDARD upgrade policy EKS upgrades the control plane itself, and every later ` +
            `plan then tries a downgrade. ${capitalize(advice)}, or set ${supportTypeField}: ` +
            `EXTENDED to accept extended support (billed per cluster hour, until ${extended})`,
        },
      ];
    }
    return [
      {
        level: "warning",
        message:
          `Kubernetes ${version} is in EKS extended support since ${standard}, billed per cluster ` +
          `hour until ${extended}${unconfirmed}, when EKS upgrades it itself; ${advice}`,
      },
    ];
  }
  const left = daysBetween(today, standard);
  if (left <= SUPPORT_WARNING_DAYS) {
    const then =
      supportType === "STANDARD"
        ? "EKS upgrades the control plane itself"
        : `extended support is billed until ${extended}`;
    return [
      {
        level: "warning",
        message:
          `Kubernetes ${version}'s EKS standard support ends on ${standard}, in ${left} ` +
          `day${left === 1 ? "" : "s"}${unconfirmed} (then ${then}); ${upgradeAdvice(version, " before then")}`,
      },
    ];
  }
  return [];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function inRange(version: string, range: KubernetesRange): boolean {
  return (
    compareVersions(version, range.min) >= 0 &&
    (range.max === undefined || compareVersions(version, range.max) <= 0)
  );
}

function describeRange(range: KubernetesRange): string {
  if (range.max === undefined) return `${range.min} or later`;
  return range.min === range.max ? range.min : `${range.min} to ${range.max}`;
}

/** The accepted versions every one of `components` runs on. */
export function versionsSupportedBy(components: readonly ChartName[]): KubernetesVersion[] {
  return VERSIONS.kubernetes.filter((version) =>
    components.every((c) => inRange(version, COMPONENT_SUPPORT[c].kubernetes)),
  );
}

/**
 * Why the pinned `components` cannot run on Kubernetes `version`, one message per component
 * (empty when all can). Each says which range the component's upstream states and which versions
 * every component accepts.
 */
export function componentSupportProblems(
  version: KubernetesVersion,
  components: readonly ChartName[],
): string[] {
  const usable = versionsSupportedBy(components);
  const instead =
    usable.length > 0
      ? `use ${usable.length === 1 ? "" : "one of "}${usable.join(", ")}`
      : "no accepted version suits every component";
  return [...new Set(components)]
    .map((component) => COMPONENT_SUPPORT[component])
    .filter((support) => !inRange(version, support.kubernetes))
    .map((support) => {
      const range = describeRange(support.kubernetes);
      const basis = {
        tested: `is tested on Kubernetes ${range} only`,
        supported: `supports Kubernetes ${range} (its compatibility matrix)`,
        kubeVersion: `requires Kubernetes ${range} (its chart's kubeVersion, which Helm enforces)`,
      }[support.basis];
      return `Kubernetes ${version} does not suit ${support.label}, which ${basis}; ${instead}`;
    });
}
