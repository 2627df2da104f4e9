/**
 * Turns zod issues into problems that say what to change, for construct props and environments
 * alike: unknown fields with the closest known one (or the known ones), enums with their values
 * and the closest one, missing fields with their type. Messages a schema states itself are kept
 * as written, with the closest value appended when the issue is an enum's.
 */
import { ZodError, ZodIssue, ZodIssueCode, ZodTypeAny, defaultErrorMap, z } from "zod";
import { closestMatch } from "./did-you-mean";
import { displayLine, displayValue } from "./display";

export type Path = readonly (string | number)[];

/** One thing wrong with the input: where (a path into it) and what to change. */
export interface Problem {
  readonly path: Path;
  readonly message: string;
}

export interface IssueContext {
  /** The schema that was parsed: the fields an object accepts are read from it. */
  readonly schema: ZodTypeAny;
  /** The input that was parsed. */
  readonly input: unknown;
  /** What fields are called in messages: "prop" for constructs, "field" for environments. */
  readonly noun: string;
  /**
   * What to do when a number came where a string was expected, where the input's format says,
   * given the value as it should be written (`"1.30"`).
   */
  readonly numberHint?: (example: string) => string;
  /** The text a value was written as, when the input was parsed from a file (`1.30`, not 1.3). */
  readonly sourceAt?: (path: Path) => string | undefined;
}

/** Problems listed in one message at most; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 50;

/**
 * `<subject> is invalid (n problems):` and a line per problem: where to change what. Every line
 * is escaped and cut (displayLine), since subjects, paths and messages echo untrusted input; past
 * `max` problems the rest are counted, not listed.
 */
export function describeProblems(
  subject: string,
  problems: readonly { readonly where: string; readonly message: string }[],
  max = MAX_LISTED_PROBLEMS,
): string {
  const listed = problems.slice(0, max);
  const more = problems.length - listed.length;
  return [
    displayLine(
      `${subject} is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}):`,
    ),
    ...listed.map((p) => `  - ${displayLine(`${p.where}: ${p.message}`)}`),
    ...(more > 0 ? [`  … and ${more} more (fix these first)`] : []),
  ].join("\n");
}

/** A path as messages show it: `pools[0].addresses[1]`; empty for the root. */
export function formatPath(path: Path): string {
  return path
    .map((part) => (typeof part === "number" ? `[${part}]` : `.${part}`))
    .join("")
    .replace(/^\./, "");
}

/** Every problem of a failed parse; an object with several unknown fields gives one per field. */
export function problemsOf(error: ZodError, context: IssueContext): Problem[] {
  return error.issues.flatMap((issue) => {
    if (issue.code !== ZodIssueCode.unrecognized_keys) {
      return [{ path: issue.path, message: describe(issue, context) }];
    }
    const known = fieldsAt(context.schema, context.input, issue.path);
    return issue.keys.map((key) => ({
      path: issue.path,
      message: unknownField(key, known, context),
    }));
  });
}

function describe(issue: ZodIssue, context: IssueContext): string {
  const value = valueAt(context.input, issue.path);
  if (
    issue.code === ZodIssueCode.invalid_type &&
    issue.received === "number" &&
    (issue.expected === "string" || issue.expected.startsWith("'"))
  ) {
    // Before the schema's own message, which would show the number as if it were the value meant.
    return numberForString(issue.expected, value, issue.path, context);
  }
  const isEnum =
    issue.code === ZodIssueCode.invalid_enum_value ||
    issue.code === ZodIssueCode.invalid_union_discriminator;
  // A message the schema states itself says more than any generic one.
  if (issue.message !== defaultErrorMap(issue, { defaultError: "", data: value }).message) {
    return isEnum ? issue.message + didYouMean(value, issue.options) : issue.message;
  }
  switch (issue.code) {
    case ZodIssueCode.invalid_enum_value:
    case ZodIssueCode.invalid_union_discriminator:
      return value === undefined
        ? `is required: one of ${issue.options.join(", ")}`
        : `${show(value)} is not one of ${issue.options.join(", ")}${didYouMean(value, issue.options)}`;
    case ZodIssueCode.invalid_literal:
      return `must be ${show(issue.expected)}; got ${show(value)}`;
    case ZodIssueCode.invalid_type:
      if (issue.received === "undefined") return `is required (${issue.expected})`;
      if (issue.expected === "integer") return `must be a whole number; got ${show(value)}`;
      return `must be of type ${issue.expected}; got ${typeof value === "object" ? issue.received : show(value)}`;
    case ZodIssueCode.too_small:
    case ZodIssueCode.too_big:
      return bound(issue, value);
    default:
      return issue.message;
  }
}

