import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Fn, ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { serviceTrustPolicy } from "../eks/iam";
import { NodeRole } from "../eks/node-role";
import { policyDocument } from "../shared/aws-account";
import { PodNetworkMode } from "../shared/pod-network";
import { declarePodNetworkMode } from "../shared/pod-network-agreement";
import { parseProps } from "../shared/validation/parse-props";
import { karpenterControllerStatements } from "./controller-policy";
import { InterruptionQueue } from "./interruption-queue";
import { KarpenterIdentity, karpenterAwsNames, karpenterAwsPropsSchema } from "./props";

export interface KarpenterAwsProps {
  readonly clusterName: string;
  readonly clusterArn: string;
  /**
   * The cluster resource, when `clusterName` is a literal: the access entry and the Pod Identity
   * association wait for it. (The name must be a literal: it forms IAM condition keys such as
   * `aws:ResourceTag/kubernetes.io/cluster/<name>`.)
   * @default no explicit dependency
   */
  readonly cluster?: ITerraformDependable;
  readonly accountId: string;
  readonly region: string;
  /** @default "aws" */
  readonly partition?: string;
  /** Decides the node role's CNI policy and Calico's EC2 permissions. */
  readonly podNetworkMode: PodNetworkMode;
  /**
   * `pod-identity` trusts pods.eks.amazonaws.com and creates the association; `irsa` trusts the
   * cluster's OIDC provider (give `oidc`).
   * @default "pod-identity"
   */
  readonly identity?: KarpenterIdentity;
  /** The cluster's IAM OIDC provider; required with `identity: "irsa"`. */
  readonly oidc?: {
    readonly providerArn: string;
    /** Issuer URL, with or without https://. */
    readonly issuer: string;
  };
  /**
   * Namespace of the controller's service account.
   * @default "kube-system"
   */
  readonly namespace?: string;
  /**
   * Name of the controller's service account.
   * @default "karpenter"
   */
  readonly serviceAccount?: string;
  /**
   * Key the EC2NodeClass encrypts node volumes with. The controller's policy has no kms: actions:
   * EC2 uses the key with the controller's credentials when it launches a node, so the key's own
   * policy must allow that, with principal `*` limited by `kms:CallerAccount` and
   * `kms:ViaService = ec2.<region>.amazonaws.com` (KmsKey with `usage.ebs`). A statement naming
   * the account root is not enough: it only lets IAM policies grant the key. Kept as a prop so
   * callers pass the same key to the EC2NodeClass.
   */
  readonly kmsKeyArn: string;
  /**
   * Grant the controller what ARC zonal shift needs (`arc-zonal-shift:GetManagedResource` on this
   * cluster). Set it together with `KarpenterController`'s `enableZonalShift`.
   * @default false
   */
  readonly enableZonalShift?: boolean;
}

/**
 * The AWS side of Karpenter v1: controller role (Pod Identity or IRSA) with upstream's scoped
 * policy, the node role with an EC2_LINUX access entry, and the interruption queue with its
 * EventBridge rules. The chart and node pools live in the platform stack.
 *
 * The controller policy is an inline role policy: with a 38-character cluster name it renders to
 * about 6.4 KB (6.6 KB in GovCloud), over the 6,144 character limit of a managed policy and well
 * under the 10,240 character inline limit.
 */
export class KarpenterAws extends Construct {
  public readonly controllerRoleArn: string;
  public readonly nodeRoleName: string;
  public readonly nodeRoleArn: string;
  public readonly queueName: string;
  public readonly queueArn: string;
  public readonly namespace: string;
  public readonly serviceAccount: string;
  public readonly identity: KarpenterIdentity;

  constructor(scope: Construct, id: string, props: KarpenterAwsProps) {
    super(scope, id);
    const p = parseProps(karpenterAwsPropsSchema, props, "KarpenterAwsProps", this);
    declarePodNetworkMode(this, { modes: [p.podNetworkMode], clusterName: p.clusterName });
    const { partition } = p;
    this.identity = p.identity;
    this.namespace = p.namespace;
    this.serviceAccount = p.serviceAccount;
    const names = karpenterAwsNames(p.clusterName);

    const nodeRole = new NodeRole(this, "node-role", {
      roleName: names.nodeRole,
      partition,
      podNetworkMode: p.podNetworkMode,
    });
    new EksAccessEntry(this, "node-access-entry", {
      clusterName: p.clusterName,
      principalArn: nodeRole.roleArn,
      type: "EC2_LINUX",
      dependsOn: p.cluster ? [p.cluster] : undefined,
    });

    const interruption = new InterruptionQueue(this, "interruption", { queueName: names.queue });

    const controllerRole = new IamRole(this, "controller-role", {
      name: names.controllerRole,
      assumeRolePolicy:
        this.identity === "irsa" && p.oidc
          ? this.irsaTrustPolicy(p.oidc)
          : serviceTrustPolicy("pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]),
      // Destroy detaches what is still attached instead of failing with DeleteConflict.
      forceDetachPolicies: true,
    });
    new IamRolePolicy(this, "controller-policy", {
      name: "karpenter-controller",
      role: controllerRole.name,
      policy: policyDocument(
        karpenterControllerStatements({
          partition,
          region: p.region,
          accountId: p.accountId,
          clusterName: p.clusterName,
          clusterArn: p.clusterArn,
          nodeRoleArn: nodeRole.roleArn,
          queueArn: interruption.queue.arn,
          enableZonalShift: p.enableZonalShift,
        }),
      ),
    });
    if (this.identity === "pod-identity") {
      new EksPodIdentityAssociation(this, "pod-identity", {
        clusterName: p.clusterName,
        namespace: this.namespace,
        serviceAccount: this.serviceAccount,
        roleArn: controllerRole.arn,
        dependsOn: p.cluster ? [p.cluster] : undefined,
      });
    }

    this.controllerRoleArn = controllerRole.arn;
    this.nodeRoleName = nodeRole.roleName;
    this.nodeRoleArn = nodeRole.roleArn;
    this.queueName = interruption.queue.name;
    this.queueArn = interruption.queue.arn;
  }

  /**
   * Trust for the service account through the cluster's OIDC provider. The condition keys are
   * `<issuer host>:sub` and `:aud`, and the issuer is usually known only after apply: a reference
   * cannot be an object key in `jsonencode` (Terraform cannot parse it), so the document comes from
   * `aws_iam_policy_document`, whose condition `variable` takes an expression. The data source is
   * computed by the provider itself, without calling AWS.
   */
  private irsaTrustPolicy(oidc: NonNullable<KarpenterAwsProps["oidc"]>): string {
    // Condition keys name the issuer without its scheme.
    const issuer = Token.isUnresolved(oidc.issuer)
      ? Fn.replace(oidc.issuer, "https://", "")
      : oidc.issuer.replace(/^https:\/\//, "");
    return new DataAwsIamPolicyDocument(this, "controller-trust", {
      statement: [
        {
          effect: "Allow",
          principals: [{ type: "Federated", identifiers: [oidc.providerArn] }],
          actions: ["sts:AssumeRoleWithWebIdentity"],
          condition: [
            {
              test: "StringEquals",
              variable: `${issuer}:sub`,
              values: [`system:serviceaccount:${this.namespace}:${this.serviceAccount}`],
            },
            { test: "StringEquals", variable: `${issuer}:aud`, values: ["sts.amazonaws.com"] },
          ],
        },
      ],
    }).json;
  }
}
