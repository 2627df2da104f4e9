/**
 * A consumer's composition that gives one cluster two pod network modes: the EksCluster (node
 * ports) in ipip, KarpenterAws and Calico in vxlan. Written into the consumer project and
 * compiled there; running it must fail at synth, naming both constructs, and write no stack.
 */
export const MISMATCHED_MODES_FILE = "mismatched-modes.ts";

export const MISMATCHED_MODES_SOURCE = `
import { App, TerraformStack } from "cdktf";
import { Calico, EksCluster, KarpenterAws } from "@platform/cdktf-toolkit";
import { awsProvider, kubernetesProviders } from "@platform/cdktf-toolkit/stacks";

const TARGET = { accountId: "111111111111", region: "eu-west-1" };
const KEY = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000";

const app = new App();
const infra = new TerraformStack(app, "team-infra");
awsProvider(infra, { environment: "team", owner: "team", target: TARGET, offline: true });
const cluster = new EksCluster(infra, "cluster", {
  ...TARGET,
  name: "team",
  kubernetesVersion: "1.35",
  vpcId: "vpc-0123456789abcdef0",
  vpcCidr: "10.30.0.0/16",
  controlPlaneSubnetIds: ["subnet-a", "subnet-b"],
  nodeSubnetIds: ["subnet-c"],
  kmsKeyArn: KEY,
  podNetworkMode: "ipip",
  admins: ["arn:aws:iam::111111111111:role/platform-admin"],
});
new KarpenterAws(infra, "karpenter", {
  ...TARGET,
  clusterName: "team",
  clusterArn: cluster.clusterArn,
  podNetworkMode: "vxlan",
  kmsKeyArn: KEY,
});
const platform = new TerraformStack(app, "team-platform");
kubernetesProviders(platform, {
  kind: "eks",
  clusterName: "team",
  region: TARGET.region,
  endpoint: cluster.endpoint,
  certificateAuthorityData: cluster.certificateAuthorityData,
});
new Calico(platform, "calico", {
  platform: "eks",
  mode: "vxlan",
  podCidr: "10.244.0.0/16",
  vpcCidr: "10.30.0.0/16",
});
app.synth();
`;
