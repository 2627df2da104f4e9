import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { calicoNodePolicyStatements } from "../calico/node-iam";
import { policyDocument } from "../shared/aws-account";
import { PodNetworkMode, podNetworkTraits } from "../shared/pod-network";
import { parseProps } from "../shared/validation/parse-props";
import { awsManagedPolicyArn, serviceTrustPolicy } from "./iam";
import { nodeRolePropsSchema } from "./props";

export interface NodeRoleProps {
  /** IAM role name (at most 64 characters). */
  readonly roleName: string;
  readonly partition: string;
  /** Decides the CNI policy and Felix's EC2 permissions. */
  readonly podNetworkMode: PodNetworkMode;
  /**
   * The role is an EKS managed node group's: it also gets `AmazonEC2ContainerRegistryReadOnly`,
   * which terraform-aws-eks v21 still attaches to managed node group roles and which EKS has
   * required of them at CreateNodegroup (AWS's node role guide named both ECR policies as
   * required in 2025). Nodes pull with `AmazonEC2ContainerRegistryPullOnly` either way.
   * @default false
   */
  readonly managedNodeGroup?: boolean;
}

/** AWS managed policies every worker node role gets, whatever the pod network. */
const BASE_NODE_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEC2ContainerRegistryPullOnly",
  // Session Manager instead of SSH keys for node access.
  "AmazonSSMManagedInstanceCore",
] as const;

/** Managed policies a worker node role needs for a pod network mode (and a managed node group). */
export function nodeManagedPolicies(mode: PodNetworkMode, managedNodeGroup = false): string[] {
  const cniPolicy = podNetworkTraits(mode).cni === "aws-vpc-cni" ? ["AmazonEKS_CNI_Policy"] : [];
  const nodeGroupPolicy = managedNodeGroup ? ["AmazonEC2ContainerRegistryReadOnly"] : [];
  return [...BASE_NODE_POLICIES, ...nodeGroupPolicy, ...cniPolicy];
}

/**
 * The IAM role of EC2 worker nodes, shared by the system node group and Karpenter's nodes so the
 * two cannot drift: EC2 trust, the worker policies, the VPC CNI policy only when the VPC CNI
 * attaches pods, and Calico's Felix permissions when the mode routes natively.
 */
export class NodeRole extends Construct {
  public readonly role: IamRole;
  public readonly roleArn: string;
  public readonly roleName: string;
  /** The role's policy attachments, for resources that need the permissions in place first. */
  public readonly policies: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: NodeRoleProps) {
    super(scope, id);
    const p = parseProps(nodeRolePropsSchema, props, "NodeRoleProps", this);
    this.role = new IamRole(this, "role", {
      name: p.roleName,
      assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com", ["sts:AssumeRole"]),
      // Destroy detaches what is still attached instead of failing with DeleteConflict.
      forceDetachPolicies: true,
    });
    this.roleArn = this.role.arn;
    this.roleName = this.role.name;

    for (const policy of nodeManagedPolicies(p.podNetworkMode, p.managedNodeGroup)) {
      const attachment = new IamRolePolicyAttachment(this, policy, {
        role: this.role.name,
        policyArn: awsManagedPolicyArn(p.partition, policy),
      });
      this.policies.push(attachment);
    }
    const calico = calicoNodePolicyStatements(p.podNetworkMode);
    if (calico.length > 0) {
      this.policies.push(
        new IamRolePolicy(this, "calico-felix", {
          name: "calico-felix",
          role: this.role.name,
          policy: policyDocument(calico),
        }),
      );
    }
  }
}
