import { TerraformElement } from "cdktf";

/** A Terraform custom condition: a boolean expression, and the message when it is false. */
export interface LifecycleCondition {
  /** The expression, as cdktf writes one: `${...}`. */
  readonly condition: string;
  /** What Terraform prints when the condition is false; may interpolate (`${...}`). */
  readonly errorMessage: string;
}

export interface LifecycleConditions {
  /** Checked before Terraform plans the object. @default none */
  readonly precondition?: readonly LifecycleCondition[];
  /** Checked once Terraform knows the object's new state (a data source: once read). @default none */
  readonly postcondition?: readonly LifecycleCondition[];
}

/**
 * Adds `lifecycle` precondition and postcondition blocks to a resource or data source, written
 * right by both of cdktf's printers. The JSON printer takes them as an override. cdktf 0.21's HCL
 * printer (`cdktf synth --hcl`, the exit path in docs/leaving-cdktf.md) writes the entries of a
 * `lifecycle` object as attributes (`postcondition = [...]`, which Terraform refuses: they are
 * blocks) and copies a string holding `${` between quotes without escaping it; so for HCL the
 * element hands the printer block-typed conditions whose strings are escaped here.
 */
export function addLifecycleConditions(
  element: TerraformElement,
  conditions: LifecycleConditions,
): void {
  if (withConditions.has(element)) {
    throw new Error(`${element.node.path}: add every lifecycle condition in one call`);
  }
  withConditions.add(element);
  const kinds = (["precondition", "postcondition"] as const).filter(
    (kind) => (conditions[kind]?.length ?? 0) > 0,
  );
  for (const kind of kinds) {
    element.addOverride(
      `lifecycle.${kind}`,
      conditions[kind]!.map((c) => ({ condition: c.condition, error_message: c.errorMessage })),
    );
  }
  const toHcl = element.toHclTerraform.bind(element);
  element.toHclTerraform = () => {
    const fragment = toHcl() as Record<string, Record<string, Record<string, HclBody>>>;
    for (const byName of Object.values(fragment.resource ?? fragment.data ?? {})) {
      for (const body of Object.values(byName)) {
        const { lifecycle } = body;
        if (!lifecycle || typeof lifecycle !== "object") continue;
        const blocks = Object.fromEntries(
          kinds.map((kind) => [kind, hclConditionBlocks(conditions[kind]!)]),
        );
        body.lifecycle = { isBlock: true, value: { ...lifecycle, ...blocks } };
      }
    }
    return fragment;
  };
}

type HclBody = Record<string, unknown>;

const withConditions = new WeakSet<TerraformElement>();

/** Condition blocks as the HCL printer renders blocks: typed values, strings pre-escaped. */
function hclConditionBlocks(conditions: readonly LifecycleCondition[]) {
  const text = (value: string) => ({
    type: "simple",
    storageClassType: "string",
    value: hclTemplateBody(value),
  });
  return {
    type: "list",
    isBlock: true,
    value: conditions.map((c) => ({
      condition: text(c.condition),
      error_message: text(c.errorMessage),
    })),
  };
}

/**
 * A Terraform JSON string (a template) as the body of an HCL quoted template: backslashes, quotes
 * and line breaks of the literal text escaped, interpolations and directives (`${...}`, `%{...}`)
 * kept as they are, since both syntaxes read those as HCL expressions.
 */
export function hclTemplateBody(template: string): string {
  const ESCAPES: Record<string, string> = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
  };
  let out = "";
  let i = 0;
  while (i < template.length) {
    const pair = template.slice(i, i + 2);
    if ((pair === "$$" || pair === "%%") && template[i + 2] === "{") {
      // An escaped sequence: literal `${` or `%{` in both syntaxes.
      out += template.slice(i, i + 3);
      i += 3;
    } else if (pair === "${" || pair === "%{") {
      const end = interpolationEnd(template, i + 2);
      out += template.slice(i, end);
      i = end;
    } else {
      out += ESCAPES[template[i]] ?? template[i];
      i += 1;
    }
  }
  return out;
}

/** The index after the `}` closing an interpolation whose expression starts at `from`. */
function interpolationEnd(template: string, from: number): number {
  let depth = 1;
  for (let i = from; i < template.length; i++) {
    const c = template[i];
    if (c === '"') {
      // A string inside the expression: skip it, escapes included.
      for (i++; i < template.length && template[i] !== '"'; i++) if (template[i] === "\\") i++;
    } else if (c === "{") {
      depth++;
    } else if (c === "}" && --depth === 0) {
      return i + 1;
    }
  }
  throw new Error(`unterminated interpolation in ${JSON.stringify(template)}`);
}
