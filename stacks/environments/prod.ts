import type { EnvironmentInput } from "../environment/schema";

/** Account IDs and ARNs in the shipped environments are placeholders: replace them with yours. */
export const prod: EnvironmentInput = {
  platform: "eks",
  name: "prod",
  tier: "prod",
  owner: "platform-team",
  kubernetesVersion: "1.34",
  // Pods keep VPC addresses from the AWS VPC CNI; Calico enforces NetworkPolicy only.
  podNetwork: { mode: "policy-only" },
  serviceCidr: "172.20.0.0/16",
  aws: {
    accountId: "333333333333",
    region: "ap-northeast-2",
    zones: ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"],
    vpcCidr: "10.30.0.0/16",
    nat: "per-zone",
    vpcEndpoints: ["s3", "ecr.api", "ecr.dkr", "sts", "ec2", "sqs", "ssm", "eks-auth"],
    flowLogRetentionDays: 365,
  },
  cluster: {
    name: "prod-platform",
    endpoint: { public: false },
    admins: ["arn:aws:iam::333333333333:role/platform-admin"],
    logRetentionDays: 365,
    systemNodeGroup: { instanceTypes: ["m6i.large"], minSize: 3, maxSize: 4, desiredSize: 3 },
  },
  kms: { administrators: ["arn:aws:iam::333333333333:role/platform-admin"] },
  karpenter: {
    nodePools: [
      {
        name: "general",
        capacityTypes: ["on-demand"],
        limits: { cpu: 256, memoryGi: 1024 },
        consolidationPolicy: "WhenEmptyOrUnderutilized",
        consolidateAfter: "5m",
        budgets: [
          { nodes: "10%" },
          // No voluntary disruption during Seoul business hours on weekdays.
          {
            nodes: "0",
            schedule: "0 0 * * mon-fri",
            duration: "10h",
            reasons: ["Underutilized", "Drifted"],
          },
        ],
      },
    ],
  },
  ingress: { controller: "f5-nginx", exposure: { type: "nlb", scheme: "internet-facing" } },
  state: {
    bucket: "platform-tfstate-333333333333",
    region: "ap-northeast-2",
    kmsKeyId: "alias/prod/tfstate",
  },
};
