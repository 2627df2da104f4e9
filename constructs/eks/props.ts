/**
 * Props of the EKS constructs: the one place their rules and defaults live. The environment
 * schema composes the endpoint, system node group and maxPods schemas.
 */
import { z } from "zod";
import {
  awsAccountId,
  awsPartition,
  awsRegion,
  iamPrincipalArn,
  iamRoleArn,
  iamRoleName,
  kmsKeyArn,
} from "../shared/aws-account";
import { eksSupportFindings, supportDate } from "../kubernetes-support";
import { overlaps, parseCidr } from "../shared/cidr";
import { logRetentionDays } from "../shared/log-retention";
import { podNetworkModeSchema } from "../shared/props";
import { PodNetworkMode, podNetworkMigrationProblem } from "../shared/pod-network";
import {
  checkedNumber,
  checkedString,
  cidr,
  dependables,
  isUnresolved,
  kubernetesVersionOrToken,
  listOf,
  tokenOrEnum,
  unique,
  wholeNumber,
  withJsonSchema,
  withRules,
  wholeNumberOrToken,
} from "../shared/validation/fields";
import { PropsShape } from "../shared/validation/parse-props";
import type { KubernetesVersion } from "../versions";
import type { AdminAccessEntriesProps, ViewerAccessEntriesProps } from "./access-entries";
import type { CorednsAddonProps } from "./addons";
import type { EksClusterProps, EksEndpointProps } from "./eks-cluster";
import type { SystemNodeGroupProps, SystemNodeGroupSizing } from "./node-group";
import type { NodeRoleProps } from "./node-role";
import type { ClusterSecurityGroupsProps } from "./security-groups";

/** EKS Kubernetes version support policies. */
export const EKS_SUPPORT_TYPES = ["STANDARD", "EXTENDED"] as const;
export type EksSupportType = (typeof EKS_SUPPORT_TYPES)[number];

/**
 * How EKS add-ons get their versions. `cluster-default`: each add-on's default version for the
 * cluster's Kubernetes version, looked up at plan time (`aws_eks_addon_version`), so a Kubernetes
 * upgrade moves the add-ons in the same apply, after the control plane, and the plan shows each
 * new version. `unpinned`: no version; EKS installs its default at creation and never moves it
 * (EKS add-ons keep their creation version forever), for plans that must not call AWS.
 */
export const ADDON_VERSION_CHOICES = ["cluster-default", "unpinned"] as const;
export type AddonVersions = (typeof ADDON_VERSION_CHOICES)[number];

/** IAM role names derived from the cluster name must fit IAM's 64 characters. */
export function systemNodeRoleName(clusterName: string): string {
  return `${clusterName}-system-node`;
}

/** kubelet maxPods with Calico as the CNI (written into user data at synth: no token). */
export const maxPodsSchema = wholeNumber(10, 250);

const endpointShape = {
  /** Public endpoint; the private endpoint is always on. */
  public: z.boolean().default(false),
  publicAccessCidrs: z.array(cidr("203.0.113.0/24")).default([]),
} satisfies PropsShape<EksEndpointProps>;

/** Access to the API endpoint: private always, public optionally and then allowlisted. */
export const endpointSchema = z
  .object(endpointShape)
  .strict()
  .refine((endpoint) => endpoint.public || endpoint.publicAccessCidrs.length === 0, {
    path: ["publicAccessCidrs"],
    message: "lists CIDRs but the public endpoint is off; set public: true or remove the CIDRs",
  });

const nodeCount = withJsonSchema(
  checkedNumber(
    (count) => Number.isInteger(count) && count >= 1,
    (count) => `must be a whole number of at least 1; got ${count}`,
  ),
  { type: "integer", minimum: 1 },
);

/** The system node group's sizing fields; each a token or checked. */
const sizingFields = {
  // Literal: the AMI type (x86 or Graviton) is chosen from them at synth time.
  instanceTypes: z
    .array(
      z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, {
        message: "must be an EC2 instance type such as m6i.large",
      }),
    )
    .min(1, { message: "must list at least one instance type" }),
  minSize: nodeCount,
  maxSize: nodeCount,
  desiredSize: nodeCount,
  // At least the AMI's 20 GiB.
  diskSizeGiB: wholeNumberOrToken(20, 1000),
} satisfies PropsShape<SystemNodeGroupSizing>;

