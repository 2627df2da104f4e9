/**
 * The environment schema: the one description of an environment that both of its stacks read.
 * Where an environment field is a construct's prop (node pools, MetalLB pools and announcements,
 * Calico's pod network fields and BGP peers, ingress options, the VPC's zones, NAT and endpoints,
 * the cluster endpoint, admins and system node group, the key administrators), this schema
 * composes that construct's props schema, so the rule and its default live in one place;
 * environment-only fields and defaults live here. Rules that relate several fields live in
 * `checks.ts`. Parse untrusted input with `parseEnvironment` (validate.ts), never directly.
 */
import { z } from "zod";
import {
  DEFAULT_AS_NUMBER,
  calicoBgpPeersSchema,
  podNetworkFields,
} from "../../constructs/calico/props";
import {
  EKS_SUPPORT_TYPES,
  clusterAdminsSchema,
  endpointSchema,
  maxPodsSchema,
  systemNodeGroupSchema,
} from "../../constructs/eks/props";
import {
  ingressOptionFields,
  metallbExposureSchema,
  nlbExposureSchema,
  tierSchema,
} from "../../constructs/ingress/props";
import {
  al2023AmiRelease,
  karpenterIdentitySchema,
  nodePoolListSchema,
} from "../../constructs/karpenter/props";
import { keyAdministrators, rotationPeriodDays } from "../../constructs/kms/props";
import {
  metallbBgpSchema,
  metallbCalicoAnnouncesSchema,
  metallbL2Schema,
  metallbPoolsSchema,
} from "../../constructs/metallb/props";
import {
  natModeSchema,
  subnetPrefixesSchema,
  vpcCidrSchema,
  vpcEndpointsSchema,
  zonesSchema,
} from "../../constructs/network/props";
import {
  awsAccountId,
  awsRegion,
  awsTagValue,
  iamPrincipalArn,
} from "../../constructs/shared/aws-account";
import { logRetentionDays } from "../../constructs/shared/log-retention";
import { nodeSegmentSchema, podNetworkModeSchema } from "../../constructs/shared/props";
import {
  asNumber,
  cidr,
  kubernetesVersion,
  unique,
} from "../../constructs/shared/validation/fields";
import { pipelineSchema } from "./pipeline";

const dnsLabel = (max: number) =>
  z
    .string()
    .min(1)
    .max(max, { message: `must be at most ${max} characters` })
    .regex(/^[a-z]([a-z0-9-]*[a-z0-9])?$/, {
      message: "must be lowercase letters, digits and hyphens, starting with a letter",
    });

export const podNetworkSchema = z
  .object({
    ...podNetworkFields,
    /** Calico IP pool. Ignored in policy-only mode, where pods take VPC addresses. */
    podCidr: cidr("10.244.0.0/16").default("10.244.0.0/16"),
    /**
     * EKS: the mode the cluster runs now, in the change that switches `mode` away from it. The
     * node security group keeps that mode's node-to-node ports open as well while calico-node
     * moves over; remove it in a later change, once the switch is deployed.
     */
    migratingFrom: podNetworkModeSchema.optional(),
  })
  .strict();

/** A node pool with its defaults, as `KarpenterNodePools` takes it. */
export type NodePoolSpec = z.infer<typeof nodePoolListSchema>[number];

const ingressSchema = z
  .object({
    ...ingressOptionFields,
    exposure: z.discriminatedUnion("type", [
      // The toolkit does not install the AWS Load Balancer Controller, so environments cannot
      // ask for its annotations; the construct prop is for teams that run it.
      nlbExposureSchema.omit({ awsLoadBalancerController: true }),
      metallbExposureSchema,
    ]),
  })
  .strict();

/** A key ID, `alias/<name>`, or the ARN of a key or alias. */
const STATE_KEY =
  /^(arn:(aws|aws-us-gov):kms:[a-z0-9-]+:\d{12}:(key\/[\w-]+|alias\/[\w/-]+)|alias\/[\w/-]+|[0-9a-f-]{36})$/;

