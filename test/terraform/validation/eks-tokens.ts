/**
 * EksCluster with tokens where a real deploy has them: the VPC, subnets and keys are created in
 * the same stack (references to other resources) or come from elsewhere (variables, as from a
 * network stack's outputs, including whole lists). Synth must skip the checks that need values
 * (test/eks/tokens.spec.ts), and the configuration must pass `terraform validate` with the real
 * aws provider.
 */
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { TerraformStack, TerraformVariable } from "cdktf";
import { EksCluster, EksClusterProps, SystemNodeGroup } from "../../../constructs/eks";
import { ACCOUNT, REGION } from "../support";
import { caseGroup } from "./group";

/**
 * The cluster, and with a Calico CNI the system node group from its props, as the stack that
 * installs Calico creates it (in one stack here: validate needs no ordering).
 */
function cluster(stack: TerraformStack, props: EksClusterProps): void {
  const eks = new EksCluster(stack, "eks", props);
  if (!eks.systemNodeGroup) {
    new SystemNodeGroup(stack, "system-node-group", eks.systemNodeGroupProps);
  }
}

const COMMON = {
  name: "dev-platform",
  kubernetesVersion: "1.35",
  vpcCidr: "10.10.0.0/16",
  admins: [`arn:aws:iam::${ACCOUNT}:role/platform-admin`],
  accountId: ACCOUNT,
  region: REGION,
} as const;

/** VPC, subnets and keys as resources of the same stack: every ID is a reference. */
function fromResources(stack: TerraformStack): void {
  const vpc = new Vpc(stack, "vpc", { cidrBlock: COMMON.vpcCidr });
  const subnet = (id: string, zone: string, cidr: string) =>
    new Subnet(stack, id, { vpcId: vpc.id, availabilityZone: `${REGION}${zone}`, cidrBlock: cidr })
      .id;
  const key = (id: string) => new KmsKey(stack, id, { enableKeyRotation: true }).arn;
  cluster(stack, {
    ...COMMON,
    // A Calico CNI: the system node group is built from the cluster's props.
    podNetworkMode: "ipip-cross-subnet",
    vpcId: vpc.id,
    controlPlaneSubnetIds: [
      subnet("intra-a", "a", "10.10.64.0/26"),
      subnet("intra-c", "c", "10.10.64.64/26"),
    ],
    nodeSubnetIds: [
      subnet("private-a", "a", "10.10.0.0/19"),
      subnet("private-c", "c", "10.10.32.0/19"),
    ],
    kmsKeyArn: key("secrets"),
    volumeKmsKeyArn: key("ebs"),
    logsKmsKeyArn: key("logs"),
  });
}

/** IDs from another stack's outputs, as variables: whole subnet lists are single tokens. */
function fromVariables(stack: TerraformStack): void {
  const variable = (id: string, type: string) => new TerraformVariable(stack, id, { type });
  cluster(stack, {
    ...COMMON,
    // The AWS VPC CNI: the cluster construct creates the system node group itself.
    podNetworkMode: "policy-only",
    vpcId: variable("vpc_id", "string").stringValue,
    controlPlaneSubnetIds: variable("intra_subnet_ids", "list(string)").listValue,
    nodeSubnetIds: variable("private_subnet_ids", "list(string)").listValue,
    kmsKeyArn: variable("secrets_key_arn", "string").stringValue,
  });
}

export const EKS_TOKEN_CASES = {
  "from-resources": fromResources,
  "from-variables": fromVariables,
} as const;

export const eksTokens = () =>
  caseGroup(
    "EksCluster with tokens where real deploys have them",
    "platform-eks-tokens-",
    EKS_TOKEN_CASES,
  );
