/**
 * A folder of environment files: every `<name>.yaml` in it, validated alone and together, in
 * promotion order. The repository's app, scripts and tests read stacks/environments/ through it
 * (stacks/environments/index.ts); a team with a folder of its own calls `loadEnvironmentFiles`.
 */
import * as path from "path";
import { environmentSetProblems } from "./checks";
import { displayName, displayValue } from "../../constructs/shared/validation/display";
import { describeProblems } from "../../constructs/shared/validation/issues";
import { formatPath } from "./validate";
import {
  environmentNameOf,
  parseEnvironmentFile,
  type EnvironmentFile,
  type FileProblem,
  type FileReading,
} from "./file";
import {
  ENVIRONMENT_FILE_EXTENSION,
  MAX_FOLDER_BYTES,
  listEnvironmentFolder,
  readFolderFile,
} from "./folder";

/** Problems one error message lists at most, over all files; the rest are counted. */
const MAX_LISTED_PROBLEMS = 200;

/** Every invalid environment file, each with every problem found in it. */
export class EnvironmentFilesError extends Error {
  constructor(
    readonly invalid: readonly {
      readonly file: string;
      readonly problems: readonly FileProblem[];
    }[],
  ) {
    super(describeFiles(invalid));
    this.name = "EnvironmentFilesError";
  }
}

function describeFiles(
  invalid: readonly { readonly file: string; readonly problems: readonly FileProblem[] }[],
): string {
  const blocks: string[] = [];
  let budget = MAX_LISTED_PROBLEMS;
  for (const [index, { file, problems }] of invalid.entries()) {
    if (budget <= 0) {
      const rest = invalid.slice(index);
      const count = rest.reduce((n, f) => n + f.problems.length, 0);
      blocks.push(`… and ${count} more problems in ${rest.length} more files (fix these first)`);
      break;
    }
    const subject = file.endsWith(ENVIRONMENT_FILE_EXTENSION)
      ? `${displayName(displayPath(file))}: environment ${displayValue(environmentNameOf(file))}`
      : displayName(displayPath(file));
    blocks.push(describeProblems(subject, problems, Math.min(budget, 50)));
    budget -= Math.min(problems.length, 50);
  }
  return blocks.join("\n");
}

/**
 * Reads every environment file in `dir`, validates each and the set (unique promotions, and what
 * `environmentSetProblems` checks), and returns them in promotion order. Throws one
 * EnvironmentFilesError listing every problem of every file: one that cannot be read (not a
 * regular file inside the folder, too large, not UTF-8) is a problem of that file, and an entry
 * that looks like an environment file but is not read is one too.
 */
export function loadEnvironmentFiles(dir: string): EnvironmentFile[] {
  const listing = listEnvironmentFolder(dir);
  const problems = new Map<string, FileProblem[]>();
  const add = (file: string, ...list: FileProblem[]) =>
    problems.set(file, [...(problems.get(file) ?? []), ...list]);
  for (const { file, where, message } of listing.problems) add(file, { where, message });

  const readings: FileReading[] = [];
  let bytes = 0;
  for (const file of listing.files) {
    const read = readFolderFile(dir, file);
    if ("problem" in read) {
      add(file, { where: "(file)", message: read.problem });
      continue;
    }
    bytes += Buffer.byteLength(read.text);
    if (bytes > MAX_FOLDER_BYTES) {
      add(file, {
        where: "(file)",
        message: `is not read: the folder's environment files have more than ${MAX_FOLDER_BYTES} bytes together`,
      });
      continue;
    }
    const reading = checkedFile(file, read.text);
    readings.push(reading);
    add(file, ...reading.problems);
  }
  if (problems.size === 0) {
    throw new Error(
      `no environment files (*${ENVIRONMENT_FILE_EXTENSION}) in ${displayName(displayPath(dir))}: add one as docs/environments.md, "Add an environment", describes`,
    );
  }
  for (const { file, problem } of promotionClashes(readings)) add(file, problem);
  // In promotion order, so that a clash is blamed on the later file: the one that introduced it.
  const ordered = readings
    .filter((r): r is FileReading & { fields: NonNullable<FileReading["fields"]> } => !!r.fields)
    .sort(
      (a, b) => (a.promotion ?? Infinity) - (b.promotion ?? Infinity) || (a.file < b.file ? -1 : 1),
    );
  for (const problem of environmentSetProblems(ordered.map((r) => r.fields))) {
    add(ordered[problem.environment].file, {
      where: formatPath(problem.path),
      message: problem.message,
    });
  }
  const invalid = [...problems]
    .filter(([, list]) => list.length > 0)
    .map(([file, list]) => ({ file, problems: list }));
  if (invalid.length > 0) throw new EnvironmentFilesError(invalid);
  return readings
    .flatMap((r) => (r.loaded ? [r.loaded] : []))
    .sort((a, b) => a.promotion - b.promotion);
}

/** The file's reading; whatever fails while checking one file is a problem of that file. */
function checkedFile(file: string, text: string): FileReading {
  try {
    return parseEnvironmentFile(file, text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { file, problems: [{ where: "(file)", message: `could not be checked: ${message}` }] };
  }
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
    const free = (n: number) => !promotions.includes(n);
    const advice = !Number.isFinite(next)
      ? `${promotion + 10}, for example, deploys after every other environment`
      : next - promotion > 1 && free(Math.floor((promotion + next) / 2))
        ? `${Math.floor((promotion + next) / 2)}, for example, deploys between ${promotion} and ${next}`
        : `no number is free between ${promotion} and ${next}: renumber the files with gaps (10, 20, 30)`;
    return [
      {
        file,
        problem: {
          where: "promotion",
          message:
            `${promotion} is also the promotion of ${others.map((o) => displayName(path.basename(o.file))).join(", ")}; ` +
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