const stateSchema = z
  .object({
    /** S3 bucket holding the Terraform state (created by the bootstrap stack). */
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
      message:
        "must be a valid S3 bucket name (lowercase letters, digits, dots and hyphens, 3 to 63 characters)",
    }),
    region: awsRegion,
    /** Legacy DynamoDB lock table; S3-native locking (`use_lockfile`) is always on. */
    dynamodbTable: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, {
        message: "must be a DynamoDB table name: 3 to 255 letters, digits and _ . -",
      })
      .optional(),
    /**
     * KMS key (ARN or `alias/<env>/tfstate`) for state objects. Without it Terraform writes
     * state with SSE-S3, overriding the bucket's default KMS encryption.
     */
    kmsKeyId: z
      .string()
      .regex(STATE_KEY, {
        message:
          "must be a KMS key ARN, alias ARN, key ID or alias/<name>, such as alias/qa/tfstate",
      })
      .optional(),
    /**
     * Whether `<name>-bootstrap` keeps its own state in this bucket (EKS environments only). The
     * bucket cannot hold the state of the stack that creates it, so set this after that stack's
     * first deploy, synth, then run `terraform init -migrate-state` in the stack's directory.
     */
    bootstrapStateInBucket: z.boolean().default(false),
  })
  .strict();

const commonFields = {
  /** Environment name: stack names are `<name>-infra` and `<name>-platform`. */
  name: dnsLabel(16),
  /** Drives safety defaults: prod gets protection, replicas and stricter checks. */
  tier: tierSchema,
  /** Team that owns the environment; becomes the `owner` tag of every AWS resource. */
  owner: awsTagValue(64),
  kubernetesVersion,
  podNetwork: podNetworkSchema,
  /** Kubernetes service range. */
  serviceCidr: cidr("172.20.0.0/16").default("172.20.0.0/16"),
  ingress: ingressSchema,
  /** Remote state; omit for a local backend. */
  state: stateSchema.optional(),
  /**
   * Default-deny NetworkPolicies in the platform's namespaces (tigera-operator, the ingress
   * controller's, metallb-system) and around Karpenter's controller, with the allows each
   * component needs. Off by default: try it in dev first.
   */
  networkPolicies: z.boolean().default(false),
  /** Where the workflows plan and deploy the environment, and the roles they assume. */
  pipeline: pipelineSchema.default({}),
};

const awsSchema = z
  .object({
    accountId: awsAccountId,
    region: awsRegion,
    /** Role the provider assumes (for example from a CI role in another account). */
    assumeRoleArn: iamPrincipalArn.optional(),
    /**
     * Accounts besides accountId whose principals the environment may name (cluster.admins,
     * kms.administrators, assumeRoleArn, the state key); principals of any other account are
     * refused, so a changed ARN cannot hand the cluster or its keys to an outside account.
     */
    trustedAccounts: z.array(awsAccountId).superRefine(unique("account")).default([]),
    /** Availability zone names (2 or 3), such as ap-northeast-2a. */
    zones: zonesSchema,
    vpcCidr: vpcCidrSchema,
    /** Prefix lengths of each zone's subnets, carved in order from the VPC CIDR. */
    subnetPrefixes: subnetPrefixesSchema.default({}),
    /** NAT gateways: none, one shared, or one per zone (survives a zone outage). */
    nat: natModeSchema,
    /** Gateway (s3, dynamodb) and interface (ecr.api, sts, ...) endpoints by service name. */
    vpcEndpoints: vpcEndpointsSchema.default([]),
    flowLogRetentionDays: logRetentionDays.default(90),
    /**
     * Create the account's EC2 Spot service-linked role (AWSServiceRoleForEC2Spot) in
     * `<name>-bootstrap`. EC2 needs it to launch Spot instances and Karpenter may not create it.
     * An account has one: set false where the role exists (another environment of the account
     * creates it, or it was made before). Default: true when the environment has `state` (and so
     * a bootstrap stack), false otherwise.
     */
    createSpotServiceLinkedRole: z.boolean().optional(),
  })
  .strict();

const clusterSchema = z
  .object({
    name: z.string(),
    endpoint: endpointSchema.default({}),
    /** IAM principals given cluster admin through access entries. */
    admins: clusterAdminsSchema,
    logRetentionDays: logRetentionDays.default(90),
    systemNodeGroup: systemNodeGroupSchema.default({}),
    /** kubelet maxPods when Calico is the CNI (ENI limits no longer apply). */
    maxPods: maxPodsSchema.default(110),
    /**
     * EKS upgrade policy. `STANDARD`: past the end of standard support EKS upgrades the control
     * plane itself, so synth refuses a version past it. `EXTENDED`: the environment accepts
     * extended support, billed per cluster hour, for up to 12 more months (synth warns).
     */
    supportType: z.enum(EKS_SUPPORT_TYPES).default("STANDARD"),
  })
  .strict();

const kmsSchema = z
  .object({
    /** Principals that administer the keys besides the account root. */
    administrators: keyAdministrators,
    rotationPeriodDays: rotationPeriodDays.default(365),
  })
  .strict();

