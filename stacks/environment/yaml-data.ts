/**
 * Turning an environment file's text into data, as untrusted input: YAML syntax errors are
 * reported once, where they are (a list missing its `]` is reported at its `[`, not as the five
 * errors that follow from it), and what would exhaust the parser is refused before it runs (deep
 * nesting overflows its stack) or while it runs (aliases that expand into millions of nodes).
 */
import { isMap, isNode, isScalar, isSeq, parseDocument, type Document } from "yaml";
import type { Path } from "../../constructs/shared/validation/issues";
import type { FileProblem } from "./file";
import { MAX_DATA_DEPTH } from "./untrusted-data";
import { formatPath } from "./validate";

/** Aliases (`*name`) one file may expand; the shipped files use none. */
const MAX_ALIASES = 100;

export interface YamlData {
  /** The data, when the text is valid YAML of bounded size and depth. */
  readonly data?: unknown;
  readonly problems: readonly FileProblem[];
  /** The text a value was written as, by its path (`1.30` where the data holds 1.3). */
  readonly sourceAt: (path: Path) => string | undefined;
}

const noSource = () => undefined;

export function readYaml(text: string): YamlData {
  const at = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    return `line ${line}, column ${offset - before.lastIndexOf("\n")}`;
  };
  // Counted before parsing: the parser recurses once per level and would overflow its stack.
  const deep = deepNesting(text);
  if (deep !== undefined) {
    return {
      problems: [{ where: at(deep), message: `nests deeper than ${MAX_DATA_DEPTH} levels` }],
      sourceAt: noSource,
    };
  }
  let document: Document;
  let data: unknown;
  try {
    document = parseDocument(text, { prettyErrors: false });
    const syntax = syntaxProblems(document, at);
    if (syntax.length > 0) return { problems: syntax, sourceAt: noSource };
    data = document.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    // The library's own limits and failures: each a problem of this file, never a crash.
    const message =
      error instanceof RangeError
        ? "nests too deeply to read"
        : /alias/i.test(String((error as Error)?.message))
          ? `its aliases (*name) expand to more than ${MAX_ALIASES} copies; write the values out`
          : `not valid YAML: ${String((error as Error)?.message ?? error)}`;
    return { problems: [{ where: "(file)", message }], sourceAt: noSource };
  }
  return {
    data,
    problems: [],
    sourceAt: (path) => {
      const node = document.getIn(path, true);
      return isScalar(node) && typeof node.source === "string" ? node.source : undefined;
    },
  };
}

/** What to change, for the syntax errors whose own message does not say. */
const SYNTAX_HINTS: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: "not valid YAML: a tab indents this line; indent with spaces only",
  MULTIPLE_DOCS:
    "not valid YAML: a second document starts here (a `---` line); an environment file holds one: remove it",
};

/**
 * The first syntax error, once, with the field and position to fix; errors after it mostly
 * follow from it. Every repeated key is reported, each where it is written again.
 */
function syntaxProblems(document: Document, at: (offset: number) => string): FileProblem[] {
  if (document.errors.length === 0) return [];
  // A tab in the indentation explains the errors around it (a key it seems to repeat, say).
  const tab = document.errors.find((e) => e.code === "TAB_AS_INDENT");
  const [first] = tab ? [tab] : [...document.errors].sort((a, b) => a.pos[0] - b.pos[0]);
  const repeated = tab
    ? []
    : document.errors.filter((e) => e.code === "DUPLICATE_KEY" && e !== first);
  return [first, ...repeated].map((error) => {
    const unclosed = /end with a ([\]}])/.exec(error.message);
    const opening = unclosed ? unclosedFlowAt(document, error.pos[0]) : undefined;
    const offset = opening ?? error.pos[0];
    const field = fieldPathAt(document.contents, offset);
    const where = field.length > 0 ? `${formatPath(field)} (${at(offset)})` : at(offset);
    const message =
      unclosed && opening !== undefined
        ? `not valid YAML: this ${unclosed[1] === "]" ? "[ list" : "{ mapping"} is not closed; end it with ${unclosed[1]}`
        : (SYNTAX_HINTS[error.code] ?? `not valid YAML: ${error.message}`);
    return { where, message };
  });
}

/** Where the flow collection (`[` or `{`) that runs up to `offset` without closing opens. */
function unclosedFlowAt(document: Document, offset: number): number | undefined {
  let opening: number | undefined;
  const pending: unknown[] = [document.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isMap(node) || isSeq(node)) {
      const range = node.range;
      if (node.flow && range && range[0] < offset && range[2] >= offset) {
        if (opening === undefined || range[0] > opening) opening = range[0];
      }
      for (const item of node.items) {
        if (isMap(node)) {
          const pair = item as { key: unknown; value: unknown };
          pending.push(pair.key, pair.value);
        } else pending.push(item);
      }
    }
  }
  return opening;
}

/**
 * Where `text` nests flow collections (`[[[`) or compact block collections (`- - -`) more than
 * MAX_DATA_DEPTH deep, by offset; undefined when it does not. Counts brackets outside quotes and
 * comments; nesting by indentation is bounded by the file size.
 */
function deepNesting(text: string): number | undefined {
  let depth = 0;
  let quote: string | undefined;
  let comment = false;
  /** The last character outside quotes and spaces on the line: a quote only opens after these. */
  let previous = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (i === 0 || text[i - 1] === "\n") {
      comment = false;
      previous = "";
      const compact = /^(?:[ \t]*[-?](?:[ \t]+|$))+/.exec(text.slice(i, i + 512));
      if (compact && (compact[0].match(/[-?]/g) ?? []).length > MAX_DATA_DEPTH) return i;
    }
    if (comment || c === "\n") continue;
    if (quote) {
      if (quote === '"' && c === "\\") i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "#" && (i === 0 || /\s/.test(text[i - 1]))) comment = true;
    else if ((c === '"' || c === "'") && /^[:\-[{,?]?$/.test(previous)) quote = c;
    else if (c === "[" || c === "{") {
      if (++depth > MAX_DATA_DEPTH) return i;
    } else if (c === "]" || c === "}") depth = Math.max(0, depth - 1);
    if (!/\s/.test(c)) previous = c;
  }
  return undefined;
}

/** The field path of the YAML node at `offset`, such as `aws.zones[1]`. */
export function fieldPathAt(node: unknown, offset: number): (string | number)[] {
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
