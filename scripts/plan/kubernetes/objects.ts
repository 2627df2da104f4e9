/**
 * The Kubernetes objects a `helm_release` installs, as far as its plan says: the rendered manifest
 * the helm provider puts in the plan with `experiments { manifest = true }`, or, without it, what
 * the values themselves hold (the project's manifests chart renders its values' objects verbatim;
 * the tigera-operator chart renders `installation` as the Installation `default`).
 */
import { parseAllDocuments } from "yaml";
import { isRecord } from "../../lib/is-record";

export interface KubeObject {
  /** API group, empty for the core group. */
  readonly group: string;
  readonly kind: string;
  /** Empty for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/** Objects by identity (group, kind, namespace, name): an apiVersion bump is not a new object. */
export type ObjectSet = ReadonlyMap<string, KubeObject>;

export const objectIdentity = (o: Pick<KubeObject, "group" | "kind" | "namespace" | "name">) =>
  `${o.group}/${o.kind}/${o.namespace}/${o.name}`;

/** `NodePool general`, `IPAddressPool metallb-system/ingress`. */
export const objectLabel = (o: KubeObject) =>
  `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;

/** A Kubernetes object from parsed JSON or YAML, or undefined when it is not one. */
export function toObject(value: unknown): KubeObject | undefined {
  if (!isRecord(value) || !isRecord(value.metadata)) return undefined;
  const { apiVersion, kind } = value;
  const { name, namespace } = value.metadata;
  if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof name !== "string") {
    return undefined;
  }
  const slash = apiVersion.lastIndexOf("/");
  return {
    group: slash < 0 ? "" : apiVersion.slice(0, slash),
    kind,
    namespace: typeof namespace === "string" ? namespace : "",
    name,
    body: value,
  };
}

function setOf(values: readonly unknown[]): Map<string, KubeObject> {
  const set = new Map<string, KubeObject>();
  for (const value of values) {
    const object = toObject(value);
    if (object) set.set(objectIdentity(object), object);
  }
  return set;
}

/**
 * The helm provider's `manifest` attribute (terraform-provider-helm v3.1.1, `manifest_json.go`): a
 * JSON object from `[<namespace>/]<kind.group>/<apiVersion>/<name>` to each rendered object, Secret
 * data replaced by hashes. Hooks and the chart's `crds/` folder are not in it. Undefined when the
 * text is not that shape.
 */
export function objectsFromManifestAttribute(text: unknown): ObjectSet | undefined {
  if (typeof text !== "string") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isRecord(parsed) ? setOf(Object.values(parsed)) : undefined;
}

/** YAML documents (CRDs a `helm_template` read out of a chart), each possibly holding several objects. */
function objectsOfDocuments(documents: readonly unknown[]): unknown[] {
  return documents.flatMap((document) => {
    if (typeof document !== "string") return [];
    try {
      return parseAllDocuments(document).flatMap((d) => (d.errors.length > 0 ? [] : [d.toJS()]));
    } catch {
      return [];
    }
  });
}

/** What a release's values say about the objects it renders; undefined when they do not say. */
export function objectsFromValues(
  release: { readonly chart?: unknown; readonly repository?: unknown },
  values: Readonly<Record<string, unknown>>,
): ObjectSet | undefined {
  if (isManifestsChart(release, values)) {
    const manifests = Array.isArray(values.manifests) ? values.manifests : [];
    const documents = Array.isArray(values.documents) ? values.documents : [];
    return setOf([...manifests, ...objectsOfDocuments(documents)]);
  }
  if (release.chart === "tigera-operator" && isRecord(values.installation)) {
    // templates/crs/custom-resources.yaml: the Installation's spec is `installation` without `enabled`.
    const { enabled, ...spec } = values.installation;
    if (enabled === false) return new Map();
    return setOf([
      {
        apiVersion: "operator.tigera.io/v1",
        kind: "Installation",
        metadata: { name: "default" },
        spec,
      },
    ]);
  }
  return undefined;
}

/**
 * The project's manifests chart (`ManifestsRelease`): a local chart whose values are only
 * `manifests` (objects) and `documents` (YAML text).
 */
export function isManifestsChart(
  release: { readonly repository?: unknown },
  values: Readonly<Record<string, unknown>>,
): boolean {
  const keys = Object.keys(values);
  return (
    !release.repository &&
    keys.length > 0 &&
    keys.every((k) => k === "manifests" || k === "documents")
  );
}
