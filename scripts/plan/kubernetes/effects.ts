/**
 * What a `helm_release` change does inside the cluster: the objects Helm deletes, the ones whose
 * change drifts nodes or rolls the pod network, and the chart upgrades, each with the before →
 * after that causes it. Read from the plan alone (see objects.ts for where the objects come from).
 */
import { appendAll } from "../../lib/append";
import { formatValue, type AttributeChange } from "../attributes";
import { code } from "../escape";
import type { ResourceChangeJson, ValueMask } from "../plan-json";
import {
  objectLabel,
  objectsFromManifestAttribute,
  objectsFromValues,
  isManifestsChart,
  type ObjectSet,
} from "./objects";
import { changedVerdict, deletedVerdict, type EffectSeverity } from "./rules";
import { diffTrees, formatTreePath, type TreeChange } from "./tree";
import { parseValues } from "./values";
import { isRecord } from "../../lib/is-record";

export type { EffectSeverity } from "./rules";

export interface KubernetesEffect {
  /** The `helm_release`, by construct path (or address). */
  readonly release: string;
  /** `NodePool general`; absent for the release as a whole. */
  readonly object?: string;
  readonly action:
    | "deleted"
    | "changed"
    | "created"
    | "upgraded"
    | "uninstalled"
    | "reinstalled"
    | "unknown";
  readonly severity: EffectSeverity;
  /** The change causing it: a path inside the object (or the release), before → after. */
  readonly cause?: AttributeChange;
  /** Markdown: plain words, with anything read from the plan in code spans. */
  readonly consequence: string;
  /** Where the objects were read: the provider's rendered manifest, or the release's values. */
  readonly source: "rendered manifest" | "values" | "release";
}

type Release = Readonly<Record<string, unknown>>;

const asRelease = (value: unknown): Release => (isRecord(value) ? value : {});

/** Whether the mask marks `key` (or the whole value) as unknown until apply. */
function unknownAt(mask: ValueMask | undefined, key: string): boolean {
  if (mask === true) return true;
  if (!isRecord(mask)) return false;
  const entry = mask[key];
  return entry === true || (Array.isArray(entry) && entry.some((e) => e === true));
}

const causeOf = (change: TreeChange): AttributeChange => ({
  path: formatTreePath(change.path),
  before: formatValue(change.before),
  after: formatValue(change.after),
});

interface Objects {
  readonly before: ObjectSet;
  readonly after: ObjectSet;
  readonly source: "rendered manifest" | "values";
}

/** Both sides' objects from one source, the rendered manifest first. */
function objectsOf(
  change: ResourceChangeJson["change"],
  before: Release,
  after: Release,
): Objects | undefined {
  const rendered = [
    objectsFromManifestAttribute(before.manifest),
    unknownAt(change.after_unknown, "manifest")
      ? undefined
      : objectsFromManifestAttribute(after.manifest),
  ];
  if (rendered[0] && rendered[1])
    return { before: rendered[0], after: rendered[1], source: "rendered manifest" };
  if (unknownAt(change.after_unknown, "values")) return undefined;
  const [valuesBefore, valuesAfter] = [parseValues(before.values), parseValues(after.values)];
  if (!valuesBefore || !valuesAfter) return undefined;
  const fromValues = [
    objectsFromValues(before, valuesBefore),
    objectsFromValues(after, valuesAfter),
  ];
  return fromValues[0] && fromValues[1]
    ? { before: fromValues[0], after: fromValues[1], source: "values" }
    : undefined;
}

function deletions(
  release: string,
  objects: ObjectSet,
  source: Objects["source"],
): KubernetesEffect[] {
  return [...objects.values()].map((object) => {
    const verdict = deletedVerdict(object);
    return {
      release,
      object: objectLabel(object),
      action: "deleted",
      severity: verdict.severity,
      consequence: verdict.consequence,
      source,
    };
  });
}

