/**
 * One environment file, `<name>.yaml`: the environment's fields (schema.ts) and `promotion`, its
 * place in the promotion order. Read untrusted: every problem is reported with the field to
 * change, and YAML syntax errors with their line and column too (yaml-data.ts).
 */
import * as path from "path";
import { z } from "zod";
import { displayName, displayValue } from "../../constructs/shared/validation/display";
import { ENVIRONMENT_FILE_EXTENSION } from "./folder";
import type { Environment, EnvironmentInput } from "./schema";
import { checkEnvironment, formatPath } from "./validate";
import { readYaml } from "./yaml-data";

export { ENVIRONMENT_FILE_EXTENSION };

/**
 * The JSON Schema of an environment file (`npm run schema` writes it from the zod schema): beside
 * this module in the repository and in the package, for editors to complete and check fields.
 */
export const ENVIRONMENT_SCHEMA_FILE = path.join(__dirname, "environment.schema.json");

export const promotionSchema = z
  .number()
  .int()
  .positive()
  .describe(
    "Place in the promotion order: environments deploy one after another from the lowest number " +
      "up, each only when the one before succeeded. Unique; leave gaps (10, 20, 30) for new ones.",
  );

/** One valid environment file. */
export interface EnvironmentFile {
  /** Absolute path of the file. */
  readonly file: string;
  /** Its place in the promotion order: lower numbers deploy first. */
  readonly promotion: number;
  /** The environment's fields as the file writes them (without `promotion`). */
  readonly input: EnvironmentInput;
  /** The same, validated, with every default filled in. */
  readonly environment: Environment;
}

/** Where in a file to change what: a field path, and for YAML errors the line and column. */
export interface FileProblem {
  readonly where: string;
  readonly message: string;
}

/** What one file says on its own; `loaded` only when it has no problem. */
export interface FileReading {
  readonly file: string;
  readonly problems: readonly FileProblem[];
  /** The promotion, when it is valid, for the checks across files. */
  readonly promotion?: number;
  /**
   * The environment, when every field is valid on its own (rules across fields may still fail):
   * for the checks across files, so that one run reports every problem.
   */
  readonly fields?: Environment;
  readonly loaded?: EnvironmentFile;
}

/** The environment name a file must declare: its name without the extension. */
export function environmentNameOf(file: string): string {
  return path.parse(file).name;
}

/** Checks the text of the environment file `file` (read by the caller, folder.ts). */
export function parseEnvironmentFile(file: string, text: string): FileReading {
  const yaml = readYaml(text);
  if (yaml.problems.length > 0) return { file, problems: yaml.problems };
  const data = yaml.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return {
      file,
      problems: [
        { where: "(file)", message: "must be a YAML mapping of the environment's fields" },
      ],
    };
  }

  const { promotion: rawPromotion, ...fields } = data as Record<string, unknown>;
  const problems: FileProblem[] = [];
  const promotion = promotionSchema.safeParse(rawPromotion);
  if (!promotion.success) {
    problems.push({
      where: "promotion",
      message:
        rawPromotion === undefined
          ? "is required: a whole number giving the environment's place in the promotion order (lowest deploys first)"
          : `must be a whole number above 0, such as 10 (lowest deploys first); got ${displayValue(rawPromotion)}`,
    });
  }
  const name = environmentNameOf(file);
  if (typeof fields.name === "string" && fields.name !== name) {
    problems.push({
      where: "name",
      message: `${displayValue(fields.name)} does not match the file name ${displayName(path.basename(file))}; an environment's file is <name>${ENVIRONMENT_FILE_EXTENSION}: rename one of them`,
    });
  }
  const checked = checkEnvironment(fields, { sourceAt: yaml.sourceAt });
  problems.push(
    ...checked.problems.map((p) => ({ where: formatPath(p.path), message: p.message })),
  );
  return {
    file,
    problems,
    promotion: promotion.data,
    fields: checked.fields,
    loaded:
      problems.length === 0 && checked.fields && promotion.success
        ? {
            file,
            promotion: promotion.data,
            // checkEnvironment accepted these fields, so they are an environment's input.
            input: fields as EnvironmentInput,
            environment: checked.fields,
          }
        : undefined,
  };
}
