import {
  Path,
  Problem,
  formatPath as formatFieldPath,
  problemsOf,
} from "../../constructs/shared/validation/issues";
import { crossFieldProblems } from "./checks";
import { Environment, environmentSchema } from "./schema";

/** One invalid environment: every problem found, each with the field path to change. */
export class EnvironmentValidationError extends Error {
  constructor(
    readonly environment: string,
    readonly problems: readonly Problem[],
  ) {
    super(
      `environment "${environment}" is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${formatPath(p.path)}: ${p.message}`).join("\n"),
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
      problemsOf(parsed.error, { schema: environmentSchema, input, noun: "field" }),
    );
  }
  const problems = crossFieldProblems(parsed.data);
  if (problems.length > 0) throw new EnvironmentValidationError(name, problems);
  return parsed.data;
}

/** Validates a set of environments and that their names (and so stack names) are unique. */
export function parseEnvironments(inputs: readonly unknown[]): Environment[] {
  const envs = inputs.map(parseEnvironment);
  const names = new Set<string>();
  for (const env of envs) {
    if (names.has(env.name)) {
      throw new EnvironmentValidationError(env.name, [
        {
          path: ["name"],
          message: `"${env.name}" is used by two environments; stack names must be unique`,
        },
      ]);
    }
    names.add(env.name);
  }
  return envs;
}
