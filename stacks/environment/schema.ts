/**
 * The environment schema: the one description of an environment that both of its stacks read.
 * Field-level rules and every default live here; rules that relate several fields live in
 * `checks.ts`. Parse untrusted input with `parseEnvironment` (validate.ts), never directly.
 */
import { z } from "zod";
import { POD_NETWORK_MODES } from "../../constructs/shared/pod-network";
import { parseAddressRange, parseCidr, parseIpv4 } from "../../constructs/shared/cidr";
import { LOG_RETENTION_DAYS, isLogRetentionDays } from "../../constructs/shared/log-retention";
import { VERSIONS } from "../../constructs/versions";
import { AL2023_AMI_RELEASE } from "../../constructs/karpenter/ami";
import {
  DEFAULT_TERMINATION_GRACE_PERIOD,
  TERMINATION_GRACE_PERIOD_PATTERN,
} from "../../constructs/karpenter/node-pools";

const cidr = z.string().refine((v) => parseCidr(v) !== undefined, {
  message: "must be an IPv4 CIDR block with no host bits set, such as 10.0.0.0/16",
});

const ipv4 = z.string().refine((v) => parseIpv4(v) !== undefined, {
  message: "must be an IPv4 address, such as 192.168.10.240",
});

const addressRange = z.string().refine((v) => parseAddressRange(v) !== undefined, {
  message:
    "must be a CIDR (192.168.10.240/28) or an ascending range (192.168.10.240-192.168.10.250)",
});

/** Partitions as in constructs/shared/aws-account.ts SUPPORTED_PARTITIONS (aws-cn is refused). */
const iamPrincipalArn = z
  .string()
  .regex(/^arn:(aws|aws-us-gov):(iam|sts)::\d{12}:(role|user|assumed-role)\/[\w+=,.@/-]+$/, {
    message:
      'must be an IAM role or user ARN in the "aws" or "aws-us-gov" partition, such as arn:aws:iam::123456789012:role/platform-admin',
  });

/** Kubernetes duration as Karpenter accepts it (`720h`, `30m`, `1h30m`) or `Never`. */
const duration = z.string().regex(/^(Never|(\d+(s|m|h))+)$/, {
  message: "must be a duration such as 30s, 5m or 720h, or Never",
});

const retentionDays = z.number().refine(isLogRetentionDays, {
  message: `must be a retention CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")}`,
});

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
    /** How pods are networked; see constructs/shared/pod-network.ts for each mode. */
    mode: z.enum(POD_NETWORK_MODES),
    /** Calico IP pool. Ignored in policy-only mode, where pods take VPC addresses. */
    podCidr: cidr.default("10.244.0.0/16"),
    /** Calico IPAM block size per node (Calico accepts 20 to 32). */
    blockSize: z.number().int().default(26),
    /** SNAT pod traffic leaving the pool. */
    natOutgoing: z.boolean().default(true),
    /**
     * MTU of the node network interface; the pod MTU is this minus the encapsulation overhead.
     * @default 9001 on EKS (jumbo frames inside a VPC), 1500 on-prem
     */
    interfaceMtu: z.number().int().min(1280).max(9216).optional(),
  })
  .strict();

const nodePoolSchema = z
  .object({
    name: dnsLabel(63),
    capacityTypes: z
      .array(z.enum(["spot", "on-demand"]))
      .min(1)
      .default(["on-demand"]),
    architectures: z
      .array(z.enum(["amd64", "arm64"]))
      .min(1)
      .default(["amd64"]),
    /** EC2 instance categories such as c, m, r. */
    instanceCategories: z
      .array(z.string().regex(/^[a-z]$/, { message: "must be one letter, such as c, m or r" }))
      .min(1)
      .default(["c", "m", "r"]),
    /** Only instance generations newer than this. */
    minInstanceGeneration: z.number().int().min(1).default(5),
    limits: z
      .object({
        cpu: z.number().int().positive(),
        memoryGi: z.number().int().positive(),
      })
      .strict(),
    expireAfter: duration.default("720h"),
    /** Longest drain of a node being deleted before PodDisruptionBudgets are overridden. */
    terminationGracePeriod: z
      .string()
      .regex(TERMINATION_GRACE_PERIOD_PATTERN, {
        message: "must be a duration such as 24h or 2h30m (a bound: not Never)",
      })
      .default(DEFAULT_TERMINATION_GRACE_PERIOD),
    consolidationPolicy: z
      .enum(["WhenEmpty", "WhenEmptyOrUnderutilized"])
      .default("WhenEmptyOrUnderutilized"),
    consolidateAfter: duration.default("1m"),
    budgets: z
      .array(
        z
          .object({
            nodes: z
              .string()
              .regex(/^(\d+|\d+%)$/, { message: "must be a count (2) or a percentage (10%)" }),
            schedule: z.string().optional(),
            duration: duration.optional(),
            reasons: z.array(z.enum(["Underutilized", "Empty", "Drifted"])).optional(),
          })
          .strict(),
      )
      .default([{ nodes: "10%" }]),
    weight: z.number().int().min(1).max(100).optional(),
  })
  .strict();

