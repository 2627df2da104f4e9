/**
 * An EKS cluster in a VPC that already exists (another team's, or one made by hand): bring your
 * own subnets. The VPC and subnet IDs are Terraform variables, set at plan time
 * (`TF_VAR_vpc_id=vpc-... terraform plan`, or a .tfvars file), so nothing here names a real
 * network. Pods use the AWS VPC CNI (`policy-only`): they take addresses from the existing
 * subnets, and EKS's managed node group and add-ons come up without a CNI of ours.
 *
 * Replace the account, admin ARN and state bucket (placeholders) before deploying.
 */
import { App, TerraformIterator, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { Ec2Tag } from "@cdktf/provider-aws/lib/ec2-tag";
import { EksCluster, KarpenterAws, KmsKey, applyPolicyPack } from "@platform/cdktf-toolkit";
import { awsProvider, configureBackend } from "@platform/cdktf-toolkit/stacks";

const CLUSTER_NAME = "byo-vpc";
const TARGET = { accountId: "111111111111", region: "eu-west-1" };
const ADMIN = "arn:aws:iam::111111111111:role/platform-admin";
const STATE = { bucket: "example-platform-tfstate", region: TARGET.region };

class ExistingVpcClusterStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    awsProvider(this, {
      environment: CLUSTER_NAME,
      owner: "platform-team",
      target: TARGET,
      offline: false,
    });
    configureBackend(this, {
      environment: CLUSTER_NAME,
      stackName: id,
      state: STATE,
      offline: false,
    });

    const vpcId = new TerraformVariable(this, "vpc_id", {
      type: "string",
      description: "ID of the existing VPC",
    });
    const vpcCidr = new TerraformVariable(this, "vpc_cidr", {
      type: "string",
      description: "Primary IPv4 CIDR of the VPC; the service range must not overlap it",
    });
    const controlPlaneSubnetIds = new TerraformVariable(this, "control_plane_subnet_ids", {
      type: "list(string)",
      description: "Subnets in at least two zones for the control plane's network interfaces",
    });
    const nodeSubnetIds = new TerraformVariable(this, "node_subnet_ids", {
      type: "list(string)",
      description: "Private subnets for nodes (and, with the VPC CNI, pods)",
    });

    const key = new KmsKey(this, "kms", {
      ...TARGET,
      alias: `${CLUSTER_NAME}/eks`,
      description: `${CLUSTER_NAME}: secrets, node volumes and logs`,
      administrators: [ADMIN],
    });

    const cluster = new EksCluster(this, "cluster", {
      ...TARGET,
      name: CLUSTER_NAME,
      kubernetesVersion: "1.35",
      vpcId: vpcId.stringValue,
      vpcCidr: vpcCidr.stringValue,
      controlPlaneSubnetIds: controlPlaneSubnetIds.listValue,
      nodeSubnetIds: nodeSubnetIds.listValue,
      kmsKeyArn: key.keyArn,
      podNetworkMode: "policy-only",
      admins: [ADMIN],
    });

    // Karpenter finds the subnets to launch into by this tag. The VPC is not managed here, so the
    // tags are added to its subnets one by one (and removed again on destroy).
    const nodeSubnets = TerraformIterator.fromList(nodeSubnetIds.listValue);
    new Ec2Tag(this, "karpenter-discovery", {
      forEach: nodeSubnets,
      resourceId: nodeSubnets.value,
      key: "karpenter.sh/discovery",
      value: CLUSTER_NAME,
    });

    const karpenter = new KarpenterAws(this, "karpenter", {
      ...TARGET,
      clusterName: CLUSTER_NAME,
      cluster: cluster.cluster,
      clusterArn: cluster.clusterArn,
      podNetworkMode: cluster.podNetworkMode,
      kmsKeyArn: key.keyArn,
    });

    new TerraformOutput(this, "cluster_endpoint", { value: cluster.endpoint });
    new TerraformOutput(this, "karpenter_queue_name", { value: karpenter.queueName });
    new TerraformOutput(this, "karpenter_node_role_name", { value: karpenter.nodeRoleName });
    applyPolicyPack(this, { tier: "staging" });
  }
}

const app = new App();
new ExistingVpcClusterStack(app, "byo-vpc-infra");
app.synth();
