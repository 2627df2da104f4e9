import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EksCluster as EksClusterResource } from "@cdktf/provider-aws/lib/eks-cluster";
import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { PodNetworkMode, podNetworkTraits } from "../shared/pod-network";
import { declarePodNetworkMode } from "../shared/pod-network-agreement";
import { parseProps } from "../shared/validation/parse-props";
import { AdminAccessEntries, ViewerAccessEntries } from "./access-entries";
import { managedAddon } from "./addons";
import { awsManagedPolicyArn, clusterEncryptionPolicy, serviceTrustPolicy } from "./iam";
import { SystemNodeGroup, SystemNodeGroupProps, SystemNodeGroupSizing } from "./node-group";
import { NodeRole } from "./node-role";
import {
  AddonVersions,
  EksSupportType,
  clusterVersionFindings,
  eksClusterPropsSchema,
  systemNodeRoleName,
} from "./props";
import { ClusterSecurityGroups, IngressRuleSpec } from "./security-groups";

export { EKS_SUPPORT_TYPES, type EksSupportType } from "./props";

/** Access to the Kubernetes API endpoint. The private endpoint is always on. */
export interface EksEndpointProps {
  /**
   * Whether the API endpoint is also reachable from the internet.
   * @default false
   */
  readonly public?: boolean;
  /**
   * CIDRs allowed to reach the public endpoint; only valid with `public: true`.
   * @default [] — with a public endpoint EKS then allows 0.0.0.0/0
   */
  readonly publicAccessCidrs?: readonly string[];
}

export interface EksClusterProps {
  /** Cluster name (letters, digits, hyphens, underscores; starts with a letter or digit). */
  readonly name: string;
  /** Kubernetes minor version such as "1.33". */
  readonly kubernetesVersion: string;
  readonly vpcId: string;
  /** VPC CIDR; the service CIDR must not overlap it. */
  readonly vpcCidr: string;
  /** Intra subnets for the control plane ENIs (at least two zones). */
  readonly controlPlaneSubnetIds: readonly string[];
  /** Private subnets for the system node group. */
  readonly nodeSubnetIds: readonly string[];
  /** KMS key for secrets envelope encryption (and, unless overridden, logs and node volumes). */
  readonly kmsKeyArn: string;
  /**
   * KMS key for the system nodes' root volumes.
   * @default kmsKeyArn
   */
  readonly volumeKmsKeyArn?: string;
  /**
   * KMS key for the control plane log group.
   * @default kmsKeyArn
   */
  readonly logsKmsKeyArn?: string;
  readonly podNetworkMode: PodNetworkMode;
  /**
   * The pod network mode nodes still run while the cluster switches to `podNetworkMode` (same
   * CNI): the node security group keeps its node-to-node ports open too, so calico-node in either
   * mode reaches the others during the switch. Set it for the change that switches modes, and
   * remove it in a later change, once the switch is deployed.
   * @default no other mode
   */
  readonly podNetworkMigratingFrom?: PodNetworkMode;
  /** IAM principal ARNs given cluster admin through access entries. */
  readonly admins: readonly string[];
  /**
   * IAM principal ARNs given read-only access through access entries: AmazonEKSViewPolicy on the
   * cluster, which reads no Secrets (see `viewerGroups`).
   * @default none
   */
  readonly viewers?: readonly string[];
  /**
   * Kubernetes groups the viewers belong to, for RBAC bindings that grant them more than the view
   * policy (the platform stack lets its group read Helm's release Secrets).
   * @default none
   */
  readonly viewerGroups?: readonly string[];
  /** @default private endpoint only */
  readonly endpoint?: EksEndpointProps;
  /**
   * Retention of the control plane log group.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /**
   * Kubernetes service range.
   * @default "172.20.0.0/16"
   */
  readonly serviceCidr?: string;
  /**
   * Managed node group for system pods.
   * @default m6i.large, min 3, max 4, desired 3, 50 GiB root volume: Calico's control plane,
   * CoreDNS and two Karpenter controllers fit with one node drained (see checkSystemCapacity)
   */
  readonly systemNodeGroup?: Partial<SystemNodeGroupSizing>;
  /**
   * kubelet maxPods on the system nodes, applied only when Calico is the CNI (with the VPC CNI,
   * EKS derives it from the instance's ENI limits).
   * @default 110
   */
  readonly maxPods?: number;
  /**
   * Create an IAM OIDC provider for the cluster issuer (needed for IRSA, not for Pod Identity).
   * @default false
   */
  readonly oidc?: boolean;
  /**
   * EKS support policy (`upgrade_policy.support_type`). Under STANDARD, EKS upgrades the control
   * plane itself when the version's standard support ends; EXTENDED keeps the version for up to
   * 12 more months at an extra hourly charge per cluster. Set explicitly, because a cluster
   * created without it gets EKS's default, extended support, and so is billed for it unnoticed.
   * @default "STANDARD"
   */
  readonly supportType?: EksSupportType;
  /**
   * How the add-ons this construct installs (kube-proxy, the Pod Identity agent, and with the
   * VPC CNI, vpc-cni and CoreDNS) get their versions: `cluster-default` looks up each add-on's
   * default version for `kubernetesVersion` at plan time, so an upgrade moves them after the
   * control plane; `unpinned` leaves them at EKS's default of creation time forever, and calls
   * no AWS API while planning (the toolkit's offline plans use it).
   * @default "cluster-default"
   */
  readonly addonVersions?: AddonVersions;
  readonly accountId: string;
  readonly region: string;
  /** @default "aws" */
  readonly partition?: string;
  /**
   * Refuse to destroy the cluster (Terraform `prevent_destroy`).
   * @default false
   */
  readonly protect?: boolean;
}

