import { ZodIssue } from "zod";
import { crossFieldProblems, environmentSetProblems, Problem } from "./checks";
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

/** `<subject> is invalid (n problems):` and a line per problem: where to change what. */
export function describeProblems(
  subject: string,
  problems: readonly { readonly where: string; readonly message: string }[],
): string {
  return (
    `${subject} is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
    problems.map((p) => `  - ${p.where}: ${p.message}`).join("\n")
  );
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
  // YAML reads unquoted 1.34 or 111111111111 as numbers (and 1.30 as 1.3).
  if (
    issue.code === "invalid_type" &&
    issue.received === "number" &&
    (issue.expected === "string" || issue.expected.startsWith("'"))
  ) {
    const expected = issue.expected === "string" ? "must be a string" : issue.message;
    return {
      path: issue.path,
      message: `${expected}, not a number; in YAML put the value in quotes, such as "1.34"`,
    };
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