/**
 * `must be one of 1.32, 1.33, not a number`, with the hint given the value as it should be
 * written: the option the number stands for (1.3 for "1.30"), else the text it was written as,
 * else the number. zod writes an enum's type as `'1.32' | '1.33'`.
 */
function numberForString(
  expected: string,
  value: unknown,
  path: Path,
  context: IssueContext,
): string {
  const options =
    expected === "string"
      ? []
      : expected.split(" | ").map((option) => option.replace(/^'|'$/g, ""));
  const what = expected === "string" ? "a string" : `one of ${options.join(", ")}`;
  if (!context.numberHint) return `must be ${what}, not a number`;
  const example =
    options.find((option) => Number(option) === value) ?? context.sourceAt?.(path) ?? String(value);
  return `must be ${what}, not a number; ${context.numberHint(displayValue(example))}`;
}

function bound(
  issue: Extract<ZodIssue, { code: "too_small" | "too_big" }>,
  value: unknown,
): string {
  const small = issue.code === ZodIssueCode.too_small;
  const limit = small ? issue.minimum : issue.maximum;
  const relation = issue.exact
    ? "exactly"
    : small
      ? issue.inclusive
        ? "at least"
        : "more than"
      : issue.inclusive
        ? "at most"
        : "less than";
  if (issue.type === "array") {
    return `must list ${relation} ${limit} item${limit === 1 ? "" : "s"}; got ${(value as unknown[]).length}`;
  }
  if (issue.type === "string") {
    return `must be ${relation} ${limit} character${limit === 1 ? "" : "s"} long; got ${show(value)}`;
  }
  return `must be ${relation} ${limit}; got ${show(value)}`;
}

/**
 * `unknown prop "natt"; did you mean "nat"?`, or with no close match the fields that exist, so
 * the message always says what to write instead.
 */
function unknownField(key: string, known: readonly string[], c: IssueContext): string {
  const guess = closestMatch(key, known);
  if (guess !== undefined) return `unknown ${c.noun} ${show(key)}; did you mean "${guess}"?`;
  return (
    `unknown ${c.noun} ${show(key)}` +
    (known.length > 0 ? `; valid ${c.noun}s: ${known.join(", ")}` : "")
  );
}

/** `; did you mean "single"?` when `value` is a close misspelling of one of `options`. */
function didYouMean(value: unknown, options: readonly unknown[]): string {
  if (typeof value !== "string") return "";
  const guess = closestMatch(value, options.map(String));
  return guess === undefined ? "" : `; did you mean "${guess}"?`;
}

function show(value: unknown): string {
  return displayValue(value);
}

function valueAt(input: unknown, path: Path): unknown {
  let value = input;
  for (const part of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

/** The fields the object schema at `path` accepts, following the input through unions. */
function fieldsAt(schema: ZodTypeAny, input: unknown, path: Path): string[] {
  let current: ZodTypeAny | undefined = schema;
  for (let depth = 0; current; ) {
    current = unwrap(current, valueAt(input, path.slice(0, depth)));
    if (depth === path.length) break;
    const part = path[depth++];
    if (current instanceof z.ZodObject) current = current.shape[part] as ZodTypeAny | undefined;
    else if (current instanceof z.ZodArray) current = current.element as ZodTypeAny;
    else current = undefined;
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape as object) : [];
}

/**
 * The schema under wrappers (defaults, optional, refinements, rules piped after the fields), or
 * the union member the value picks.
 */
function unwrap(schema: ZodTypeAny, value: unknown): ZodTypeAny | undefined {
  let current: ZodTypeAny | undefined = schema;
  for (;;) {
    if (current instanceof z.ZodEffects) current = current.innerType();
    else if (current instanceof z.ZodPipeline) current = current._def.in as ZodTypeAny;
    else if (current instanceof z.ZodOptional) current = current.unwrap() as ZodTypeAny;
    else if (current instanceof z.ZodDefault) current = current.removeDefault() as ZodTypeAny;
    else if (current instanceof z.ZodDiscriminatedUnion) {
      const tag = (value as Record<string, unknown> | undefined)?.[current.discriminator];
      current = current.optionsMap.get(tag as never) as ZodTypeAny | undefined;
    } else return current;
  }
}