/** Control plane log types sent to CloudWatch. */
export const CLUSTER_LOG_TYPES = ["api", "audit", "authenticator"] as const;

/**
 * An EKS cluster as docs/design.md describes it: API authentication mode with access entries for
 * named admins, private endpoint, control plane logs to a KMS-encrypted log group created first,
 * secrets encryption, security groups opened for the pod network mode, the add-ons that can be
 * healthy before the pod network is installed, and (with the AWS VPC CNI) a managed node group for
 * system pods.
 */
export class EksCluster extends Construct {
  public readonly cluster: EksClusterResource;
  public readonly clusterName: string;
  public readonly clusterArn: string;
  public readonly endpoint: string;
  /** Base64 PEM of the cluster CA. */
  public readonly certificateAuthorityData: string;
  /**
   * The cluster's pod network mode: pass it on to Calico, KarpenterAws, KarpenterNodePools and
   * NginxIngress (synth fails when constructs of one cluster are given different modes).
   */
  public readonly podNetworkMode: PodNetworkMode;
  public readonly clusterSecurityGroupId: string;
  public readonly nodeSecurityGroupId: string;
  public readonly systemNodeRoleArn: string;
  /**
   * Everything a `SystemNodeGroup` for this cluster needs. With the AWS VPC CNI this construct
   * creates the group itself (`systemNodeGroup`). With Calico as the CNI it cannot: nodes stay
   * NotReady until Calico runs, and a managed node group whose nodes stay NotReady ends in
   * CREATE_FAILED. The stack that installs Calico creates the group from these props, after its
   * Calico release.
   */
  public readonly systemNodeGroupProps: SystemNodeGroupProps;
  /** The system node group; only with the AWS VPC CNI (see `systemNodeGroupProps`). */
  public readonly systemNodeGroup?: EksNodeGroup;
  /** Ingress rules of the cluster and node security groups, as created. */
  public readonly nodeRules: readonly IngressRuleSpec[];
  /** Set when `oidc` is true. */
  public readonly oidcProviderArn?: string;
  /** OIDC issuer URL (https://...); always available, the provider only with `oidc`. */
  public readonly oidcIssuer: string;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    const p = parseProps(eksClusterPropsSchema, props, "EksClusterProps", this);
    const { partition, endpoint } = p;
    this.podNetworkMode = p.podNetworkMode;
    // While migrating, the node ports of both modes are open: either mode agrees with them.
    declarePodNetworkMode(this, {
      modes: [p.podNetworkMode, ...(p.podNetworkMigratingFrom ? [p.podNetworkMigratingFrom] : [])],
      clusterName: p.name,
    });
    // Errors stopped parseProps; what is left are the calendar's warnings.
    for (const finding of clusterVersionFindings(p))
      Annotations.of(this).addWarning(finding.message);
    const traits = podNetworkTraits(p.podNetworkMode);
    const calicoCni = traits.cni === "calico";

    const role = new IamRole(this, "cluster-role", {
      name: `${p.name}-cluster`,
      assumeRolePolicy: serviceTrustPolicy("eks.amazonaws.com", [
        "sts:AssumeRole",
        "sts:TagSession",
      ]),
      // Destroy detaches what is still attached instead of failing with DeleteConflict.
      forceDetachPolicies: true,
    });
    const rolePolicy = new IamRolePolicyAttachment(this, "cluster-role-policy", {
      role: role.name,
      policyArn: awsManagedPolicyArn(partition, "AmazonEKSClusterPolicy"),
    });
    // EKS encrypts secrets as this role from the cluster's first write: in place before it.
    const encryptionPolicy = new IamRolePolicy(this, "cluster-role-encryption", {
      name: "secrets-encryption",
      role: role.name,
      policy: clusterEncryptionPolicy(p.kmsKeyArn),
    });

