/**
 * Making untrusted strings (names, keys, values, Terraform's error text) safe to show: in
 * Markdown, where a line break, HTML, a link or a mention would be interpreted, and on a terminal
 * or CI log, where a control character or a `::command::` line would.
 */

/**
 * Characters that end a line somewhere (CR, LF, NEL, U+2028/2029), other control characters,
 * and invisible format characters (bidi overrides, zero-width) that can make text read as
 * something it is not.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** `text` with every unsafe character written as an escape (`\n`, `\u2028`): one visible line. */
export function visible(text: string): string {
  return text.replace(
    UNSAFE,
    (c) => NAMED[c] ?? `\\u${c.codePointAt(0)?.toString(16).padStart(4, "0")}`,
  );
}

/** At most `max` characters: longer text is cut, with its full length said. */
export function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = `… (${text.length} chars)`;
  let keep = Math.max(0, max - note.length);
  // Never split a surrogate pair.
  if (keep > 0 && /[\uD800-\uDBFF]/.test(text[keep - 1])) keep -= 1;
  return `${text.slice(0, keep)}${note}`;
}

/** Longest resource name, attribute path or stack name shown. */
export const MAX_NAME = 200;
/** Longest failure reason shown. */
export const MAX_REASON = 600;

/**
 * An inline code span of `text`, escaped and capped: Markdown shows it literally (no HTML, links,
 * mentions or emphasis), and a fence longer than any backtick run inside keeps it whole.
 */
export function code(text: string, max = Number.POSITIVE_INFINITY): string {
  const shown = cap(visible(text), max);
  let longestRun = 0;
  for (const [run] of shown.matchAll(/`+/g)) longestRun = Math.max(longestRun, run.length);
  const fence = "`".repeat(longestRun + 1);
  const pad = shown.startsWith("`") || shown.endsWith("`") || shown === "" ? " " : "";
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/**
 * A code span inside a table cell: GitHub splits cells at every unescaped `|`, code spans
 * included, and drops the backslash of `\|` there.
 */
export const cellCode = (text: string, max = MAX_NAME) => code(text, max).replace(/\|/g, "\\|");

/** A line for a terminal or a CI log: escaped, so it cannot forge lines or `::` commands. */
export function logText(text: string, max = 2_000): string {
  const line = cap(visible(text), max);
  // A workflow command is a line starting with `::`; a leading space makes it plain text.
  return line.startsWith("::") ? ` ${line}` : line;
}