function sizesInOrder(sizing: z.output<z.ZodObject<typeof sizingFields>>, ctx: z.RefinementCtx) {
  const { minSize, desiredSize, maxSize } = sizing;
  if ([minSize, desiredSize, maxSize].some(isUnresolved)) return;
  if (!(minSize <= desiredSize && desiredSize <= maxSize)) {
    ctx.addIssue({
      code: "custom",
      message: `needs minSize <= desiredSize <= maxSize; got ${minSize} <= ${desiredSize} <= ${maxSize}`,
    });
  }
}

/** Every sizing field, as SystemNodeGroup takes them. */
const sizingSchema = z.object(sizingFields).strict().superRefine(sizesInOrder);

/**
 * The system node group's sizing with its defaults: m6i.large, min 3, max 4, desired 3, 50 GiB.
 * Calico's control plane, CoreDNS and two Karpenter controllers fit with one node drained.
 */
export const systemNodeGroupSchema = z
  .object({
    instanceTypes: sizingFields.instanceTypes.default(["m6i.large"]),
    minSize: sizingFields.minSize.default(3),
    maxSize: sizingFields.maxSize.default(4),
    desiredSize: sizingFields.desiredSize.default(3),
    diskSizeGiB: sizingFields.diskSizeGiB.default(50),
  })
  .strict()
  .superRefine(sizesInOrder);

/** IAM principals given cluster admin through access entries: at least one, each once. */
export const clusterAdminsSchema = listOf(
  iamPrincipalArn,
  1,
  "must name at least one admin principal ARN",
).superRefine(unique("admin"));

/** Principals given read-only access entries, and the Kubernetes groups they join. */
const viewersSchema = z.array(iamPrincipalArn).superRefine(unique("viewer"));
const kubernetesGroupsSchema = z.array(z.string().min(1));

const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

const clusterName = checkedString(
  (name) => CLUSTER_NAME.test(name) && systemNodeRoleName(name).length <= 64,
  (name) =>
    CLUSTER_NAME.test(name)
      ? `"${name}" is too long: the IAM role "${systemNodeRoleName(name)}" would exceed 64 characters`
      : `"${name}" must be 1 to 100 letters, digits, hyphens or underscores, starting with a letter or digit`,
);

const eksClusterShape = {
  name: clusterName,
  kubernetesVersion: kubernetesVersionOrToken,
  vpcId: z.string(),
  vpcCidr: cidr(),
  controlPlaneSubnetIds: listOf(
    z.string(),
    2,
    "must list subnets in at least two availability zones",
  ),
  nodeSubnetIds: listOf(z.string(), 1, "must list at least one subnet"),
  kmsKeyArn,
  volumeKmsKeyArn: kmsKeyArn.optional(),
  logsKmsKeyArn: kmsKeyArn.optional(),
  podNetworkMode: podNetworkModeSchema,
  podNetworkMigratingFrom: podNetworkModeSchema.optional(),
  admins: clusterAdminsSchema,
  viewers: viewersSchema.default([]),
  viewerGroups: kubernetesGroupsSchema.default([]),
  endpoint: endpointSchema.default({}),
  logRetentionDays: logRetentionDays.default(90),
  serviceCidr: checkedString(
    (text) => {
      const range = parseCidr(text);
      return range !== undefined && range.prefix >= 12 && range.prefix <= 24;
    },
    (text) => `"${text}" must be an IPv4 CIDR between /12 and /24 (EKS's range)`,
  ).default("172.20.0.0/16"),
  systemNodeGroup: systemNodeGroupSchema.default({}),
  maxPods: maxPodsSchema.default(110),
  oidc: z.boolean().default(false),
  supportType: tokenOrEnum(EKS_SUPPORT_TYPES).default("STANDARD"),
  addonVersions: z.enum(ADDON_VERSION_CHOICES).default("cluster-default"),
  accountId: awsAccountId,
  region: awsRegion,
  partition: awsPartition.default("aws"),
  protect: z.boolean().default(false),
} satisfies PropsShape<EksClusterProps>;

/**
 * What the EKS calendar says about the cluster's version and support policy today; tokens (a
 * version known only at plan time) are not checked.
 */
export function clusterVersionFindings(props: {
  readonly kubernetesVersion: string;
  readonly supportType: string;
}) {
  const { kubernetesVersion, supportType } = props;
  if (isUnresolved(kubernetesVersion) || isUnresolved(supportType)) return [];
  return eksSupportFindings(kubernetesVersion as KubernetesVersion, {
    supportType: supportType as EksSupportType,
    today: supportDate(),
    supportTypeField: "supportType",
  });
}