    // Created before the cluster: otherwise EKS creates it unencrypted and without retention,
    // and the next apply fails with "already exists".
    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/eks/${p.name}/cluster`,
      retentionInDays: p.logRetentionDays,
      kmsKeyId: p.logsKmsKeyArn,
    });

    const groups = new ClusterSecurityGroups(this, "security-groups", {
      clusterName: p.name,
      vpcId: p.vpcId,
      podNetworkMode: p.podNetworkMode,
      podNetworkMigratingFrom: p.podNetworkMigratingFrom,
    });
    this.nodeRules = groups.rules;

    this.cluster = new EksClusterResource(this, "cluster", {
      name: p.name,
      version: p.kubernetesVersion,
      roleArn: role.arn,
      enabledClusterLogTypes: [...CLUSTER_LOG_TYPES],
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: p.kmsKeyArn } },
      accessConfig: {
        authenticationMode: "API",
        // An entry for whoever ran the first apply churns when someone else applies.
        bootstrapClusterCreatorAdminPermissions: false,
      },
      vpcConfig: {
        endpointPrivateAccess: true,
        endpointPublicAccess: endpoint.public,
        publicAccessCidrs:
          endpoint.public && endpoint.publicAccessCidrs.length > 0
            ? endpoint.publicAccessCidrs
            : undefined,
        securityGroupIds: [groups.clusterSecurityGroup.id],
        subnetIds: [...p.controlPlaneSubnetIds],
      },
      kubernetesNetworkConfig: {
        serviceIpv4Cidr: p.serviceCidr,
      },
      // With Calico as the CNI, EKS must not install aws-node (or kube-proxy and CoreDNS as
      // self-managed copies); the add-ons below install what is needed.
      bootstrapSelfManagedAddons: !calicoCni,
      upgradePolicy: { supportType: p.supportType },
      dependsOn: [logGroup, rolePolicy, encryptionPolicy],
      lifecycle: p.protect ? { preventDestroy: true } : undefined,
    });
    this.clusterName = this.cluster.name;
    this.clusterArn = this.cluster.arn;
    this.endpoint = this.cluster.endpoint;
    this.certificateAuthorityData = this.cluster.certificateAuthority.get(0).data;
    this.clusterSecurityGroupId = groups.clusterSecurityGroup.id;
    this.nodeSecurityGroupId = groups.nodeSecurityGroup.id;
    this.oidcIssuer = this.cluster.identity.get(0).oidc.get(0).issuer;

    new AdminAccessEntries(this, "admins", {
      clusterName: this.cluster.name,
      partition,
      admins: p.admins,
    });
    if (p.viewers.length > 0) {
      new ViewerAccessEntries(this, "viewers", {
        clusterName: this.cluster.name,
        partition,
        viewers: p.viewers,
        kubernetesGroups: p.viewerGroups,
      });
    }

    // hostNetwork daemonsets: healthy before nodes exist and without a pod network.
    const earlyAddons = ["kube-proxy", "eks-pod-identity-agent"];
    if (!calicoCni) earlyAddons.push("vpc-cni");
    const addon = (name: string, dependsOn?: EksNodeGroup[]) =>
      managedAddon(this, name, {
        clusterName: this.cluster.name,
        addonName: name,
        kubernetesVersion: this.cluster.version,
        versions: p.addonVersions,
        dependsOn,
      });
    const addons = earlyAddons.map((name) => addon(name));

    const nodeRole = new NodeRole(this, "system-node-role", {
      roleName: systemNodeRoleName(p.name),
      partition,
      podNetworkMode: p.podNetworkMode,
      managedNodeGroup: true,
    });
    this.systemNodeRoleArn = nodeRole.roleArn;

    this.systemNodeGroupProps = {
      clusterName: this.cluster.name,
      kubernetesVersion: this.cluster.version,
      subnetIds: p.nodeSubnetIds,
      securityGroupId: groups.nodeSecurityGroup.id,
      nodeRoleArn: nodeRole.roleArn,
      kmsKeyArn: p.volumeKmsKeyArn,
      sizing: p.systemNodeGroup,
      maxPods: calicoCni ? p.maxPods : undefined,
    };
    // With Calico as the CNI, the system nodes and CoreDNS come after Calico, in the stack that
    // installs it (see systemNodeGroupProps and CorednsAddon).
    if (!calicoCni) {
      const nodeGroup = new SystemNodeGroup(this, "system-node-group", {
        ...this.systemNodeGroupProps,
        // Nodes need the VPC CNI (and its policy on the role) before they can become Ready.
        dependsOn: [...addons, ...nodeRole.policies],
      });
      this.systemNodeGroup = nodeGroup.nodeGroup;
      addon("coredns", [nodeGroup.nodeGroup]);
    }

    if (p.oidc) {
      // No thumbprint: IAM trusts the EKS issuer's certificate authority itself.
      const provider = new IamOpenidConnectProvider(this, "oidc-provider", {
        url: this.oidcIssuer,
        clientIdList: ["sts.amazonaws.com"],
      });
      this.oidcProviderArn = provider.arn;
    }
  }
}
