/**
 * One environment file, `<name>.yaml`: the environment's fields (schema.ts) and `promotion`, its
 * place in the promotion order. Read untrusted: every problem is reported with the field to
 * change, and YAML syntax errors with their line and column too.
 */
import * as fs from "fs";
import * as path from "path";
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import type { Environment, EnvironmentInput } from "./schema";
import { EnvironmentValidationError, formatPath, parseEnvironment } from "./validate";

export const ENVIRONMENT_FILE_EXTENSION = ".yaml";

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
  readonly loaded?: EnvironmentFile;
}

/** The environment name a file must declare: its name without the extension. */
export function environmentNameOf(file: string): string {
  return path.parse(file).name;
}

export function readEnvironmentFile(file: string): FileReading {
  const lines = new LineCounter();
  const document = parseDocument(fs.readFileSync(file, "utf8"), {
    lineCounter: lines,
    prettyErrors: false,
  });
  if (document.errors.length > 0) {
    return {
      file,
      problems: document.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        const field = fieldPathAt(document.contents, error.pos[0]);
        const at = `line ${line}, column ${col}`;
        return {
          where: field.length > 0 ? `${formatPath(field)} (${at})` : at,
          message: `not valid YAML: ${error.message}`,
        };
      }),
    };
  }
  const data: unknown = document.toJS();
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
          : `must be a whole number above 0, such as 10 (lowest deploys first); got ${JSON.stringify(rawPromotion)}`,
    });
  }
  const name = environmentNameOf(file);
  if (typeof fields.name === "string" && fields.name !== name) {
    problems.push({
      where: "name",
      message: `"${fields.name}" does not match the file name ${path.basename(file)}; an environment's file is <name>${ENVIRONMENT_FILE_EXTENSION}: rename one of them`,
    });
  }
  let environment: Environment | undefined;
  try {
    environment = parseEnvironment(fields);
  } catch (error) {
    if (!(error instanceof EnvironmentValidationError)) throw error;
    problems.push(
      ...error.problems.map((p) => ({ where: formatPath(p.path), message: p.message })),
    );
  }
  return {
    file,
    problems,
    promotion: promotion.data,
    loaded:
      problems.length === 0 && environment && promotion.success
        ? {
            file,
            promotion: promotion.data,
            // parseEnvironment accepted these fields, so they are an environment's input.
            input: fields as EnvironmentInput,
            environment,
          }
        : undefined,
  };
}

/** The field path of the YAML node at `offset`, such as `aws.zones[1]`. */
function fieldPathAt(node: unknown, offset: number): (string | number)[] {
  /**
   * Whether `offset` lies from the start of `first` up to, not including, the end of `last`'s
   * value: a block map's value ends where the next key starts, and `range[2]` runs on over
   * trailing comments, so an inclusive end named the key before the one at fault.
   */
  const spans = (first: unknown, last: unknown): boolean =>
    isNode(first) &&
    isNode(last) &&
    first.range !== null &&
    first.range !== undefined &&
    last.range !== null &&
    last.range !== undefined &&
    offset >= first.range[0] &&
    offset < last.range[1];
  if (isMap(node)) {
    const pair = node.items.find((p) => spans(p.key, p.value ?? p.key));
    if (pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      return [key, ...fieldPathAt(pair.value, offset)];
    }
  }
  if (isSeq(node)) {
    const index = node.items.findIndex((item) => spans(item, item));
    if (index >= 0) return [index, ...fieldPathAt(node.items[index], offset)];
  }
  return [];
}