export const eksClusterPropsSchema = withRules(z.object(eksClusterShape).strict(), (props, ctx) => {
  checkMigration(props, ctx);
  for (const finding of clusterVersionFindings(props)) {
    if (finding.level === "error") {
      ctx.addIssue({ code: "custom", path: ["kubernetesVersion"], message: finding.message });
    }
  }
  const { vpcCidr, serviceCidr } = props;
  const vpc = isUnresolved(vpcCidr) ? undefined : parseCidr(vpcCidr);
  const service = isUnresolved(serviceCidr) ? undefined : parseCidr(serviceCidr);
  if (vpc && service && overlaps(vpc, service)) {
    ctx.addIssue({
      code: "custom",
      path: ["serviceCidr"],
      message: `${serviceCidr} overlaps vpcCidr ${vpcCidr}; pick a disjoint range`,
    });
  }
})
  // The log group and the node volumes use the secrets key unless given their own.
  .transform((props) => ({
    ...props,
    volumeKmsKeyArn: props.volumeKmsKeyArn ?? props.kmsKeyArn,
    logsKmsKeyArn: props.logsKmsKeyArn ?? props.kmsKeyArn,
  }));

const systemNodeGroupShape = {
  clusterName: z.string(),
  kubernetesVersion: kubernetesVersionOrToken,
  subnetIds: listOf(z.string(), 1, "must list at least one subnet"),
  securityGroupId: z.string(),
  nodeRoleArn: iamRoleArn,
  kmsKeyArn,
  sizing: sizingSchema,
  maxPods: maxPodsSchema.optional(),
  dependsOn: dependables.optional(),
} satisfies PropsShape<SystemNodeGroupProps>;

export const systemNodeGroupPropsSchema = z.object(systemNodeGroupShape).strict();

const corednsAddonShape = {
  clusterName: z.string(),
  kubernetesVersion: kubernetesVersionOrToken.optional(),
  addonVersions: z.enum(ADDON_VERSION_CHOICES).default("cluster-default"),
  dependsOn: dependables.optional(),
} satisfies PropsShape<CorednsAddonProps>;

export const corednsAddonPropsSchema = z.object(corednsAddonShape).strict();

const nodeRoleShape = {
  roleName: iamRoleName,
  partition: awsPartition,
  podNetworkMode: podNetworkModeSchema,
  managedNodeGroup: z.boolean().default(false),
} satisfies PropsShape<NodeRoleProps>;

export const nodeRolePropsSchema = z.object(nodeRoleShape).strict();

const adminAccessEntriesShape = {
  clusterName: z.string(),
  partition: awsPartition,
  admins: z.array(iamPrincipalArn),
} satisfies PropsShape<AdminAccessEntriesProps>;

export const adminAccessEntriesPropsSchema = z.object(adminAccessEntriesShape).strict();

const viewerAccessEntriesShape = {
  clusterName: z.string(),
  partition: awsPartition,
  viewers: viewersSchema,
  kubernetesGroups: kubernetesGroupsSchema.optional(),
} satisfies PropsShape<ViewerAccessEntriesProps>;

export const viewerAccessEntriesPropsSchema = z.object(viewerAccessEntriesShape).strict();

const clusterSecurityGroupsShape = {
  clusterName: z.string(),
  vpcId: z.string(),
  podNetworkMode: podNetworkModeSchema,
  podNetworkMigratingFrom: podNetworkModeSchema.optional(),
} satisfies PropsShape<ClusterSecurityGroupsProps>;

/** `podNetworkMigratingFrom` must be another mode of the same CNI. */
function checkMigration(
  {
    podNetworkMode,
    podNetworkMigratingFrom,
  }: { podNetworkMode: PodNetworkMode; podNetworkMigratingFrom?: PodNetworkMode },
  ctx: z.RefinementCtx,
): void {
  if (podNetworkMigratingFrom === undefined) return;
  const problem = podNetworkMigrationProblem(podNetworkMode, podNetworkMigratingFrom);
  if (problem)
    ctx.addIssue({ code: "custom", path: ["podNetworkMigratingFrom"], message: problem });
}

export const clusterSecurityGroupsPropsSchema = withRules(
  z.object(clusterSecurityGroupsShape).strict(),
  checkMigration,
);