export type NodePoolSpec = z.infer<typeof nodePoolSchema>;

const nlbExposure = z
  .object({
    type: z.literal("nlb"),
    scheme: z.enum(["internet-facing", "internal"]).default("internal"),
  })
  .strict();

const metallbExposure = z
  .object({
    type: z.literal("metallb"),
    /** A fixed address from a MetalLB pool; omit to take any address of `pool`. */
    address: ipv4.optional(),
    /** MetalLB pool to allocate from. */
    pool: dnsLabel(63).optional(),
  })
  .strict();

const ingressSchema = z
  .object({
    /** `f5-nginx` (maintained) or `ingress-nginx` (community, retired March 2026). */
    controller: z.enum(["f5-nginx", "ingress-nginx"]).default("f5-nginx"),
    className: dnsLabel(63).default("nginx"),
    defaultClass: z.boolean().default(true),
    /** @default 1 in dev, 2 elsewhere (with a PodDisruptionBudget) */
    replicas: z.number().int().min(1).max(20).optional(),
    exposure: z.discriminatedUnion("type", [nlbExposure, metallbExposure]),
    metrics: z.boolean().default(true),
    resources: z
      .object({
        cpu: z.string().default("250m"),
        memory: z.string().default("256Mi"),
      })
      .strict()
      .default({}),
  })
  .strict();

const stateSchema = z
  .object({
    /** S3 bucket holding the Terraform state (created by the bootstrap stack). */
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
      message:
        "must be a valid S3 bucket name (lowercase letters, digits, dots and hyphens, 3 to 63 characters)",
    }),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, {
      message: "must be an AWS region such as ap-northeast-2",
    }),
    /** Legacy DynamoDB lock table; S3-native locking (`use_lockfile`) is always on. */
    dynamodbTable: z.string().min(3).max(255).optional(),
    /**
     * KMS key (ARN or `alias/<env>/tfstate`) for state objects. Without it Terraform writes
     * state with SSE-S3, overriding the bucket's default KMS encryption.
     */
    kmsKeyId: z.string().min(1).optional(),
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
  tier: z.enum(["dev", "staging", "prod"]),
  /** Team that owns the environment; becomes the `owner` tag. */
  owner: z.string().min(1).max(64),
  kubernetesVersion: z.enum(VERSIONS.kubernetes, {
    errorMap: () => ({ message: `must be one of ${VERSIONS.kubernetes.join(", ")}` }),
  }),
  podNetwork: podNetworkSchema,
  /** Kubernetes service range. */
  serviceCidr: cidr.default("172.20.0.0/16"),
  ingress: ingressSchema,
  /** Remote state; omit for a local backend. */
  state: stateSchema.optional(),
};

const awsSchema = z
  .object({
    accountId: z.string().regex(/^\d{12}$/, { message: "must be a 12-digit AWS account ID" }),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, {
      message: "must be an AWS region such as ap-northeast-2",
    }),
    /** Role the provider assumes (for example from a CI role in another account). */
    assumeRoleArn: iamPrincipalArn.optional(),
    /** Availability zone names (2 or 3), such as ap-northeast-2a. */
    zones: z.array(
      z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, {
        message: "must be a zone name such as ap-northeast-2a",
      }),
    ),
    vpcCidr: cidr,
    /** Prefix lengths of each zone's subnets, carved in order from the VPC CIDR. */
    subnetPrefixes: z
      .object({
        public: z.number().int().min(16).max(28).default(24),
        private: z.number().int().min(16).max(28).default(19),
        intra: z.number().int().min(16).max(28).default(26),
      })
      .strict()
      .default({}),
    /** NAT gateways: none, one shared, or one per zone (survives a zone outage). */
    nat: z.enum(["none", "single", "per-zone"]),
    /** Gateway (s3, dynamodb) and interface (ecr.api, sts, ...) endpoints by service name. */
    vpcEndpoints: z.array(z.string().regex(/^[a-z0-9.-]+$/)).default([]),
    flowLogRetentionDays: retentionDays.default(90),
  })
  .strict();

