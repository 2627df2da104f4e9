/**
 * A folder of environment files: every `<name>.yaml` in it, validated alone and together, in
 * promotion order. The repository's app, scripts and tests read stacks/environments/ through it
 * (stacks/environments/index.ts); a team with a folder of its own calls `loadEnvironmentFiles`.
 */
import * as fs from "fs";
import * as path from "path";
import { environmentSetProblems } from "./checks";
import { describeProblems } from "../../constructs/shared/validation/issues";
import { formatPath } from "./validate";
import {
  ENVIRONMENT_FILE_EXTENSION,
  environmentNameOf,
  readEnvironmentFile,
  type EnvironmentFile,
  type FileProblem,
  type FileReading,
} from "./file";

/** Every invalid environment file, each with every problem found in it. */
export class EnvironmentFilesError extends Error {
  constructor(
    readonly invalid: readonly {
      readonly file: string;
      readonly problems: readonly FileProblem[];
    }[],
  ) {
    super(
      invalid
        .map(({ file, problems }) =>
          describeProblems(
            `${displayPath(file)}: environment "${environmentNameOf(file)}"`,
            problems,
          ),
        )
        .join("\n"),
    );
    this.name = "EnvironmentFilesError";
  }
}

/**
 * Reads every environment file in `dir`, validates each and the set (unique promotions, and what
 * `environmentSetProblems` checks), and returns them in promotion order. Throws one
 * EnvironmentFilesError listing every problem of every file.
 */
export function loadEnvironmentFiles(dir: string): EnvironmentFile[] {
  const entries = fs.readdirSync(dir).sort();
  const readings = entries
    .filter((entry) => entry.endsWith(ENVIRONMENT_FILE_EXTENSION))
    .map((entry) => readEnvironmentFile(path.join(dir, entry)));
  const problems = new Map<string, FileProblem[]>(readings.map((r) => [r.file, [...r.problems]]));
  // A file the loader would skip must not look like an environment that deploys.
  for (const entry of entries.filter((e) => e.endsWith(".yml"))) {
    problems.set(path.join(dir, entry), [
      {
        where: "(file name)",
        message: `environment files end in ${ENVIRONMENT_FILE_EXTENSION}: rename it to ${path.basename(entry, ".yml")}${ENVIRONMENT_FILE_EXTENSION}`,
      },
    ]);
  }
  if (problems.size === 0) {
    throw new Error(
      `no environment files (*${ENVIRONMENT_FILE_EXTENSION}) in ${displayPath(dir)}: add one as docs/environments.md, "Add an environment", describes`,
    );
  }
  for (const { file, problem } of promotionClashes(readings)) problems.get(file)?.push(problem);
  const loaded = readings.flatMap((r) => (r.loaded ? [r.loaded] : []));
  for (const problem of environmentSetProblems(loaded.map((f) => f.environment))) {
    problems
      .get(loaded[problem.environment].file)
      ?.push({ where: formatPath(problem.path), message: problem.message });
  }
  const invalid = [...problems]
    .filter(([, list]) => list.length > 0)
    .map(([file, list]) => ({ file, problems: list }));
  if (invalid.length > 0) throw new EnvironmentFilesError(invalid);
  return loaded.sort((a, b) => a.promotion - b.promotion);
}

/** Two files with one promotion, each told which other files share it and a free number to take. */
function promotionClashes(
  readings: readonly FileReading[],
): { file: string; problem: FileProblem }[] {
  const promotions = readings.flatMap((r) => (r.promotion === undefined ? [] : [r.promotion]));
  return readings.flatMap(({ file, promotion }) => {
    const others = readings.filter((r) => r.file !== file && r.promotion === promotion);
    if (promotion === undefined || others.length === 0) return [];
    const next = Math.min(...promotions.filter((p) => p > promotion));
    const advice = !Number.isFinite(next)
      ? `${promotion + 10}, for example, deploys after every other environment`
      : next - promotion > 1
        ? `${Math.floor((promotion + next) / 2)}, for example, deploys between ${promotion} and ${next}`
        : `no number is free between ${promotion} and ${next}: renumber the files with gaps (10, 20, 30)`;
    return [
      {
        file,
        problem: {
          where: "promotion",
          message:
            `${promotion} is also the promotion of ${others.map((o) => path.basename(o.file)).join(", ")}; ` +
            `each environment needs its own place in the order: ${advice}`,
        },
      },
    ];
  });
}

/** A path as a user would type it from the current directory, when it lies below it. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}
