import { isSet, violation } from "../attributes";
import {
  conditionFixes,
  documentAt,
  isAllow,
  servicePrincipals,
  statementName,
} from "../policy-statements";
import { PolicyContext, PolicyRule, PolicySubject, PolicyViolation } from "../types";

/** Keys by which a resource policy names the one resource or account a service acts for. */
const SOURCE_KEYS = ["aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner"] as const;

/** Resource policies a service principal writes, publishes or delivers into, by resource type. */
const RESOURCE_POLICIES: Readonly<Record<string, string>> = {
  aws_sqs_queue_policy: "policy",
  aws_sqs_queue: "policy",
  aws_sns_topic_policy: "policy",
  aws_sns_topic: "policy",
  aws_cloudwatch_event_bus_policy: "policy",
  aws_s3_bucket_policy: "policy",
  aws_s3_bucket: "policy",
};

function resourcePolicy(subject: PolicySubject, context: PolicyContext): PolicyViolation[] {
  const attribute = RESOURCE_POLICIES[subject.type];
  return documentAt(attribute, subject.attributes[attribute], context).flatMap(
    ({ where, statements }) =>
      statements.flatMap((statement, index) => {
        const services = servicePrincipals(statement);
        if (!isAllow(statement) || services.length === 0) return [];
        if (conditionFixes(statement, SOURCE_KEYS)) return [];
        return [
          violation(
            `${where} ${statementName(statement, index)} lets ${services.join(", ")} act with no aws:SourceArn or aws:SourceAccount condition`,
          ),
        ];
      }),
  );
}

function lambdaPermission({ attributes }: PolicySubject): PolicyViolation[] {
  const principal = attributes.principal;
  if (typeof principal !== "string" || !/\.amazonaws\.com(\.cn)?$/.test(principal)) return [];
  if (isSet(attributes.source_arn) || isSet(attributes.source_account)) return [];
  return [violation(`lets ${principal} invoke with neither source_arn nor source_account`)];
}

/**
 * A service principal is the service acting for any customer: a queue that lets
 * events.amazonaws.com send messages, with no condition, takes messages from every EventBridge
 * rule of every account (the confused deputy AWS's resource-policy guides warn about).
 */
export const SERVICE_PRINCIPAL_SOURCE: PolicyRule = {
  id: "PLT-IAM-3",
  level: "error",
  explanation:
    "resource policies (SQS, SNS, EventBridge buses, S3 buckets, Lambda permissions) that grant an AWS service principal must name the resource or account it acts for, or the service acts for anyone's resources",
  fix: "add a Condition with aws:SourceArn (ArnEquals the rule, topic or bucket ARN) or aws:SourceAccount (StringEquals your account ID); on aws_lambda_permission set sourceArn or sourceAccount",
  appliesTo: [...Object.keys(RESOURCE_POLICIES), "aws_lambda_permission"],
  check: (subject, context) =>
    subject.type === "aws_lambda_permission"
      ? lambdaPermission(subject)
      : resourcePolicy(subject, context),
};
