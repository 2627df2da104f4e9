import {
  Path,
  Problem,
  describeProblems,
  formatPath as formatFieldPath,
  problemsOf,
} from "../../constructs/shared/validation/issues";
import { crossFieldProblems, environmentSetProblems } from "./checks";
import { Environment, environmentSchema } from "./schema";
import { isAtOrBelow, untrustedDataProblems } from "./untrusted-data";
import { displayValue } from "../../constructs/shared/validation/display";

/** One invalid environment: every problem found, each with the field path to change. */
export class EnvironmentValidationError extends Error {
  constructor(
    readonly environment: string,
    readonly problems: readonly Problem[],
  ) {
    super(
      describeProblems(
        `environment ${displayValue(environment)}`,
        problems.map((p) => ({ where: formatPath(p.path), message: p.message })),
      ),
    );
    this.name = "EnvironmentValidationError";
  }
}

/** A field path as messages show it (`aws.zones[1]`), or `(environment)` for the whole of it. */
export function formatPath(path: Path): string {
  return formatFieldPath(path) || "(environment)";
}

/** What one environment's input says on its own. */
export interface EnvironmentCheck {
  /** Every problem, each with the field path to change. */
  readonly problems: readonly Problem[];
  /**
   * The input with every default filled in, when every field is valid on its own, even if rules
   * across fields fail: enough for the checks across environments (unique names, buckets).
   */
  readonly fields?: Environment;
}

export interface CheckOptions {
  /** The text a value was written as in its file, for examples in messages (`"1.30"`, not 1.3). */
  readonly sourceAt?: (path: Path) => string | undefined;
}

/**
 * Checks untrusted input (a parsed JSON or YAML object): first what no value may be anywhere
 * (expressions, tokens, control characters: untrusted-data.ts), then the schema, then the rules
 * across fields, which only run when the others found nothing.
 */
export function checkEnvironment(input: unknown, options: CheckOptions = {}): EnvironmentCheck {
  const unusable = untrustedDataProblems(input);
  const parsed = environmentSchema.safeParse(input);
  const schemaProblems = parsed.success
    ? []
    : problemsOf(parsed.error, {
        schema: environmentSchema,
        input,
        noun: "field",
        // YAML reads unquoted 1.30 or 111111111111 as numbers (and 1.30 as 1.3).
        numberHint: (example) => `in YAML put the value in quotes: ${example}`,
        sourceAt: options.sourceAt,
      });
  // A value already refused for what it holds needs no second message about its format.
  const problems = [
    ...unusable,
    ...schemaProblems.filter((p) => !unusable.some((u) => isAtOrBelow(p.path, u.path))),
  ];
  if (!parsed.success || unusable.length > 0) return { problems };
  return { problems: crossFieldProblems(parsed.data), fields: parsed.data };
}

/** The name an input declares, for messages. */
function declaredName(input: unknown): string {
  const name =
    typeof input === "object" && input !== null ? (input as { name?: unknown }).name : undefined;
  return typeof name === "string" ? name : "(unnamed)";
}

/**
 * Validates untrusted input (a parsed JSON or YAML object) and returns the environment with every
 * default filled in, or throws one EnvironmentValidationError listing every problem.
 */
export function parseEnvironment(input: unknown): Environment {
  const { problems, fields } = checkEnvironment(input);
  if (problems.length > 0 || !fields) {
    throw new EnvironmentValidationError(declaredName(input), problems);
  }
  return fields;
}

/**
 * Validates a set of environments, each alone and then together (unique names, state buckets and
 * per-account cluster names); throws for the first environment with a problem.
 */
export function parseEnvironments(inputs: readonly unknown[]): Environment[] {
  const envs = inputs.map(parseEnvironment);
  const problems = environmentSetProblems(envs);
  if (problems.length > 0) {
    const index = problems[0].environment;
    throw new EnvironmentValidationError(
      envs[index].name,
      problems.filter((p) => p.environment === index),
    );
  }
  return envs;
}
