import { IConstruct } from "constructs";

/** Metadata type under which suppressions are stored on the construct they cover. */
const SUPPRESSION_METADATA = "platform.io/policy-suppression";

/** A reason must say why, not just "ok": at least this many characters. */
export const MIN_SUPPRESSION_REASON_LENGTH = 10;

const RULE_ID = /^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/;

interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
}

/**
 * Suppresses one policy rule on a construct and everything beneath it. The reason is printed
 * with every finding it suppresses, so reviewers see why the rule does not hold there.
 *
 * @throws when the rule ID is malformed or the reason is shorter than 10 characters
 */
export function suppress(construct: IConstruct, ruleId: string, reason: string): void {
  if (!RULE_ID.test(ruleId)) {
    throw new Error(
      `suppress(${construct.node.path}): rule ID "${ruleId}" is not a rule ID such as PLT-EKS-2`,
    );
  }
  const trimmed = (reason ?? "").trim();
  if (trimmed.length < MIN_SUPPRESSION_REASON_LENGTH) {
    throw new Error(
      `suppress(${construct.node.path}, ${ruleId}): a reason of at least ` +
        `${MIN_SUPPRESSION_REASON_LENGTH} characters is required; say why the rule does not apply here`,
    );
  }
  const suppression: Suppression = { ruleId, reason: trimmed };
  construct.node.addMetadata(SUPPRESSION_METADATA, suppression, { stackTrace: false });
}

/** Reason of the nearest suppression of `ruleId` on the construct or one of its scopes. */
export function suppressionReason(construct: IConstruct, ruleId: string): string | undefined {
  // Innermost first, so a suppression closer to the resource names the more specific reason.
  for (const scope of [...construct.node.scopes].reverse()) {
    for (const entry of scope.node.metadata) {
      if (entry.type !== SUPPRESSION_METADATA) continue;
      const suppression = entry.data as Suppression;
      if (suppression.ruleId === ruleId) return suppression.reason;
    }
  }
  return undefined;
}
