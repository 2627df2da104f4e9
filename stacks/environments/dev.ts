import type { EnvironmentInput } from "../environment/schema";

/** Account IDs and ARNs in the shipped environments are placeholders: replace them with yours. */
export const dev: EnvironmentInput = {
  platform: "eks",
  name: "dev",
  tier: "dev",
  owner: "platform-team",
  kubernetesVersion: "1.34",
  podNetwork: { mode: "ipip", podCidr: "10.244.0.0/16" },
  serviceCidr: "172.20.0.0/16",
  aws: {
    accountId: "111111111111",
    region: "ap-northeast-2",
    zones: ["ap-northeast-2a", "ap-northeast-2c"],
    vpcCidr: "10.10.0.0/16",
    nat: "single",
    vpcEndpoints: ["s3"],
    flowLogRetentionDays: 30,
  },
  cluster: {
    name: "dev-platform",
    // Documentation range (RFC 5737) standing in for an office egress range.
    endpoint: { public: true, publicAccessCidrs: ["203.0.113.0/24"] },
    admins: ["arn:aws:iam::111111111111:role/platform-admin"],
    logRetentionDays: 30,
    // Three nodes: Calico, CoreDNS and two Karpenter controllers must fit with one drained.
    systemNodeGroup: { instanceTypes: ["m6i.large"], minSize: 3, maxSize: 4, desiredSize: 3 },
  },
  kms: { administrators: ["arn:aws:iam::111111111111:role/platform-admin"] },
  karpenter: {
    nodePools: [
      {
        name: "general",
        capacityTypes: ["spot", "on-demand"],
        architectures: ["amd64", "arm64"],
        limits: { cpu: 64, memoryGi: 256 },
      },
    ],
  },
  ingress: { controller: "f5-nginx", exposure: { type: "nlb", scheme: "internet-facing" } },
  state: {
    bucket: "platform-tfstate-111111111111",
    region: "ap-northeast-2",
    kmsKeyId: "alias/dev/tfstate",
  },
};
