import { ZodIssue } from "zod";
import { crossFieldProblems, Problem } from "./checks";
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

export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return "(environment)";
  return path.reduce<string>(
    (acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part),
    "",
  );
}

function fromZod(issue: ZodIssue): Problem {
  if (issue.code === "invalid_union_discriminator") {
    return { path: issue.path, message: 'must be "eks" or "onprem"' };
  }
  if (issue.code === "unrecognized_keys") {
    return {
      path: issue.path,
      message: `has unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}; remove or correct the spelling`,
    };
  }
  if (issue.code === "invalid_type" && issue.received === "undefined") {
    return { path: issue.path, message: `is required (${issue.expected})` };
  }
  return { path: issue.path, message: issue.message };
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
    throw new EnvironmentValidationError(name, parsed.error.issues.map(fromZod));
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
