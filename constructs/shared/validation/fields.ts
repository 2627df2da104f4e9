/**
 * Field schemas the construct props schemas (and the environment schema) are built from. Values a
 * real deploy only knows at apply time pass as Terraform tokens: string, number and list tokens
 * skip the checks that need the value, which then fall to Terraform or AWS at apply.
 */
import { ITerraformDependable, Token } from "cdktf";
import { ZodIssueCode, ZodTypeAny, ZodTypeDef, z } from "zod";
import { parseAddressRange, parseCidr, parseIpv4 } from "../cidr";
import { DNS_LABEL, isDnsLabel } from "../kubernetes";
import { CHART_VERSION_FORMATS, ChartName, KubernetesVersion, VERSIONS } from "../../versions";

/** Whether a value is known only at apply time: a string, number or list token, or an element of a list token. */
export function isUnresolved(value: unknown): boolean {
  // Token.asList gives ["#{TfToken[...]}"], whose element alone is not recognised as a token.
  return Token.isUnresolved(value) || (typeof value === "string" && Token.isUnresolved([value]));
}

/** What a field's checks are in JSON Schema: a type and the keywords that bound it. */
export interface JsonSchemaHint {
  readonly type: "string" | "integer";
  readonly pattern?: string;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly enum?: readonly (string | number)[];
}

const jsonSchemaHints = new WeakMap<ZodTypeDef, JsonSchemaHint>();

/**
 * Records what `schema`'s checks are in JSON Schema. The checks here are refinements (they must
 * let tokens through, which zod's own `.regex()` or `.int()` would not), and a refinement is
 * opaque to zod-to-json-schema: without the hint, the environment file's JSON Schema
 * (scripts/environment-schema.ts) would lose every pattern and range for editors.
 */
export function withJsonSchema<T extends ZodTypeAny>(schema: T, hint: JsonSchemaHint): T {
  jsonSchemaHints.set(schema._def, hint);
  return schema;
}

/** The JSON Schema of a schema built here, by its definition (zod-to-json-schema's `override`). */
export function jsonSchemaHint(def: ZodTypeDef): JsonSchemaHint | undefined {
  return jsonSchemaHints.get(def);
}

/** A string checked at synth unless it is a token. `message` says what to change. */
export function checkedString(
  check: (value: string) => boolean,
  message: (value: string) => string,
) {
  return z.string().superRefine((value, ctx) => {
    if (!isUnresolved(value) && !check(value)) {
      ctx.addIssue({ code: ZodIssueCode.custom, message: message(value) });
    }
  });
}

/** A number checked at synth unless it is a token. */
export function checkedNumber(
  check: (value: number) => boolean,
  message: (value: number) => string,
) {
  return z.number().superRefine((value, ctx) => {
    if (!isUnresolved(value) && !check(value)) {
      ctx.addIssue({ code: ZodIssueCode.custom, message: message(value) });
    }
  });
}

/** A string matching `pattern`, or a token. */
export function checkedPattern(pattern: RegExp, message: (value: string) => string) {
  return withJsonSchema(
    checkedString((value) => pattern.test(value), message),
    { type: "string", pattern: pattern.source },
  );
}

const inRange = (min: number, max: number) => (value: number) =>
  Number.isInteger(value) && value >= min && value <= max;
const outOfRange = (min: number, max: number, unit: string) => (value: number) =>
  `must be a whole number${unit} from ${min} to ${max}; got ${value}`;

/**
 * A whole number from `min` to `max`, literal: for values rendered at synth (chart values, user
 * data), where a number token would be written as its placeholder, not resolved.
 */
export function wholeNumber(min: number, max: number, unit = "") {
  return withJsonSchema(
    z
      .number()
      .refine(inRange(min, max), (value) => ({ message: outOfRange(min, max, unit)(value) })),
    { type: "integer", minimum: min, maximum: max },
  );
}

/** A whole number from `min` to `max`, or a token (resource arguments). */
export function wholeNumberOrToken(min: number, max: number, unit = "") {
  return withJsonSchema(checkedNumber(inRange(min, max), outOfRange(min, max, unit)), {
    type: "integer",
    minimum: min,
    maximum: max,
  });
}

/**
 * One of `values`, or a token. A literal outside them is reported like an enum (so it lists the
 * values and suggests the closest), with `message` when given.
 */
