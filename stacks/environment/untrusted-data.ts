/**
 * What no value read from an environment file may be, whatever its field: a Terraform expression
 * or template directive (cdktf writes strings into Terraform JSON as they are, and Terraform
 * evaluates `${...}` and `%{...}` in them: `${file("/proc/self/environ")}` in `owner` would put
 * the plan runner's environment into the plan), a cdktf token (the schemas let tokens through, as
 * construct props from code take them, so `${TfToken[TOKEN.1]}` in an account ID would resolve
 * to another resource's attribute), text with control or invisible characters, or data that is
 * not plain. Checked on keys as well as values. Library props keep taking real tokens from code:
 * only data passes through here.
 */
import { Token } from "cdktf";
import { displayValue, firstUnsafeCharacter } from "../../constructs/shared/validation/display";
import type { Path, Problem } from "../../constructs/shared/validation/issues";

/** Deeper than any environment field (karpenter.nodePools[0].budgets[0].reasons[0] is 5). */
export const MAX_DATA_DEPTH = 32;

/** How cdktf encodes tokens in strings, list elements and map keys (numbers: numberProblem). */
const TOKEN_MARKERS = ["${TfToken[", "#{TfToken[", "&{TfToken["];

/** Why `text` cannot be used, if it cannot: a phrase starting with a verb. */
function textProblem(text: string): string | undefined {
  const marker = TOKEN_MARKERS.find((m) => text.includes(m));
  if (marker) {
    return `holds a cdktf token (${marker}...]}), which only code can pass; write the value itself`;
  }
  if (text.includes("${")) {
    return 'holds "${", which Terraform reads as an expression; environment files hold plain values: remove it';
  }
  if (text.includes("%{")) {
    return 'holds "%{", which Terraform reads as a template directive; environment files hold plain values: remove it';
  }
  const unsafe = firstUnsafeCharacter(text);
  if (unsafe) {
    return `holds ${unsafe.code}, a control or invisible character, at position ${unsafe.index + 1}; write plain text on one line`;
  }
  return undefined;
}

function numberProblem(value: number): string | undefined {
  // cdktf encodes number tokens as NaN-like doubles, and list tokens as lists of them.
  if (Token.isUnresolved(value) || Token.isUnresolved([value])) {
    return "is a cdktf number token, which only code can pass; write the number itself";
  }
  if (!Number.isFinite(value)) return `must be a finite number; got ${String(value)}`;
  return undefined;
}

/** An object literal or a parsed mapping, of any realm (not a Buffer, Date, Map or class instance). */
function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

/** Every value (and key) of `data` that no environment field may hold, with its path. */
export function untrustedDataProblems(data: unknown): Problem[] {
  const problems: Problem[] = [];
  // Iterative: the data comes from a file, and its depth must not decide the stack's.
  const pending: { value: unknown; path: Path }[] = [{ value: data, path: [] }];
  while (pending.length > 0) {
    const { value, path } = pending.pop() as { value: unknown; path: Path };
    const report = (message: string) => problems.push({ path, message });
    if (typeof value === "string") {
      const problem = textProblem(value);
      if (problem) report(problem);
    } else if (typeof value === "number") {
      const problem = numberProblem(value);
      if (problem) report(problem);
    } else if (typeof value === "object" && value !== null) {
      if (path.length >= MAX_DATA_DEPTH) {
        report(`nests deeper than ${MAX_DATA_DEPTH} levels; no environment field is that deep`);
      } else if (Array.isArray(value)) {
        value.forEach((item, index) => pending.push({ value: item, path: [...path, index] }));
      } else if (!isPlainObject(value)) {
        report(
          "is not plain data (a YAML tag such as !!binary makes one); write a string, number, list or mapping",
        );
      } else {
        for (const [key, item] of Object.entries(value)) {
          const problem = textProblem(key);
          if (problem) report(`has the key ${displayValue(key)}, which ${problem}`);
          else pending.push({ value: item, path: [...path, key] });
        }
      }
    }
  }
  return problems.reverse();
}

/** Whether `path` is `prefix` or lies below it. */
export function isAtOrBelow(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => path[i] === part);
}