/** Objects removed, changed and added between the two sets. */
function objectChanges(release: string, objects: Objects): KubernetesEffect[] {
  const removed = new Map([...objects.before].filter(([id]) => !objects.after.has(id)));
  const effects = deletions(release, removed, objects.source);
  for (const [id, was] of objects.before) {
    const is = objects.after.get(id);
    if (!is) continue;
    const changes = diffTrees(was.body, is.body).filter(
      (c) => formatTreePath(c.path) !== "apiVersion",
    );
    if (changes.length === 0) continue;
    const verdict = changedVerdict(changes, was);
    effects.push({
      release,
      object: objectLabel(was),
      action: "changed",
      severity: verdict.severity,
      ...(verdict.cause ? { cause: causeOf(verdict.cause) } : {}),
      consequence: verdict.consequence,
      source: objects.source,
    });
  }
  for (const [id, is] of objects.after) {
    if (objects.before.has(id)) continue;
    effects.push({
      release,
      object: objectLabel(is),
      action: "created",
      severity: "change",
      consequence: "created",
      source: objects.source,
    });
  }
  return effects;
}

/** Changed values of an upstream chart, by key path (the manifests chart's are its objects). */
function valueChanges(
  release: string,
  before: Release,
  after: Release,
  covered: boolean,
): KubernetesEffect[] {
  const [was, is] = [parseValues(before.values), parseValues(after.values)];
  if (!was || !is || isManifestsChart(after, is)) return [];
  return (
    diffTrees(was, is)
      // The Installation the tigera-operator chart renders from `installation` says it already.
      .filter(
        (c) =>
          !(
            covered &&
            after.chart === "tigera-operator" &&
            formatTreePath(c.path).startsWith("installation")
          ),
      )
      .map((c) => ({
        release,
        action: "changed",
        severity: "change",
        cause: causeOf(c),
        consequence: "value changed",
        source: "values",
      }))
  );
}

const VERSION_FIELDS = ["chart", "repository", "version"] as const;

/** Everything `change` (a helm_release's) does inside the cluster, most serious first. */
export function releaseEffects(change: ResourceChangeJson, release: string): KubernetesEffect[] {
  const actions = change.change.actions.join(",");
  const before = asRelease(change.change.before);
  const after = asRelease(change.change.after);
  const effects: KubernetesEffect[] = [];
  if (actions === "delete" || actions === "delete,create" || actions === "create,delete") {
    const fromManifest = objectsFromManifestAttribute(before.manifest);
    const values = parseValues(before.values);
    const objects = fromManifest ?? (values ? objectsFromValues(before, values) : undefined);
    const reinstall = actions !== "delete";
    // The objects say more than the uninstall: they come first.
    if (objects)
      appendAll(
        effects,
        deletions(release, objects, fromManifest ? "rendered manifest" : "values"),
      );
    effects.push({
      release,
      action: reinstall ? "reinstalled" : "uninstalled",
      severity: "destructive",
      consequence: reinstall
        ? "Helm uninstalls the release, deleting every object it installed, then installs it again"
        : "Helm uninstalls the release and deletes every object it installed",
      source: "release",
    });
  } else if (actions === "update") {
    for (const field of VERSION_FIELDS) {
      if (before[field] === after[field] || unknownAt(change.change.after_unknown, field)) continue;
      effects.push({
        release,
        action: "upgraded",
        severity: "disruptive",
        cause: {
          path: field,
          before: formatValue(before[field]),
          after: formatValue(after[field]),
        },
        consequence: `chart ${code(String(after.chart ?? before.chart), 200)}: a new chart can change any object it renders; read its release notes`,
        source: "release",
      });
    }
    const objects = objectsOf(change.change, before, after);
    if (objects) appendAll(effects, objectChanges(release, objects));
    else if (unknownAt(change.change.after_unknown, "values")) {
      effects.push({
        release,
        action: "unknown",
        severity: "change",
        consequence:
          "its values are known only after apply: what changes in the cluster cannot be read from the plan",
        source: "values",
      });
    }
    appendAll(effects, valueChanges(release, before, after, objects?.source === "values"));
  }
  const rank: Readonly<Record<EffectSeverity, number>> = {
    destructive: 0,
    disruptive: 1,
    change: 2,
  };
  return effects.sort((a, b) => rank[a.severity] - rank[b.severity]);
}
