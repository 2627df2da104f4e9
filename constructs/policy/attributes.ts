import { policyDocumentOf } from "../shared/aws-account";
import { Token } from "cdktf";
import { PolicyContext, PolicySubject, PolicyViolation } from "./types";

/**
 * Helpers to read synthesized attributes generically. A value that is a token is only known at
 * apply time: rules treat it as "set" and never report it, so a reference such as
 * `kms_key_id = aws_kms_key.x.arn` passes.
 */

export type Attributes = Readonly<Record<string, unknown>>;

export function isToken(value: unknown): boolean {
  return Token.isUnresolved(value);
}

/** True when the value is set: not undefined/null/empty string, or a token. */
export function isSet(value: unknown): boolean {
  if (isToken(value)) return true;
  return value !== undefined && value !== null && value !== "";
}

/** Terraform booleans arrive as `true` or, for tri-state provider attributes, as `"true"`. */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/** True when the value is known at synth time and is not true: false, "false" or unset. */
export function isNotTrue(value: unknown): boolean {
  return !isToken(value) && !isTrue(value);
}

/**
 * The blocks of a nested block attribute. cdktf renders single blocks as objects and repeated
 * ones as lists; a token (dynamic block, computed list) yields no blocks.
 */
export function blocks(value: unknown): Attributes[] {
  if (value === undefined || value === null || isToken(value)) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter(
    (item): item is Attributes => typeof item === "object" && item !== null && !isToken(item),
  );
}

/** The known strings of a list attribute (tokens dropped), or undefined when the list is a token. */
export function knownStrings(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (isToken(value) || !Array.isArray(value)) return undefined;
  return value.filter((item): item is string => typeof item === "string" && !isToken(item));
}

/** Parses a JSON document attribute (policy, Helm values); undefined when it is a token or not JSON. */
export function parseJson(value: unknown): unknown {
  if (typeof value !== "string") return undefined;
  const document = policyDocumentOf(value);
  if (document) return document;
  // A string that is wholly one token (Fn.jsonencode, a data source) cannot be read at synth.
  if (Token.isUnresolved(value) && !value.trimStart().startsWith("{")) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** Every object inside a parsed document, depth first, including the root. */
export function* objectsIn(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) {
    for (const item of value) yield* objectsIn(item);
  } else if (typeof value === "object" && value !== null) {
    yield value as Record<string, unknown>;
    for (const child of Object.values(value)) yield* objectsIn(child);
  }
}

/** True when `value` resolves to a reference to `target` (e.g. `${aws_vpc.x.id}`). */
export function references(value: unknown, target: PolicySubject, context: PolicyContext): boolean {
  if (!target.address || !isToken(value)) return false;
  const resolved = context.resolve(value);
  return typeof resolved === "string" && resolved.includes(`${target.address}.`);
}

/** The subject a reference points to, among the stack's subjects of `type`. */
export function referencedSubject(
  value: unknown,
  type: string,
  context: PolicyContext,
): PolicySubject | undefined {
  return context.subjectsOfType(type).find((candidate) => references(value, candidate, context));
}

/** A tag value from `tags`/`tags_all`, when known at synth time. */
export function tagValue(attributes: Attributes, key: string): string | undefined {
  const tags = attributes.tags;
  if (typeof tags !== "object" || tags === null || isToken(tags)) return undefined;
  const value = (tags as Record<string, unknown>)[key];
  return typeof value === "string" ? value : undefined;
}

export function violation(detail: string): PolicyViolation {
  return { detail };
}

/**
 * Kubernetes objects of one kind found in a helm_release's `values` documents, such as the
 * EC2NodeClass objects that constructs/shared/manifests-release.ts renders. Values must be JSON
 * (what JSON.stringify gives); YAML values and values that are wholly tokens are skipped.
 */
export function manifestsOfKind(release: Attributes, kind: string): Record<string, unknown>[] {
  const documents = Array.isArray(release.values) ? release.values : [];
  return documents.flatMap((document) =>
    [...objectsIn(parseJson(document))].filter(
      // References such as a NodePool's nodeClassRef carry a kind too, but no apiVersion.
      (object) => object.kind === kind && typeof object.apiVersion === "string",
    ),
  );
}

/** `metadata.name` of a Kubernetes object, for messages. */
export function manifestName(object: Record<string, unknown>): string {
  const metadata = object.metadata as { name?: unknown } | undefined;
  return typeof metadata?.name === "string" ? metadata.name : "(unnamed)";
}

/** Reads a nested field of a parsed document (`spec.metadataOptions.httpTokens`). */
export function field(object: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (value, key) =>
        typeof value === "object" && value !== null
          ? (value as Record<string, unknown>)[key]
          : undefined,
      object,
    );
}