export function tokenOrEnum<T extends string>(
  values: readonly T[],
  message?: (value: string) => string,
): z.ZodType<T, z.ZodTypeDef, T> {
  const schema = z.string().superRefine((value, ctx) => {
    if (isUnresolved(value) || (values as readonly string[]).includes(value)) return;
    ctx.addIssue({
      code: ZodIssueCode.invalid_enum_value,
      options: [...values],
      received: value,
      ...(message ? { message: message(value) } : {}),
    });
  });
  // Typed as the enum, as the props interfaces are: a token stands for one of the values.
  return withJsonSchema(schema, { type: "string", enum: values }) as unknown as z.ZodType<
    T,
    z.ZodTypeDef,
    T
  >;
}

/** A list, or one list token (`Token.asList`), with at least `min` entries when known. */
export function listOf<T extends ZodTypeAny>(item: T, min: number, message: string) {
  return (
    z
      .array(item)
      // A list token is one element long, so it always has one: zod's own check (which JSON
      // Schema shows as minItems) covers that much, and only a larger minimum needs the value.
      .min(Math.min(min, 1), { message })
      .superRefine((list, ctx) => {
        if (!Token.isUnresolved(list) && list.length > 0 && list.length < min) {
          ctx.addIssue({ code: ZodIssueCode.custom, message });
        }
      })
  );
}

/** Resources (or data sources, modules) to depend on; passed through as they are. */
export const dependables = z.array(
  z.custom<ITerraformDependable>(
    (value) => typeof value === "object" && value !== null && "fqn" in value,
    { message: "must list resources, data sources or modules (ITerraformDependable)" },
  ),
);

/**
 * A prop the API no longer has, for JavaScript callers still passing it: rejected with `message`
 * (what replaced it, or why it went) instead of as an unknown prop.
 */
export function removedProp(message: string) {
  return z.undefined({ errorMap: () => ({ message }) }).optional();
}

/** A Kubernetes object name or namespace (a DNS-1123 label), or a token. */
export const kubernetesName = withJsonSchema(
  checkedString(
    isDnsLabel,
    (value) =>
      "must be a Kubernetes name: at most 63 lowercase letters, digits and hyphens, starting and " +
      `ending with a letter or digit; got "${value}"`,
  ),
  { type: "string", pattern: DNS_LABEL.source, maxLength: 63 },
);

/**
 * Namespaces the cluster itself owns. A stack that created (or adopted) one as a
 * `kubernetes_namespace_v1` would delete it, and everything in it, when the stack is destroyed.
 */
export const RESERVED_NAMESPACES: readonly string[] = [
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
];

/** A namespace a construct creates as a resource of its own: a Kubernetes name the cluster does not own. */
export const ownedNamespace = withJsonSchema(
  checkedString(
    (value) => isDnsLabel(value) && !RESERVED_NAMESPACES.includes(value),
    (value) =>
      isDnsLabel(value)
        ? `must not be ${RESERVED_NAMESPACES.join(", ")}: the construct creates this ` +
          "namespace (adopting it when it exists) and would delete it on destroy; got " +
          `"${value}", choose a namespace of the component's own`
        : "must be a Kubernetes name: at most 63 lowercase letters, digits and hyphens, starting " +
          `and ending with a letter or digit; got "${value}"`,
  ),
  { type: "string", pattern: DNS_LABEL.source, maxLength: 63 },
);

/** An IPv4 CIDR block with no host bits set (AWS and Calico reject them), or a token. */
export function cidr(example = "10.0.0.0/16") {
  return checkedString(
    (value) => parseCidr(value) !== undefined,
    (value) => `must be an IPv4 CIDR with no host bits set, such as ${example}; got "${value}"`,
  );
}

/** An IPv4 address, or a token. */
export const ipv4 = checkedString(
  (value) => parseIpv4(value) !== undefined,
  (value) => `must be an IPv4 address; got "${value}"`,
);

/** A CIDR or an ascending `first-last` range, as MetalLB pools and node addresses are written. */
export const addressRange = z.string().refine(
  (value) => parseAddressRange(value) !== undefined,
  (value) => ({
    message:
      "must be a CIDR (192.168.10.240/28) or an ascending range (192.168.10.240-192.168.10.250); " +
      `got "${value}"`,
  }),
);

