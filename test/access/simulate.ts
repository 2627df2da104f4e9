import { createValidatedPolicy, validateResourcePolicy } from "@cloud-copilot/iam-policy";
import { runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "./policies";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/**
 * Who makes a call: a session of an IAM role, an AWS service principal acting on its own, or the
 * holder of a token from an OIDC provider (the provider's ARN) asking to assume a role.
 */
export type Caller =
  | { readonly role: string }
  | { readonly service: string }
  | { readonly federated: string };

/** One request to an AWS API, with everything IAM evaluates it against. */
export interface Call {
  readonly caller: Caller;
  readonly action: string;
  /** The resource's ARN (`*` for actions that take no resource). */
  readonly resource: string;
  /** Account owning the resource. */
  readonly resourceAccount: string;
  /**
   * Request context beyond what the caller implies. aws:PrincipalArn, aws:PrincipalAccount and
   * kms:CallerAccount follow from a role caller, and aws:SecureTransport is "true" unless given.
   */
  readonly context?: Readonly<Record<string, string | string[]>>;
  /** The caller's identity policies (a role's inline and customer-managed policies). */
  readonly identityPolicies?: readonly {
    readonly name: string;
    readonly document: PolicyDocument;
  }[];
  /** Key policy, queue policy or trust policy of the resource. */
  readonly resourcePolicy?: PolicyDocument;
}

const ROLE_ARN = /^arn:([\w-]+):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;
/**
 * Keys iam-simulate drops before evaluating (see simulate()): KMS encryption context keys, and an
 * OIDC provider's `sub` and `aud`, which IAM takes from every web identity token but its
 * reference data lists under no action.
 */
const DROPPED_KEY = /^kms:EncryptionContext:|^[\w.-]+(\/[\w.-]+)*:(sub|aud)$/i;

/** The request as IAM sees it: the role session, and the context keys AWS always sets for it. */
function request(call: Call): Simulation["request"] {
  const context: Record<string, string | string[]> = { "aws:SecureTransport": "true" };
  let principal: string;
  if ("role" in call.caller) {
    const role = ROLE_ARN.exec(call.caller.role);
    if (!role) throw new Error(`caller ${call.caller.role} is not an IAM role ARN`);
    const [, partition, account, name] = role;
    principal = `arn:${partition}:sts::${account}:assumed-role/${name}/access-simulation`;
    context["aws:PrincipalArn"] = call.caller.role;
    context["aws:PrincipalAccount"] = account;
    if (call.action.startsWith("kms:")) context["kms:CallerAccount"] = account;
  } else if ("service" in call.caller) {
    principal = call.caller.service;
  } else {
    principal = call.caller.federated;
  }
  return {
    principal,
    action: call.action,
    resource: { resource: call.resource, accountId: call.resourceAccount },
    contextVariables: { ...context, ...call.context },
  };
}

export function describeCall(call: Call): string {
  const caller =
    "role" in call.caller
      ? call.caller.role
      : "service" in call.caller
        ? call.caller.service
        : call.caller.federated;
  return `${caller} ${call.action} on ${call.resource}`;
}

/**
 * IAM's decision on one call, from `@cloud-copilot/iam-simulate` (identity policies, the resource
 * policy, KMS's rule that a key policy naming the account root delegates to IAM policies).
 * Throws when the simulator rejects the input (a malformed policy, an action that does not exist,
 * a resource ARN of the wrong type) or ignores a context key, so no decision rests on a request
 * it did not evaluate as written.
 */
export async function simulate(call: Call): Promise<Decision> {
  const simulation: Simulation = {
    request: request(call),
    identityPolicies: (call.identityPolicies ?? []).map(({ name, document }) => ({
      name,
      policy: document,
    })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: call.resourcePolicy,
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType === "error") {
    throw new Error(`simulator rejected ${describeCall(call)}: ${JSON.stringify(response.errors)}`);
  }
  if (response.resultType !== "single") {
    throw new Error(`${describeCall(call)}: simulate one resource, not a pattern`);
  }
  const ignored = response.result.ignoredContextKeys ?? [];
  const unexpected = ignored.filter((key) => !DROPPED_KEY.test(key));
  if (unexpected.length > 0) {
    throw new Error(
      `${describeCall(call)}: context keys ${unexpected.join(", ")} do not apply to the action; ` +
        "AWS would not send them, so remove them from the call",
    );
  }
  if (ignored.length === 0) return response.overallResult;
  // iam-simulate 0.1.173 keeps a variable context key only when its variable follows a "/"
  // (aws:RequestTag/<key>), so it drops kms:EncryptionContext:<key> before evaluating, and an OIDC
  // provider's sub and aud, which no action lists. Its engine evaluates those keys correctly: the
  // request has passed validation above, so evaluate it again without that step. (The unchecked entry point reads the resource policy's name from a
  // validated policy.)
  return runUnsafeSimulation(
    {
      ...simulation,
      resourcePolicy:
        call.resourcePolicy &&
        createValidatedPolicy(call.resourcePolicy, validateResourcePolicy, {
          name: "resource policy",
        }),
    },
    {},
  );
}
