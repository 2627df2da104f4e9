/**
 * Echoing untrusted text (values, keys, file names) in messages. Every character that could
 * change how a terminal, a log or a CI runner reads a line is escaped: control characters (a
 * carriage return or newline would start a line of the attacker's choosing, such as a GitHub
 * `::error::` workflow command), invisible formatting and bidirectional controls, line and
 * paragraph separators, lone surrogates. Long text is cut, so a 20 MB value is not 20 MB of stderr.
 */

/** Characters never echoed as they are. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\uFFFD]/gu;

/** The first unsafe character of `text` and its index, when it has one. */
export function firstUnsafeCharacter(text: string): { index: number; code: string } | undefined {
  UNSAFE.lastIndex = 0;
  const match = UNSAFE.exec(text);
  return match ? { index: match.index, code: codePoint(match[0]) } : undefined;
}

/** `U+000A`. */
function codePoint(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

const SHORT_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** `text` with every unsafe character written as an escape (`\n`, `\u001b`, `\u{10ffff}`). */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, (character) => {
    const short = SHORT_ESCAPES[character];
    if (short) return short;
    const code = character.codePointAt(0) ?? 0;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** At most `max` UTF-16 units of `text`, without splitting a surrogate pair. */
function cut(text: string, max: number): string {
  const head = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head;
}

/**
 * A value as a message quotes it: a string in double quotes with JSON escapes (and every unsafe
 * character escaped), cut after `max` characters with the full length said; other values as JSON.
 */
export function displayValue(value: unknown, max = 80): string {
  if (typeof value === "string") {
    const shown =
      value.length > max
        ? `${JSON.stringify(cut(value, max))}… (${value.length} characters)`
        : JSON.stringify(value);
    return escapeUnsafe(shown);
  }
  if (typeof value === "number" || typeof value === "boolean" || value === null) {
    return String(value);
  }
  if (value === undefined) return "nothing";
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json === undefined) return Object.prototype.toString.call(value);
  return escapeUnsafe(json.length > max ? `${cut(json, max)}…` : json);
}

/**
 * A name (a file name, a path) shown as it is when it holds only characters that cannot mislead
 * (letters, digits, `._-/@+`), otherwise quoted like a value: a line never starts with a name's
 * own `::` or `-`, and an odd character is visible.
 */
export function displayName(name: string, max = 120): string {
  return /^[\p{L}\p{N}_.+@/][\p{L}\p{N}_.+@/-]*$/u.test(name) && name.length <= max
    ? name
    : displayValue(name, max);
}

/** One line of a message: unsafe characters escaped, cut after `max` characters. */
export function displayLine(text: string, max = 600): string {
  const escaped = escapeUnsafe(text);
  return escaped.length > max
    ? `${cut(escaped, max)}… (${escaped.length - max} more characters)`
    : escaped;
}