/** A BGP AS number (4-byte). */
export const asNumber = withJsonSchema(
  checkedNumber(
    (value) => Number.isInteger(value) && value >= 1 && value <= 4294967295,
    (value) => `must be an integer from 1 to 4294967295; got ${value}`,
  ),
  { type: "integer", minimum: 1, maximum: 4294967295 },
);

const DURATION = /^(Never|(\d+(s|m|h))+)$/;

/** A duration as Kubernetes and Karpenter write it (`720h`, `1h30m`), or `Never`. */
export const duration = withJsonSchema(
  z.string().refine(
    (value) => DURATION.test(value),
    (value) => ({
      message: `must be a duration such as 30s, 5m or 720h, or Never; got "${value}"`,
    }),
  ),
  { type: "string", pattern: DURATION.source },
);

/**
 * A whole number of at least 1 (replicas, limits); literal, as it goes into chart values. At most
 * 2^53 - 1: a larger one (1e308) would be written as `1e+308`, which Kubernetes refuses at apply.
 */
export const positiveInteger = withJsonSchema(
  z.number().refine(
    (value) => Number.isSafeInteger(value) && value >= 1,
    (value) => ({
      message:
        value > Number.MAX_SAFE_INTEGER
          ? `must be at most ${Number.MAX_SAFE_INTEGER}; got ${value}`
          : `must be a positive integer; got ${value}`,
    }),
  ),
  { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
);

const kubernetesVersionMessage = (value: unknown) => {
  const versions = `${VERSIONS.kubernetes.join(", ")} (the versions VERSIONS pins AL2023 AMIs for)`;
  return value === undefined
    ? `is required: one of ${versions}`
    : `${JSON.stringify(value)} is not one of ${versions}`;
};

/** A Kubernetes minor version the toolkit supports (`VERSIONS.kubernetes`). */
export const kubernetesVersion = z.enum(VERSIONS.kubernetes, {
  errorMap: (_issue, ctx) => ({ message: kubernetesVersionMessage(ctx.data) }),
});

/** A supported Kubernetes minor version, or a token (such as the version of a cluster resource). */
export const kubernetesVersionOrToken = tokenOrEnum<KubernetesVersion>(
  VERSIONS.kubernetes,
  kubernetesVersionMessage,
);

/** A version of one of the pinned charts, in the format its repository uses, or a token. */
export function chartVersion(chart: ChartName) {
  const { label, pattern } = CHART_VERSION_FORMATS[chart];
  const pinned = VERSIONS[chart];
  return checkedString(
    (value) => pattern.test(value),
    (value) => {
      const fixed = value.startsWith("v") ? value.slice(1) : `v${value}`;
      const hint = pattern.test(fixed)
        ? ` (${pinned.startsWith("v") ? "its versions carry a" : "its versions carry no"} "v": use "${fixed}")`
        : "";
      return `must be a ${label} chart version such as "${pinned}"${hint}; got "${value}"`;
    },
  );
}

/** Refines a list so that each entry appears once, reported at the second use. */
export function unique(noun: string) {
  return (list: readonly unknown[], ctx: z.RefinementCtx): void => {
    const seen = new Set<unknown>();
    list.forEach((item, i) => {
      if (seen.has(item) && !isUnresolved(item)) {
        ctx.addIssue({
          code: ZodIssueCode.custom,
          path: [i],
          message: `${String(item)} is listed twice; list each ${noun} once`,
        });
      }
      seen.add(item);
    });
  };
}

/** Refines a list of named objects so that each name appears once, reported at the second use. */
export function uniqueNames(noun: string) {
  return (list: readonly { readonly name: string }[], ctx: z.RefinementCtx): void => {
    const seen = new Set<string>();
    list.forEach(({ name }, i) => {
      if (seen.has(name)) {
        ctx.addIssue({
          code: ZodIssueCode.custom,
          path: [i, "name"],
          message: `"${name}" is used twice; name each ${noun} once`,
        });
      }
      seen.add(name);
    });
  };
}

/**
 * Adds rules relating several fields, run only once every field is valid: zod runs a refinement
 * even after a field's own check failed, and the rules would then meet unchecked values.
 */
export function withRules<T extends ZodTypeAny>(
  fields: T,
  rules: (value: z.output<T>, ctx: z.RefinementCtx) => void,
) {
  return fields.pipe(z.custom<z.output<T>>().superRefine(rules));
}
