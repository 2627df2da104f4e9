/**
 * Validates rendered objects as the API server takes them: built-in kinds against the Kubernetes
 * definitions (kubernetes-schema.ts), custom resources against the `openAPIV3Schema` of the CRD
 * that the same stack's charts render. Unknown fields are refused in both (the server would drop
 * them, see kubernetes-schema.ts). CEL rules (`x-kubernetes-validations`) and string formats are
 * not evaluated.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import Ajv2019 from "ajv/dist/2019";
import { definitionName, type JsonSchema, type KubernetesDefinitions } from "./kubernetes-schema";
import type { KubernetesObject } from "./render";

const KUBERNETES_ID = "kubernetes.json";
const OBJECT_META = `${KUBERNETES_ID}#/definitions/IoK8sApimachineryPkgApisMetaV1ObjectMeta`;

interface CrdVersion {
  readonly name: string;
  readonly served?: boolean;
  readonly schema?: { readonly openAPIV3Schema?: JsonSchema };
}

interface Crd {
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string };
    readonly versions: readonly CrdVersion[];
  };
}

export class ObjectValidator {
  constructor(private readonly kubernetes: KubernetesDefinitions) {}

  /**
   * Problems of one stack's objects, each naming the object and the field. `crds` are the
   * CustomResourceDefinitions the stack installs (rendered by any of its releases).
   */
  problems(objects: readonly KubernetesObject[], crds: readonly KubernetesObject[]): string[] {
    return objects.flatMap((object) => {
      const label = `${String(object.kind)} ${String(object.metadata?.name ?? "(no name)")}`;
      if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
        return [`${label}: no apiVersion or kind`];
      }
      const validate = this.validatorFor(object.apiVersion, object.kind, crds);
      if (typeof validate === "string") return [`${label}: ${validate}`];
      return validate(withoutNulls(object)) ? [] : formatErrors(label, validate.errors);
    });
  }

  private validatorFor(
    apiVersion: string,
    kind: string,
    crds: readonly KubernetesObject[],
  ): ValidateFunction | string {
    const builtIn = this.kubernetes.kinds[`${apiVersion}/${kind}`];
    if (builtIn)
      return compiled(this.kubernetes, "draft-07", {
        $ref: `${KUBERNETES_ID}#/definitions/${builtIn}`,
      });
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    const crd = (crds as unknown as Crd[]).find(
      (c) => c.spec?.group === group && c.spec?.names?.kind === kind,
    );
    if (!crd)
      return `${apiVersion} ${kind} is neither a built-in kind nor defined by a CRD this stack installs`;
    const served = crd.spec.versions.find((v) => v.name === version);
    if (!served?.served) return `the CRD of ${kind} does not serve ${apiVersion}`;
    const schema = served.schema?.openAPIV3Schema;
    if (!schema) return `the CRD of ${kind} has no schema for ${version}`;
    return compiled(this.kubernetes, "draft-07", customResourceSchema(schema));
  }
}

/**
 * Validates chart values against a chart's `values.schema.json` whose `$ref`s point at a
 * published copy of the Kubernetes definitions (`.../_definitions.json#/definitions/io.k8s...`,
 * the layout of the kubernetes-json-schema repositories): they are pointed at the local
 * definitions instead, so nothing is fetched. Any other remote reference is refused.
 */
export function valuesSchemaProblems(
  schema: JsonSchema,
  values: unknown,
  kubernetes: KubernetesDefinitions,
): string[] {
  const remote: string[] = [];
  const local = JSON.parse(JSON.stringify(schema), (key, value: unknown) => {
    if (key !== "$ref" || typeof value !== "string" || value.startsWith("#")) return value;
    const match = /^https?:\/\/[^#]*\/_definitions\.json#\/definitions\/([^/]+)(\/.*)?$/.exec(
      value,
    );
    if (!match) {
      remote.push(value);
      return value;
    }
    return `${KUBERNETES_ID}#/definitions/${definitionName(match[1])}${match[2] ?? ""}`;
  }) as JsonSchema;
  if (remote.length > 0) {
    throw new Error(`the values schema refers to ${remote[0]}, which cannot be read offline`);
  }
  delete local.$schema;
  const validate = compiled(kubernetes, "2019-09", local);
  return validate(values) ? [] : formatErrors("values", validate.errors);
}

type Draft = "draft-07" | "2019-09";

/**
 * Compiled validators by draft and schema text, per set of Kubernetes definitions: compiling the
 * large CRD and chart schemas is most of a check's cost, and a schema compiles to the same
 * function whichever stack or check asks, so every check in one test file shares them.
 */
const compilers = new WeakMap<
  KubernetesDefinitions,
  Record<Draft, { readonly ajv: Ajv; readonly validators: Map<string, ValidateFunction> }>
>();

