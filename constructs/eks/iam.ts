import { policyDocument } from "../shared/aws-account";

/** ARN of an AWS managed policy, such as `AmazonEKSWorkerNodePolicy`. */
export function awsManagedPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/** Trust policy letting an AWS service principal assume a role with the given actions. */
export function serviceTrustPolicy(service: string, actions: readonly string[]): string {
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Service: service },
      Action: [...actions],
    },
  ]);
}

/** Turns an ARN or name into a construct ID that stays the same wherever it sits in a list. */
export function idFromArn(arn: string): string {
  return arn
    .replace(/^arn:[^:]+:/, "")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
