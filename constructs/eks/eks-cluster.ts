import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EksCluster as EksClusterResource } from "@cdktf/provider-aws/lib/eks-cluster";
import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { assertAccountId, assertPartition, assertRegion } from "../shared/aws-account";
import { overlaps, parseCidr } from "../shared/cidr";
import { isLogRetentionDays } from "../shared/log-retention";
import { PodNetworkMode, podNetworkTraits } from "../shared/pod-network";
import { AdminAccessEntries } from "./access-entries";
import { managedAddon } from "./addons";
import { awsManagedPolicyArn, clusterEncryptionPolicy, serviceTrustPolicy } from "./iam";
import { SystemNodeGroup, SystemNodeGroupProps, SystemNodeGroupSizing } from "./node-group";
import { NodeRole } from "./node-role";
import { ClusterSecurityGroups, IngressRuleSpec } from "./security-groups";

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
  /** IAM principal ARNs given cluster admin through access entries. */
  readonly admins: readonly string[];
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

/** EKS Kubernetes version support policies. */
export const EKS_SUPPORT_TYPES = ["STANDARD", "EXTENDED"] as const;
export type EksSupportType = (typeof EKS_SUPPORT_TYPES)[number];

/** Every default of EksClusterProps, resolved in one place. */
const DEFAULTS = {
  endpointPublic: false,
  logRetentionDays: 90,
  serviceCidr: "172.20.0.0/16",
  systemNodeGroup: {
    instanceTypes: ["m6i.large"],
    minSize: 3,
    maxSize: 4,
    desiredSize: 3,
    diskSizeGiB: 50,
  } satisfies SystemNodeGroupSizing,
  maxPods: 110,
  oidc: false,
  supportType: "STANDARD",
  partition: "aws",
  protect: false,
} as const;

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
    validate(props);
    const partition = props.partition ?? DEFAULTS.partition;
    const publicEndpoint = props.endpoint?.public ?? DEFAULTS.endpointPublic;
    const sizing = { ...DEFAULTS.systemNodeGroup, ...props.systemNodeGroup };
    const traits = podNetworkTraits(props.podNetworkMode);
    const calicoCni = traits.cni === "calico";

    const role = new IamRole(this, "cluster-role", {
      name: `${props.name}-cluster`,
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
      policy: clusterEncryptionPolicy(props.kmsKeyArn),
    });

    // Created before the cluster: otherwise EKS creates it unencrypted and without retention,
    // and the next apply fails with "already exists".
    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/eks/${props.name}/cluster`,
      retentionInDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays,
      kmsKeyId: props.logsKmsKeyArn ?? props.kmsKeyArn,
    });

    const groups = new ClusterSecurityGroups(this, "security-groups", {
      clusterName: props.name,
      vpcId: props.vpcId,
      podNetworkMode: props.podNetworkMode,
    });
    this.nodeRules = groups.rules;

    this.cluster = new EksClusterResource(this, "cluster", {
      name: props.name,
      version: props.kubernetesVersion,
      roleArn: role.arn,
      enabledClusterLogTypes: [...CLUSTER_LOG_TYPES],
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: props.kmsKeyArn } },
      accessConfig: {
        authenticationMode: "API",
        // An entry for whoever ran the first apply churns when someone else applies.
        bootstrapClusterCreatorAdminPermissions: false,
      },
      vpcConfig: {
        endpointPrivateAccess: true,
        endpointPublicAccess: publicEndpoint,
        publicAccessCidrs:
          publicEndpoint && props.endpoint?.publicAccessCidrs?.length
            ? [...props.endpoint.publicAccessCidrs]
            : undefined,
        securityGroupIds: [groups.clusterSecurityGroup.id],
        subnetIds: [...props.controlPlaneSubnetIds],
      },
      kubernetesNetworkConfig: {
        serviceIpv4Cidr: props.serviceCidr ?? DEFAULTS.serviceCidr,
      },
      // With Calico as the CNI, EKS must not install aws-node (or kube-proxy and CoreDNS as
      // self-managed copies); the add-ons below install what is needed.
      bootstrapSelfManagedAddons: !calicoCni,
      upgradePolicy: { supportType: props.supportType ?? DEFAULTS.supportType },
      dependsOn: [logGroup, rolePolicy, encryptionPolicy],
      lifecycle: (props.protect ?? DEFAULTS.protect) ? { preventDestroy: true } : undefined,
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
      admins: props.admins,
    });

    // hostNetwork daemonsets: healthy before nodes exist and without a pod network.
    const earlyAddons = ["kube-proxy", "eks-pod-identity-agent"];
    if (!calicoCni) earlyAddons.push("vpc-cni");
    const addons = earlyAddons.map((name) => managedAddon(this, name, this.cluster.name, name));

    const nodeRole = new NodeRole(this, "system-node-role", {
      roleName: systemNodeRoleName(props.name),
      partition,
      podNetworkMode: props.podNetworkMode,
    });
    this.systemNodeRoleArn = nodeRole.roleArn;

    this.systemNodeGroupProps = {
      clusterName: this.cluster.name,
      kubernetesVersion: this.cluster.version,
      subnetIds: props.nodeSubnetIds,
      securityGroupId: groups.nodeSecurityGroup.id,
      nodeRoleArn: nodeRole.roleArn,
      kmsKeyArn: props.volumeKmsKeyArn ?? props.kmsKeyArn,
      sizing,
      maxPods: calicoCni ? (props.maxPods ?? DEFAULTS.maxPods) : undefined,
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
      managedAddon(this, "coredns", this.cluster.name, "coredns", [nodeGroup.nodeGroup]);
    }

    if (props.oidc ?? DEFAULTS.oidc) {
      // No thumbprint: IAM trusts the EKS issuer's certificate authority itself.
      const provider = new IamOpenidConnectProvider(this, "oidc-provider", {
        url: this.oidcIssuer,
        clientIdList: ["sts.amazonaws.com"],
      });
      this.oidcProviderArn = provider.arn;
    }
  }
}

function systemNodeRoleName(clusterName: string): string {
  return `${clusterName}-system-node`;
}

const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

function known<T>(value: T): boolean {
  return !Token.isUnresolved(value);
}

function validate(props: EksClusterProps): void {
  const fail = (prop: string, message: string): never => {
    throw new Error(`EksClusterProps.${prop} ${message}`);
  };
  if (known(props.name) && !CLUSTER_NAME.test(props.name)) {
    fail(
      "name",
      `"${props.name}" must be 1 to 100 letters, digits, hyphens or underscores, starting with a letter or digit`,
    );
  }
  if (known(props.name) && systemNodeRoleName(props.name).length > 64) {
    fail(
      "name",
      `"${props.name}" is too long: the IAM role "${systemNodeRoleName(props.name)}" would exceed 64 characters`,
    );
  }
  if (known(props.kubernetesVersion) && !/^\d+\.\d+$/.test(props.kubernetesVersion)) {
    fail(
      "kubernetesVersion",
      `must be a minor version such as "1.33"; got "${props.kubernetesVersion}"`,
    );
  }
  if (props.admins.length === 0) {
    fail("admins", "must name at least one admin principal ARN");
  }
  const duplicate = props.admins.find((arn, i) => props.admins.indexOf(arn) !== i);
  if (duplicate) fail("admins", `lists ${duplicate} twice`);

  const vpc = known(props.vpcCidr) ? parseCidr(props.vpcCidr) : undefined;
  if (known(props.vpcCidr) && !vpc) {
    fail("vpcCidr", `"${props.vpcCidr}" must be an IPv4 CIDR such as 10.0.0.0/16`);
  }
  const serviceCidr = props.serviceCidr ?? DEFAULTS.serviceCidr;
  const service = parseCidr(serviceCidr);
  if (!service || service.prefix < 12 || service.prefix > 24) {
    fail("serviceCidr", `"${serviceCidr}" must be an IPv4 CIDR between /12 and /24 (EKS's range)`);
  } else if (vpc && overlaps(vpc, service)) {
    fail("serviceCidr", `${serviceCidr} overlaps vpcCidr ${props.vpcCidr}; pick a disjoint range`);
  }

  const publicCidrs = props.endpoint?.publicAccessCidrs ?? [];
  if (publicCidrs.length > 0 && !(props.endpoint?.public ?? DEFAULTS.endpointPublic)) {
    fail(
      "endpoint.publicAccessCidrs",
      "is set but endpoint.public is false; set endpoint.public: true or remove the CIDRs",
    );
  }
  for (const cidr of publicCidrs) {
    if (known(cidr) && !parseCidr(cidr)) {
      fail(
        "endpoint.publicAccessCidrs",
        `entry "${cidr}" must be an IPv4 CIDR such as 203.0.113.0/24`,
      );
    }
  }

  if (known(props.controlPlaneSubnetIds) && props.controlPlaneSubnetIds.length < 2) {
    fail("controlPlaneSubnetIds", "must list subnets in at least two availability zones");
  }
  if (known(props.nodeSubnetIds) && props.nodeSubnetIds.length === 0) {
    fail("nodeSubnetIds", "must list at least one subnet");
  }

  const retention = props.logRetentionDays ?? DEFAULTS.logRetentionDays;
  if (!isLogRetentionDays(retention)) {
    fail(
      "logRetentionDays",
      `${retention} is not a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)`,
    );
  }

  const sizing = { ...DEFAULTS.systemNodeGroup, ...props.systemNodeGroup };
  if (sizing.instanceTypes.length === 0) {
    fail("systemNodeGroup.instanceTypes", "must list at least one instance type");
  }
  const { minSize, desiredSize, maxSize } = sizing;
  if (![minSize, desiredSize, maxSize].every(Number.isInteger) || minSize < 0 || maxSize < 1) {
    fail("systemNodeGroup", "sizes must be whole numbers with maxSize at least 1");
  }
  if (!(minSize <= desiredSize && desiredSize <= maxSize)) {
    fail(
      "systemNodeGroup",
      `needs minSize <= desiredSize <= maxSize; got ${minSize} <= ${desiredSize} <= ${maxSize}`,
    );
  }
  if (!Number.isInteger(sizing.diskSizeGiB) || sizing.diskSizeGiB < 20) {
    fail(
      "systemNodeGroup.diskSizeGiB",
      `must be a whole number of at least 20 (the AMI's size); got ${sizing.diskSizeGiB}`,
    );
  }
  const maxPods = props.maxPods ?? DEFAULTS.maxPods;
  if (!Number.isInteger(maxPods) || maxPods < 10 || maxPods > 250) {
    fail("maxPods", `must be a whole number from 10 to 250; got ${maxPods}`);
  }
  if (known(props.kmsKeyArn) && !props.kmsKeyArn.startsWith("arn:")) {
    fail("kmsKeyArn", `must be a KMS key ARN (arn:aws:kms:...); got "${props.kmsKeyArn}"`);
  }

  const supportType = props.supportType ?? DEFAULTS.supportType;
  if (known(supportType) && !EKS_SUPPORT_TYPES.includes(supportType)) {
    fail("supportType", `must be one of ${EKS_SUPPORT_TYPES.join(", ")}; got "${supportType}"`);
  }

  assertAccountId("EksClusterProps.accountId", props.accountId);
  assertRegion("EksClusterProps.region", props.region);
  assertPartition("EksClusterProps.partition", props.partition ?? DEFAULTS.partition);
}
