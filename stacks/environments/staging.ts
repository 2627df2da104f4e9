import type { EnvironmentInput } from "../environment/schema";

/** Account IDs and ARNs in the shipped environments are placeholders: replace them with yours. */
export const staging: EnvironmentInput = {
  platform: "eks",
  name: "staging",
  tier: "staging",
  owner: "platform-team",
  kubernetesVersion: "1.34",
  podNetwork: { mode: "ipip-cross-subnet", podCidr: "10.244.0.0/16" },
  serviceCidr: "172.20.0.0/16",
  aws: {
    accountId: "222222222222",
    region: "ap-northeast-2",
    zones: ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"],
    vpcCidr: "10.20.0.0/16",
    nat: "single",
    vpcEndpoints: ["s3", "ecr.api", "ecr.dkr"],
  },
  cluster: {
    name: "staging-platform",
    endpoint: { public: true, publicAccessCidrs: ["203.0.113.0/24"] },
    admins: ["arn:aws:iam::222222222222:role/platform-admin"],
  },
  kms: { administrators: ["arn:aws:iam::222222222222:role/platform-admin"] },
  karpenter: {
    nodePools: [
      {
        name: "general",
        capacityTypes: ["on-demand"],
        limits: { cpu: 128, memoryGi: 512 },
        budgets: [{ nodes: "10%" }],
      },
    ],
  },
  ingress: { controller: "f5-nginx", exposure: { type: "nlb", scheme: "internet-facing" } },
  state: {
    bucket: "platform-tfstate-222222222222",
    region: "ap-northeast-2",
    kmsKeyId: "alias/staging/tfstate",
  },
};
