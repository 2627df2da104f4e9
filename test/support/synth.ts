import { App, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";

/** Synthesized Terraform JSON of one stack. */
export interface SynthJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { value: unknown }>;
  readonly provider?: Record<string, unknown[]>;
  readonly terraform?: Record<string, unknown>;
  readonly locals?: Record<string, unknown>;
}

/** Builds constructs inside a bare stack and returns its synthesized JSON. */
export function synthConstruct(build: (scope: Construct) => void): SynthJson {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  build(stack);
  return JSON.parse(Testing.synth(stack)) as SynthJson;
}

export function synthStack(stack: TerraformStack): SynthJson {
  return JSON.parse(Testing.synth(stack)) as SynthJson;
}

/** All resources of one Terraform type, keyed by logical ID. */
export function resourcesOf<T = Record<string, unknown>>(
  json: SynthJson,
  type: string,
): Record<string, T> {
  return (json.resource?.[type] ?? {}) as Record<string, T>;
}

/** The only resource of a type; fails the test when there are none or several. */
export function onlyResource<T = Record<string, unknown>>(json: SynthJson, type: string): T {
  const all = Object.values(resourcesOf<T>(json, type));
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

export function newApp(): App {
  return Testing.app();
}

/**
 * Reads a synthesized policy document: a plain JSON string, or the `${jsonencode({...})}` that
 * `policyDocument()` renders, with references such as `aws_sqs_queue.q.arn` turned into
 * `"${aws_sqs_queue.q.arn}"` strings.
 */
export function policyJson<T = { Version: string; Statement: Record<string, unknown>[] }>(
  value: unknown,
): T {
  const text = String(value);
  const encoded = /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(text);
  if (!encoded) return JSON.parse(text) as T;
  let json = "";
  const body = encoded[1];
  for (let i = 0; i < body.length; ) {
    const c = body[i];
    if (c === '"') {
      let j = i + 1;
      while (body[j] !== '"') j += body[j] === "\\" ? 2 : 1;
      json += body.slice(i, j + 1);
      i = j + 1;
    } else if (c === "=") {
      json += ":";
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      // A reference, indexes included (`x[0].id`), but not the bracket closing a list of them.
      const ref = /^(?:[\w.\-*]|\[\d+\])+/.exec(body.slice(i))![0];
      json += ["true", "false", "null"].includes(ref) ? ref : JSON.stringify(`\${${ref}}`);
      i += ref.length;
    } else {
      json += c;
      i++;
    }
  }
  return JSON.parse(json) as T;
}

/** The synthesized attributes of a `helm_release` that tests read. */
export interface HelmRelease {
  name: string;
  repository?: string;
  chart: string;
  version?: string;
  namespace: string;
  create_namespace?: boolean;
  wait?: boolean;
  values: string[];
  depends_on?: string[];
  [attribute: string]: unknown;
}
