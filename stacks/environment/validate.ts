import {
  Path,
  Problem,
  describeProblems,
  formatPath as formatFieldPath,
  problemsOf,
} from "../../constructs/shared/validation/issues";
import { crossFieldProblems, environmentSetProblems } from "./checks";
import { Environment, environmentSchema } from "./schema";

/** One invalid environment: every problem found, each with the field path to change. */
export class EnvironmentValidationError extends Error {
  constructor(
    readonly environment: string,
    readonly problems: readonly Problem[],
  ) {
    super(
      describeProblems(
        `environment "${environment}"`,
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

/**
 * Validates untrusted input (a parsed JSON or YAML object) and returns the environment with every
 * default filled in, or throws one EnvironmentValidationError listing every problem.
 */
export function parseEnvironment(input: unknown): Environment {
  const name =
    typeof input === "object" &&
    input !== null &&
    typeof (input as { name?: unknown }).name === "string"
      ? (input as { name: string }).name
      : "(unnamed)";
  const parsed = environmentSchema.safeParse(input);
  if (!parsed.success) {
    throw new EnvironmentValidationError(
      name,
      problemsOf(parsed.error, {
        schema: environmentSchema,
        input,
        noun: "field",
        // YAML reads unquoted 1.34 or 111111111111 as numbers (and 1.30 as 1.3).
        numberHint: 'in YAML put the value in quotes, such as "1.34"',
      }),
    );
  }
  const problems = crossFieldProblems(parsed.data);
  if (problems.length > 0) throw new EnvironmentValidationError(name, problems);
  return parsed.data;
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
