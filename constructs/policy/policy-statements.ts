import { Attributes, blocks, isToken, parseJson, referencedSubject } from "./attributes";
import { PolicyContext, PolicySubject } from "./types";

/**
 * Reading IAM policy documents the way AWS evaluates them, for the rules that inspect identity,
 * key and resource policies. A document is read from a JSON string (or the project's
 * `policyDocument()`), or from the `aws_iam_policy_document` data source a policy attribute
 * references, merged documents included. What cannot be read at synth is skipped, as tokens are.
 */

/** A policy statement in policy JSON terms. */
export type Statement = Readonly<Record<string, unknown>>;

/** Statements of one document, and where the document sits (for messages). */
export interface Document {
  readonly where: string;
  readonly statements: readonly Statement[];
}

/** A policy element that may be one value or a list, as a list. */
export function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The statement's ID for messages: its Sid, or its index in the document. */
export function statementName(statement: Statement, index: number): string {
  return typeof statement.Sid === "string" && statement.Sid !== ""
    ? `statement ${statement.Sid}`
    : `statement ${index}`;
}

export function isAllow(statement: Statement): boolean {
  return statement.Effect === undefined || statement.Effect === "Allow";
}

/** Resource is `*` (the statement applies to every resource of every service it names). */
export function onEveryResource(statement: Statement): boolean {
  return list(statement.Resource).includes("*");
}

/** Principal `*`, `{ AWS: "*" }` or a list holding `*`: anyone, in any account. */
export function allowsAnyone(statement: Statement): boolean {
  const principal = statement.Principal;
  if (principal === "*") return true;
  if (typeof principal !== "object" || principal === null) return false;
  return Object.values(principal).some((who) => list(who).includes("*"));
}

/** Service principals (`events.amazonaws.com`) the statement names. */
export function servicePrincipals(statement: Statement): string[] {
  const principal = statement.Principal;
  if (typeof principal !== "object" || principal === null) return [];
  return list((principal as Record<string, unknown>).Service).filter(
    (service): service is string => typeof service === "string",
  );
}

/**
 * Whether the statement's Condition requires one of `keys` to equal or match a fixed value. Keys
 * are compared case-insensitively, as IAM does. Negated operators (`StringNotEquals`), `IfExists`
 * operators (which pass when the key is absent) and a bare `*` value restrict nothing.
 */
export function conditionFixes(statement: Statement, keys: readonly string[]): boolean {
  const condition = statement.Condition;
  if (typeof condition !== "object" || condition === null) return false;
  const wanted = new Set(keys.map((key) => key.toLowerCase()));
  return Object.entries(condition as Record<string, unknown>).some(([operator, block]) => {
    if (/Not|IfExists$|^Null$/i.test(operator)) return false;
    if (typeof block !== "object" || block === null) return false;
    return Object.entries(block as Record<string, unknown>).some(
      ([key, value]) =>
        wanted.has(key.toLowerCase()) &&
        list(value).length > 0 &&
        list(value).every((v) => isToken(v) || (typeof v === "string" && v !== "" && v !== "*")),
    );
  });
}

/**
 * Condition keys that tie a request to a caller, an account or a network, as AWS counts them
 * when it decides whether a policy grants public access (S3 Block Public Access): a statement
 * for principal `*` that fixes one of them is not open to everyone.
 */
export const CALLER_RESTRICTING_KEYS = [
  "aws:PrincipalAccount",
  "aws:PrincipalArn",
  "aws:PrincipalOrgID",
  "aws:PrincipalOrgPaths",
  "aws:userid",
  "aws:SourceAccount",
  "aws:SourceArn",
  "aws:SourceOwner",
  "aws:SourceIp",
  "aws:SourceVpc",
  "aws:SourceVpce",
  "aws:SourceOrgID",
  "aws:SourceOrgPaths",
  "kms:CallerAccount",
  "s3:DataAccessPointAccount",
  "s3:DataAccessPointArn",
] as const;

/** An Allow for principal `*` that no condition ties to a caller, account or network. */
export function openToEveryone(statement: Statement): boolean {
  return (
    isAllow(statement) &&
    allowsAnyone(statement) &&
    !conditionFixes(statement, CALLER_RESTRICTING_KEYS)
  );
}

const DOCUMENT_DATA_SOURCE = "data.aws_iam_policy_document";

function statementsOf(document: unknown): Statement[] | undefined {
  if (typeof document !== "object" || document === null) return undefined;
  return list((document as { Statement?: unknown }).Statement).filter(
    (statement): statement is Statement => typeof statement === "object" && statement !== null,
  );
}

/** `principals`/`not_principals` blocks of a document data source, as a policy JSON Principal. */
function principalOf(principals: Attributes[]): unknown {
  if (principals.length === 0) return undefined;
  if (principals.some((p) => p.type === "*")) return "*";
  const byType: Record<string, unknown[]> = {};
  for (const p of principals) {
    const type = String(p.type);
    byType[type] = [...(byType[type] ?? []), ...list(p.identifiers)];
  }
  return byType;
}

/** One `statement` block of an `aws_iam_policy_document` data source, as policy JSON. */
function fromDataStatement(block: Attributes): Statement {
  const condition: Record<string, Record<string, unknown>> = {};
  for (const c of blocks(block.condition)) {
    const test = String(c.test);
    condition[test] = { ...condition[test], [String(c.variable)]: c.values };
  }
  const entries: [string, unknown][] = [
    ["Sid", block.sid],
    ["Effect", block.effect ?? "Allow"],
    ["Action", block.actions],
    ["NotAction", block.not_actions],
    ["Resource", block.resources],
    ["NotResource", block.not_resources],
    ["Principal", principalOf(blocks(block.principals))],
    ["NotPrincipal", principalOf(blocks(block.not_principals))],
    ["Condition", Object.keys(condition).length > 0 ? condition : undefined],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

/**
 * Statements of a policy value: a JSON document, or a reference to a document data source of the
 * stack (its own statements and those of the documents it merges). Undefined when the value
 * cannot be read at synth. `seen` guards against documents that merge each other.
 */
export function readStatements(
  value: unknown,
  context: PolicyContext,
  seen: Set<PolicySubject> = new Set(),
): Statement[] | undefined {
  const parsed = statementsOf(parseJson(value));
  if (parsed) return parsed;
  const source = referencedSubject(value, DOCUMENT_DATA_SOURCE, context);
  if (!source || seen.has(source)) return undefined;
  seen.add(source);
  const a = source.attributes;
  const merged = [
    a.source_json,
    ...list(a.source_policy_documents),
    a.override_json,
    ...list(a.override_policy_documents),
  ].flatMap((document) => readStatements(document, context, seen) ?? []);
  return [...merged, ...blocks(a.statement).map(fromDataStatement)];
}

/** The document a policy attribute holds, named for messages; none when it cannot be read. */
export function documentAt(where: string, value: unknown, context: PolicyContext): Document[] {
  const statements = readStatements(value, context);
  return statements ? [{ where, statements }] : [];
}