const clusterSchema = z
  .object({
    name: z.string(),
    endpoint: z
      .object({
        /** Public endpoint; the private endpoint is always on. */
        public: z.boolean().default(false),
        publicAccessCidrs: z.array(cidr).default([]),
      })
      .strict()
      .default({}),
    /** IAM principals given cluster admin through access entries. */
    admins: z.array(iamPrincipalArn).min(1, { message: "must name at least one admin principal" }),
    logRetentionDays: retentionDays.default(90),
    systemNodeGroup: z
      .object({
        instanceTypes: z
          .array(z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/))
          .min(1)
          .default(["m6i.large"]),
        minSize: z.number().int().min(1).default(3),
        maxSize: z.number().int().min(1).default(4),
        desiredSize: z.number().int().min(1).default(3),
        diskSizeGiB: z.number().int().min(20).max(1000).default(50),
      })
      .strict()
      .default({}),
    /** kubelet maxPods when Calico is the CNI (ENI limits no longer apply). */
    maxPods: z.number().int().min(10).max(250).default(110),
  })
  .strict();

const kmsSchema = z
  .object({
    /** Principals that administer the keys besides the account root. */
    administrators: z
      .array(iamPrincipalArn)
      .min(1, { message: "must name at least one key administrator" }),
    rotationPeriodDays: z.number().int().min(90).max(2560).default(365),
  })
  .strict();

const karpenterSchema = z
  .object({
    /** How the controller gets AWS credentials. */
    identity: z.enum(["pod-identity", "irsa"]).default("pod-identity"),
    /**
     * EKS-optimized AL2023 AMI release of the nodes; checked against kubernetesVersion (checks.ts).
     * @default VERSIONS.al2023Ami[kubernetesVersion], so an upgrade moves both
     */
    amiVersion: z
      .string()
      .regex(AL2023_AMI_RELEASE, {
        message: 'must be an AL2023 AMI release: "v" and its build date, such as v20261119',
      })
      .optional(),
    /** Karpenter avoids zones that an ARC zonal shift moves traffic away from. */
    enableZonalShift: z.boolean().default(false),
    nodePools: z.array(nodePoolSchema).min(1, { message: "must define at least one node pool" }),
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

const metallbPoolSchema = z
  .object({
    name: dnsLabel(63),
    addresses: z.array(addressRange).min(1),
    autoAssign: z.boolean().default(true),
    avoidBuggyIPs: z.boolean().default(true),
  })
  .strict();

const asNumber = z.number().int().min(1).max(4294967295);

const metallbSchema = z
  .object({
    pools: z.array(metallbPoolSchema).min(1, { message: "must define at least one address pool" }),
    /**
     * Announce pools with ARP on the node network; they must lie inside a node segment. Without
     * `pools`, every pool Calico does not announce.
     */
    l2: z
      .object({
        pools: z.array(dnsLabel(63)).optional(),
        interfaces: z.array(z.string()).optional(),
        nodeSelectors: z.array(z.record(z.string())).optional(),
      })
      .strict()
      .optional(),
    /**
     * Announce pools to BGP routers with MetalLB's own speaker; not in a pod network mode that
     * runs Calico's BGP (use `calicoAnnounces`). Pools must lie outside the node segments.
     */
    bgp: z
      .object({
        peers: z
          .array(
            z
              .object({
                name: dnsLabel(63),
                myASN: asNumber,
                peerASN: asNumber,
                peerAddress: ipv4,
              })
              .strict(),
          )
          .min(1),
        pools: z.array(dnsLabel(63)).optional(),
      })
      .strict()
      .optional(),
    /**
     * Pools Calico announces to its BGP peers (`calicoBgp`); MetalLB only allocates from them.
     * CIDRs only, outside the node segments. Without `pools`, every pool.
     */
    calicoAnnounces: z
      .object({ pools: z.array(dnsLabel(63)).optional() })
      .strict()
      .optional(),
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
        path: z.string().min(1),
        context: z.string().min(1),
      })
      .strict(),
    /**
     * The L2 segments nodes sit on and the addresses they take there. Pod and service ranges
     * stay outside the segments; MetalLB L2 pools inside one, clear of node addresses and the
     * gateway; BGP-announced pools outside them all.
     */
    nodeSegments: z
      .array(
        z
          .object({
            /** The subnet, such as 192.168.10.0/24. */
            cidr,
            /** Addresses nodes take in it (static ones or the DHCP scope): CIDRs or ranges. */
            nodeAddresses: z.array(addressRange).min(1),
            /** The segment's router, reserved like a node address. */
            gateway: ipv4.optional(),
          })
          .strict(),
      )
      .min(1, { message: "must list the segment nodes sit on" }),
    /** Calico's BGP sessions with the network's routers; BGP pod network modes only. */
    calicoBgp: z
      .object({
        /** The nodes' AS number (Calico's default is 64512). */
        asNumber: asNumber.default(64512),
        /** Routers every node peers with. */
        peers: z
          .array(z.object({ name: dnsLabel(63), peerAddress: ipv4, asNumber }).strict())
          .min(1, { message: "must list at least one router" }),
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
