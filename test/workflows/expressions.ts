/**
 * The part of GitHub Actions' expression language the workflows use (`${{ ... }}`: contexts,
 * property and index access, literals, `!`, `==`, `!=`, `&&`, `||`, `fromJSON`, `toJSON`, `join`,
 * `format`, `always`),
 * evaluated as GitHub does, so tests can run a workflow's conditions and matrices against real
 * inputs. Anything else throws, so a workflow that starts using it fails the tests instead of
 * being evaluated wrongly.
 */

export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };
export type Contexts = Record<string, Value>;

const TOKEN =
  /\s*(?:('(?:[^']|'')*')|(\d+(?:\.\d+)?)|([A-Za-z_][\w-]*)|(==|!=|&&|\|\||[!.,()[\]]))/y;

type Token = { kind: "string" | "number" | "name" | "punct"; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    if (!match) throw new Error(`cannot read expression at "${source.slice(start)}"`);
    const [, str, num, name, punct] = match;
    if (str !== undefined)
      tokens.push({ kind: "string", text: str.slice(1, -1).replace(/''/g, "'") });
    else if (num !== undefined) tokens.push({ kind: "number", text: num });
    else if (name !== undefined) tokens.push({ kind: "name", text: name });
    else tokens.push({ kind: "punct", text: punct });
  }
  return tokens;
}

/** GitHub's truthiness: false, 0, "" and null are false. */
export function truthy(value: Value): boolean {
  return !(value === false || value === 0 || value === "" || value === null);
}

/** GitHub's loose equality: strings case-insensitively, mixed types as numbers. */
function equal(a: Value, b: Value): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if (typeof a === typeof b || a === null || b === null) return a === b;
  return Number(a) === Number(b);
}

const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  // Status functions as in a run where every job needed has finished.
  always: () => true,
  fromJSON: (text) => JSON.parse(String(text)) as Value,
  toJSON: (value) => JSON.stringify(value, null, 2),
  join: (array, separator = ",") =>
    Array.isArray(array) ? array.map(String).join(String(separator)) : String(array),
  // `{N}` replaced by argument N; `{{` and `}}` are literal braces.
  format: (template, ...args) =>
    String(template).replace(/\{\{|\}\}|\{(\d+)\}/g, (token, index?: string) =>
      index === undefined ? token[0] : String(args[Number(index)] ?? ""),
    ),
};

export function evaluate(source: string, contexts: Contexts): Value {
  const tokens = tokenize(source);
  let at = 0;
  const peek = (text?: string) => {
    const token = tokens[at];
    return token && (text === undefined || (token.kind === "punct" && token.text === text))
      ? token
      : undefined;
  };
  const expect = (text: string) => {
    if (!peek(text)) throw new Error(`expected "${text}" in ${source}`);
    at++;
  };
  const property = (target: Value, key: Value): Value =>
    target !== null && typeof target === "object" && !Array.isArray(target)
      ? (target[String(key)] ?? null)
      : Array.isArray(target) && typeof key === "number"
        ? (target[key] ?? null)
        : null;

  const primary = (): Value => {
    const token = tokens[at++];
    if (!token) throw new Error(`unexpected end of ${source}`);
    if (token.kind === "string") return token.text;
    if (token.kind === "number") return Number(token.text);
    if (token.kind === "punct" && token.text === "(") {
      const value = or();
      expect(")");
      return value;
    }
    if (token.kind !== "name") throw new Error(`unexpected "${token.text}" in ${source}`);
    if (token.text === "true" || token.text === "false") return token.text === "true";
    if (token.text === "null") return null;
    if (peek("(")) {
      at++;
      const fn = FUNCTIONS[token.text];
      if (!fn) throw new Error(`function ${token.text} is not supported (in ${source})`);
      const args: Value[] = [];
      while (!peek(")")) {
        args.push(or());
        if (peek(",")) at++;
      }
      expect(")");
      return fn(...args);
    }
    if (!(token.text in contexts)) throw new Error(`unknown context ${token.text} (in ${source})`);
    return contexts[token.text];
  };
  const postfix = (): Value => {
    let value = primary();
    for (;;) {
      if (peek(".")) {
        at++;
        value = property(value, tokens[at++].text);
      } else if (peek("[")) {
        at++;
        const key = or();
        expect("]");
        value = property(value, key);
      } else return value;
    }
  };
  const unary = (): Value => {
    if (peek("!")) {
      at++;
      return !truthy(unary());
    }
    return postfix();
  };
  const comparison = (): Value => {
    let value = unary();
    while (peek("==") || peek("!=")) {
      const negate = tokens[at++].text === "!=";
      const right = unary();
      value = equal(value, right) !== negate;
    }
    return value;
  };
  const and = (): Value => {
    let value = comparison();
    while (peek("&&")) {
      at++;
      const right = comparison();
      value = truthy(value) ? right : value;
    }
    return value;
  };
  const or = (): Value => {
    let value = and();
    while (peek("||")) {
      at++;
      const right = and();
      value = truthy(value) ? value : right;
    }
    return value;
  };
  const value = or();
  if (at !== tokens.length) throw new Error(`unexpected "${tokens[at].text}" in ${source}`);
  return value;
}

const TEMPLATE = /\$\{\{(.*?)\}\}/g;

/**
 * A workflow value: a string that is exactly one `${{ }}` gives the expression's value (a matrix
 * of objects, a boolean input); others are interpolated as text, null as "".
 */
export function interpolate(text: string, contexts: Contexts): Value {
  const whole = /^\$\{\{(.*)\}\}$/s.exec(text.trim());
  if (whole && !whole[1].includes("}}")) return evaluate(whole[1], contexts);
  return text.replace(TEMPLATE, (_, expression: string) => {
    const value = evaluate(expression, contexts);
    return value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  });
}

/** A job's or step's `if`, which GitHub evaluates as an expression with or without `${{ }}`. */
export function condition(text: string | undefined, contexts: Contexts): boolean {
  if (text === undefined) return true;
  const whole = /^\$\{\{(.*)\}\}$/s.exec(text.trim());
  return truthy(evaluate(whole ? whole[1] : text, contexts));
}
