import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Construct } from "constructs";
import { z } from "zod";
import { policyDocument } from "../shared/aws-account";
import { checkedString } from "../shared/validation/fields";
import { PropsShape, parseProps } from "../shared/validation/parse-props";

/**
 * Events Karpenter reacts to before AWS takes a node away. Keys are construct IDs (Terraform
 * addresses) and rule name suffixes, short enough that `<cluster>-karpenter-<key>` fits in 64.
 */
export const INTERRUPTION_EVENTS = {
  health: { source: "aws.health", detailType: "AWS Health Event" },
  spot: { source: "aws.ec2", detailType: "EC2 Spot Instance Interruption Warning" },
  rebalance: { source: "aws.ec2", detailType: "EC2 Instance Rebalance Recommendation" },
  "state-change": { source: "aws.ec2", detailType: "EC2 Instance State-change Notification" },
  reservation: {
    source: "aws.ec2",
    detailType: "EC2 Capacity Reservation Instance Interruption Warning",
  },
} as const;

/** Name of the EventBridge rule for one of INTERRUPTION_EVENTS (EventBridge allows 64 characters). */
export function interruptionRuleName(
  queueName: string,
  key: keyof typeof INTERRUPTION_EVENTS,
): string {
  return `${queueName}-${key}`;
}

export interface InterruptionQueueProps {
  /** Queue name (at most 80 characters); also the prefix of the rule names. */
  readonly queueName: string;
}

const interruptionQueueShape = {
  queueName: checkedString(
    (name) =>
      /^[A-Za-z0-9_-]{1,80}$/.test(name) &&
      (Object.keys(INTERRUPTION_EVENTS) as (keyof typeof INTERRUPTION_EVENTS)[]).every(
        (key) => interruptionRuleName(name, key).length <= 64,
      ),
    (name) =>
      `"${name}" must be at most 80 letters, digits, hyphens and underscores, and short enough ` +
      "for the rule names it prefixes to fit EventBridge's 64 characters",
  ),
} satisfies PropsShape<InterruptionQueueProps>;

// Here rather than in props.ts, which reads INTERRUPTION_EVENTS from this module.
const interruptionQueuePropsSchema = z.object(interruptionQueueShape).strict();

/**
 * Karpenter's interruption queue: SQS with SSE, fed by EventBridge rules for health events,
 * spot interruptions, rebalance recommendations, state changes and capacity reservation
 * interruptions, and only by them (the queue policy names each rule). Messages older than five
 * minutes are stale for Karpenter and are dropped.
 */
export class InterruptionQueue extends Construct {
  public readonly queue: SqsQueue;

  constructor(scope: Construct, id: string, props: InterruptionQueueProps) {
    super(scope, id);
    const p = parseProps(interruptionQueuePropsSchema, props, "InterruptionQueueProps", this);
    this.queue = new SqsQueue(this, "queue", {
      name: p.queueName,
      messageRetentionSeconds: 300,
      sqsManagedSseEnabled: true,
    });
    const ruleArns: string[] = [];
    for (const key of Object.keys(INTERRUPTION_EVENTS) as (keyof typeof INTERRUPTION_EVENTS)[]) {
      const event = INTERRUPTION_EVENTS[key];
      const rule = new CloudwatchEventRule(this, key, {
        name: interruptionRuleName(p.queueName, key),
        description: `Karpenter interruption handling: ${event.detailType}`,
        eventPattern: JSON.stringify({ source: [event.source], "detail-type": [event.detailType] }),
      });
      ruleArns.push(rule.arn);
      new CloudwatchEventTarget(this, `${key}-target`, {
        rule: rule.name,
        targetId: "KarpenterInterruptionQueueTarget",
        arn: this.queue.arn,
      });
    }

    // Only these rules send: EventBridge delivers as events.amazonaws.com, for any rule of any
    // account unless the policy names the rules (aws:SourceArn). Karpenter's template also lets
    // sqs.amazonaws.com send; nothing feeds this queue but the rules, so it is left out.
    new SqsQueuePolicy(this, "policy", {
      queueUrl: this.queue.url,
      policy: policyDocument([
        {
          Sid: "AllowInterruptionEvents",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: this.queue.arn,
          Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
        },
        {
          Sid: "DenyHTTP",
          Effect: "Deny",
          Principal: "*",
          Action: "sqs:*",
          Resource: this.queue.arn,
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]),
    });
  }
}