function compiled(kubernetes: KubernetesDefinitions, draft: Draft, schema: JsonSchema) {
  let compiler = compilers.get(kubernetes);
  if (!compiler) {
    compiler = {
      "draft-07": { ajv: newAjv(Ajv, kubernetes), validators: new Map() },
      "2019-09": { ajv: newAjv(Ajv2019, kubernetes), validators: new Map() },
    };
    compilers.set(kubernetes, compiler);
  }
  const { ajv, validators } = compiler[draft];
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(key, validate);
  }
  return validate;
}

function newAjv<T extends Ajv>(
  Kind: new (options: ConstructorParameters<typeof Ajv>[0]) => T,
  kubernetes: KubernetesDefinitions,
): T {
  // strict off: Kubernetes and chart schemas carry keywords (x-kubernetes-*, format names) that
  // are not JSON Schema vocabulary; formats are not checked.
  const ajv = new Kind({
    strict: false,
    allErrors: true,
    validateFormats: false,
    code: { regExp: goRegExp },
  });
  ajv.addSchema({ $id: KUBERNETES_ID, definitions: kubernetes.definitions });
  return ajv;
}

/**
 * CRD patterns are Go (RE2) expressions. JavaScript has no inline flag groups: `(?i)` and
 * `(?i:...)` become the `i` flag on the whole pattern (slightly looser where a pattern mixes
 * cases), and a pattern that is not valid in Unicode mode is tried without it.
 */
const goRegExp = Object.assign(
  (pattern: string, flags: string): RegExp => {
    let extra = "";
    const source = pattern.replace(/\(\?([ims]+)(\)|:)/g, (_group, inline: string, end: string) => {
      extra += inline
        .split("")
        .filter((flag) => !extra.includes(flag))
        .join("");
      return end === ":" ? "(?:" : "";
    });
    const all = flags + extra;
    try {
      return new RegExp(source, all);
    } catch {
      return new RegExp(source, all.replace("u", ""));
    }
  },
  { code: "new RegExp" },
);

/**
 * A CRD's structural schema as JSON Schema, read the way the API server applies it: objects with
 * `properties` are closed unless `x-kubernetes-preserve-unknown-fields`, `int-or-string` takes
 * either, an embedded resource keeps its type fields, and the root always has apiVersion, kind
 * and ObjectMeta metadata.
 */
export function customResourceSchema(schema: JsonSchema): JsonSchema {
  const root = structural(schema);
  const properties = { ...((root.properties as Record<string, JsonSchema>) ?? {}) };
  properties.apiVersion = { type: "string" };
  properties.kind = { type: "string" };
  properties.metadata = { $ref: OBJECT_META };
  return { ...root, properties };
}

function structural(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (
      keyword.startsWith("x-kubernetes-") ||
      keyword === "nullable" ||
      keyword === "description"
    ) {
      continue;
    }
    if (keyword === "properties") {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, structural(v)]),
      );
    } else if (["items", "additionalProperties", "not"].includes(keyword) && isSchema(value)) {
      out[keyword] = structural(value);
    } else if (["allOf", "anyOf", "oneOf"].includes(keyword) && Array.isArray(value)) {
      out[keyword] = (value as JsonSchema[]).map(structural);
    } else {
      out[keyword] = value;
    }
  }
  if (schema["x-kubernetes-int-or-string"] === true) {
    delete out.type;
    return { anyOf: [{ type: "integer" }, { type: "string" }], ...out };
  }
  if (schema["x-kubernetes-embedded-resource"] === true) {
    out.properties = {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object" },
      ...((out.properties as Record<string, JsonSchema>) ?? {}),
    };
  }
  if (
    out.properties &&
    out.additionalProperties === undefined &&
    schema["x-kubernetes-preserve-unknown-fields"] !== true
  ) {
    out.additionalProperties = false;
  }
  return out;
}

function isSchema(value: unknown): value is JsonSchema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The object without null fields: the API server decodes a null field of a built-in kind as
 * unset, and prunes nulls from custom resources before validation (unless `nullable`).
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== null)
        .map(([key, item]) => [key, withoutNulls(item)]),
    );
  }
  return value;
}

function formatErrors(label: string, errors: ErrorObject[] | null | undefined): string[] {
  // anyOf branches each report; the most specific message per path is enough.
  const seen = new Set<string>();
  return (errors ?? []).flatMap((error) => {
    const detail =
      error.keyword === "additionalProperties"
        ? `unknown field ${JSON.stringify((error.params as { additionalProperty: string }).additionalProperty)}`
        : error.keyword === "enum"
          ? `${error.message} ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)}`
          : (error.message ?? error.keyword);
    const line = `${label}: ${error.instancePath || "/"} ${detail}`;
    if (seen.has(line)) return [];
    seen.add(line);
    return [line];
  });
}