const karpenterSchema = z
  .object({
    /** How the controller gets AWS credentials. */
    identity: karpenterIdentitySchema.default("pod-identity"),
    /**
     * EKS-optimized AL2023 AMI release of the nodes; checked against kubernetesVersion (checks.ts).
     * @default VERSIONS.al2023Ami[kubernetesVersion], so an upgrade moves both
     */
    amiVersion: al2023AmiRelease.optional(),
    /** Karpenter avoids zones that an ARC zonal shift moves traffic away from. */
    enableZonalShift: z.boolean().default(false),
    nodePools: nodePoolListSchema,
  })
  .strict();

export const eksEnvironmentSchema = z
  .object({
    platform: z.literal("eks"),
    ...commonFields,
    aws: awsSchema,
    cluster: clusterSchema,
    kms: kmsSchema,
    karpenter: karpenterSchema,
  })
  .strict();

/** A file path without `..`, outside the kernel's pseudo-filesystems. */
const KUBECONFIG_PATH = /^(?!\/(proc|sys|dev)(\/|$))(?!.*(^|\/)\.\.(\/|$))[\w~./-]{1,1024}$/;

const metallbSchema = z
  .object({
    pools: metallbPoolsSchema,
    /**
     * Announce pools with ARP on the node network; they must lie inside a node segment. Without
     * `pools`, every pool Calico does not announce.
     */
    l2: metallbL2Schema.optional(),
    /**
     * Announce pools to BGP routers with MetalLB's own speaker; not in a pod network mode that
     * runs Calico's BGP (use `calicoAnnounces`). Pools must lie outside the node segments.
     */
    bgp: metallbBgpSchema.optional(),
    /**
     * Pools Calico announces to its BGP peers (`calicoBgp`); MetalLB only allocates from them.
     * CIDRs only, outside the node segments. Without `pools`, every pool.
     */
    calicoAnnounces: metallbCalicoAnnouncesSchema.optional(),
    /** Set when kube-proxy runs in IPVS mode, which needs `strictARP: true`. */
    kubeProxyIpvs: z.boolean().default(false),
  })
  .strict();

export const onpremEnvironmentSchema = z
  .object({
    platform: z.literal("onprem"),
    ...commonFields,
    kubeconfig: z
      .object({
        /** The runner reads this file while planning: a kubeconfig's path, nothing else. */
        path: z.string().regex(KUBECONFIG_PATH, {
          message:
            "must be the path of a kubeconfig file, such as ~/.kube/config: letters, digits and " +
            "~ . _ - /, no .. and not under /proc, /sys or /dev",
        }),
        context: z.string().regex(/^[\w.@:/-]{1,253}$/, {
          message:
            "must be a kubeconfig context name: 1 to 253 letters, digits and _ . @ : / -, such as onprem-admin",
        }),
      })
      .strict(),
    /**
     * The L2 segments nodes sit on and the addresses they take there. Pod and service ranges
     * stay outside the segments; MetalLB L2 pools inside one, clear of node addresses and the
     * gateway; BGP-announced pools outside them all.
     */
    nodeSegments: z
      .array(nodeSegmentSchema)
      .min(1, { message: "must list the segment nodes sit on" }),
    /** Calico's BGP sessions with the network's routers; BGP pod network modes only. */
    calicoBgp: z
      .object({
        /** The nodes' AS number (Calico's default is 64512). */
        asNumber: asNumber.default(DEFAULT_AS_NUMBER),
        /** Routers every node peers with. */
        peers: calicoBgpPeersSchema.refine((peers) => peers.length > 0, {
          message: "must list at least one router",
        }),
      })
      .strict()
      .optional(),
    metallb: metallbSchema,
  })
  .strict();

export const environmentSchema = z.discriminatedUnion("platform", [
  eksEnvironmentSchema,
  onpremEnvironmentSchema,
]);

export type Environment = z.infer<typeof environmentSchema>;
export type EksEnvironment = z.infer<typeof eksEnvironmentSchema>;
export type OnpremEnvironment = z.infer<typeof onpremEnvironmentSchema>;
/** The unvalidated, defaults-optional shape environments are written in. */
export type EnvironmentInput = z.input<typeof environmentSchema>;

/** Whether `<name>-bootstrap` creates the account's EC2 Spot service-linked role. */
export function createsSpotServiceLinkedRole(env: EksEnvironment): boolean {
  return env.aws.createSpotServiceLinkedRole ?? env.state !== undefined;
}
