import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { Release } from "@cdktf/provider-helm/lib/release";
import { ManifestsRelease } from "../shared/manifests-release";
import { PodNetworkMode, podNetworkTraits } from "../shared/pod-network";
import { VERSIONS } from "../versions";
import { assertDnsLabel } from "../shared/kubernetes";
import { EC2NodeClass, IEC2NodeClass, INodePool, NodePool } from "./models";

/** A voluntary-disruption budget of a node pool. */
export interface KarpenterDisruptionBudget {
  /** Nodes that may be disrupted at once: a count ("2") or a percentage ("10%"). */
  readonly nodes: string;
  /** Cron schedule from which the budget is active (UTC). @default - always active */
  readonly schedule?: string;
  /** How long the budget is active after each `schedule` time. @default - always active */
  readonly duration?: string;
  /** Disruption reasons the budget applies to. @default - all reasons */
  readonly reasons?: readonly ("Underutilized" | "Empty" | "Drifted")[];
}

/**
 * One Karpenter NodePool. Same fields as the environment schema's node pool (whose defaults
 * fill them), so a parsed environment's node pools can be passed as they are.
 */
export interface KarpenterNodePoolOptions {
  /** NodePool name (a Kubernetes name); unique among the pools. */
  readonly name: string;
  readonly capacityTypes: readonly ("spot" | "on-demand")[];
  readonly architectures: readonly ("amd64" | "arm64")[];
  /** EC2 instance categories such as c, m, r. */
  readonly instanceCategories: readonly string[];
  /** Only instance generations newer than this. */
  readonly minInstanceGeneration: number;
  /** Total capacity the pool may launch: vCPUs and GiB of memory. */
  readonly limits: { readonly cpu: number; readonly memoryGi: number };
  /** Node lifetime before replacement, such as "720h", or "Never". */
  readonly expireAfter: string;
  readonly consolidationPolicy: "WhenEmpty" | "WhenEmptyOrUnderutilized";
  /** How long a node must be consolidatable before Karpenter acts, such as "1m". */
  readonly consolidateAfter: string;
  readonly budgets: readonly KarpenterDisruptionBudget[];
  /** Priority among pools, 1 to 100 (higher first). @default - no weight */
  readonly weight?: number;
}

export interface KarpenterNodePoolsProps {
  /** Cluster name: the `karpenter.sh/discovery` tag value on the node subnets and security group. */
  readonly clusterName: string;
  /** Name (not ARN) of the node IAM role; Karpenter creates the instance profile from it. */
  readonly nodeRoleName: string;
  /** ARN of the KMS key that encrypts node root volumes. */
  readonly kmsKeyArn: string;
  /**
   * EKS-optimized AL2023 AMI release, `vYYYYMMDD`. Must be pinned: with "latest" every AMI
   * AWS publishes drifts and replaces all nodes outside any reviewed change.
   * @default VERSIONS.al2023Ami
   */
  readonly amiVersion?: string;
  /** The cluster's pod network mode; Calico CNI modes set kubelet `maxPods`. */
  readonly podNetworkMode: PodNetworkMode;
  /**
   * kubelet `maxPods` when Calico is the CNI (ENI-based limits no longer apply). Ignored with the
   * AWS VPC CNI, where Karpenter derives the limit from the instance type's ENIs.
   * @default 110
   */
  readonly maxPods?: number;
  /**
   * Name of the EC2NodeClass every pool references.
   * @default "default"
   */
  readonly nodeClassName?: string;
  /** The node pools; at least one. */
  readonly nodePools: readonly KarpenterNodePoolOptions[];
  /**
   * Usually the Karpenter controller release, whose `wait` means the CRDs are in.
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Namespace of the Helm release that carries the objects (they are cluster-scoped).
   * @default "kube-system"
   */
  readonly namespace?: string;
}

const DEFAULTS = {
  amiVersion: VERSIONS.al2023Ami,
  maxPods: 110,
  nodeClassName: "default",
  namespace: "kube-system",
} as const;

const DISCOVERY_TAG = "karpenter.sh/discovery";

/**
 * The EC2NodeClass and NodePools Karpenter provisions from, built with the validating
 * `@kubernetes-models/karpenter` models so a bad field fails synth instead of apply, and
 * installed through one `ManifestsRelease` (not `kubernetes_manifest`, which needs the CRDs at
 * plan time).
 */
export class KarpenterNodePools extends Construct {
  /** The EC2NodeClass object (tokens unresolved). */
  readonly nodeClass: IEC2NodeClass;
  /** The NodePool objects, in the order given (tokens unresolved). */
  readonly nodePools: readonly INodePool[];
  /** The release that installs them. */
  readonly release: Release;

  constructor(scope: Construct, id: string, props: KarpenterNodePoolsProps) {
    super(scope, id);
    const amiVersion = props.amiVersion ?? DEFAULTS.amiVersion;
    const maxPods = props.maxPods ?? DEFAULTS.maxPods;
    const nodeClassName = props.nodeClassName ?? DEFAULTS.nodeClassName;
    const namespace = props.namespace ?? DEFAULTS.namespace;
    validateProps(props, { amiVersion, maxPods, nodeClassName, namespace });

    this.nodeClass = validated<IEC2NodeClass>(
      "KarpenterNodePools EC2NodeClass",
      new EC2NodeClass({
        metadata: { name: nodeClassName },
        spec: {
          role: props.nodeRoleName,
          amiSelectorTerms: [{ alias: `al2023@${amiVersion}` }],
          subnetSelectorTerms: [{ tags: { [DISCOVERY_TAG]: props.clusterName } }],
          securityGroupSelectorTerms: [{ tags: { [DISCOVERY_TAG]: props.clusterName } }],
          // IMDSv2 only, and a hop limit of 1 so pods cannot use the node role's credentials.
          metadataOptions: {
            httpEndpoint: "enabled",
            httpProtocolIPv6: "disabled",
            httpPutResponseHopLimit: 1,
            httpTokens: "required",
          },
          blockDeviceMappings: [
            {
              deviceName: "/dev/xvda",
              ebs: {
                volumeSize: "50Gi",
                volumeType: "gp3",
                encrypted: true,
                kmsKeyID: props.kmsKeyArn,
                deleteOnTermination: true,
              },
            },
          ],
          ...(podNetworkTraits(props.podNetworkMode).cni === "calico" && {
            kubelet: { maxPods },
          }),
        },
      }),
    );

    const seen = new Set<string>();
    this.nodePools = props.nodePools.map((pool, i) => {
      const where = `KarpenterNodePoolsProps.nodePools[${i}] ("${pool.name}")`;
      if (seen.has(pool.name)) {
        throw new Error(`${where}: duplicate node pool name; names must be unique`);
      }
      seen.add(pool.name);
      validatePool(where, pool);
      return validated<INodePool>(where, new NodePool(nodePoolObject(pool, nodeClassName)));
    });

    this.release = new ManifestsRelease(this, "manifests", {
      releaseName: "karpenter-node-pools",
      namespace,
      manifests: [this.nodeClass, ...this.nodePools],
      dependsOn: props.dependsOn,
    }).release;
  }
}

function nodePoolObject(pool: KarpenterNodePoolOptions, nodeClassName: string): INodePool {
  return {
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: { name: pool.name },
    spec: {
      template: {
        spec: {
          nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: nodeClassName },
          requirements: [
            { key: "karpenter.sh/capacity-type", operator: "In", values: [...pool.capacityTypes] },
            { key: "kubernetes.io/arch", operator: "In", values: [...pool.architectures] },
            {
              key: "karpenter.k8s.aws/instance-category",
              operator: "In",
              values: [...pool.instanceCategories],
            },
            {
              key: "karpenter.k8s.aws/instance-generation",
              operator: "Gt",
              values: [String(pool.minInstanceGeneration)],
            },
            { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
          ],
          expireAfter: pool.expireAfter,
        },
      },
      disruption: {
        consolidationPolicy: pool.consolidationPolicy,
        consolidateAfter: pool.consolidateAfter,
        budgets: pool.budgets.map((b) => ({
          nodes: b.nodes,
          ...(b.schedule !== undefined && { schedule: b.schedule }),
          ...(b.duration !== undefined && { duration: b.duration }),
          ...(b.reasons !== undefined && { reasons: [...b.reasons] }),
        })),
      },
      limits: { cpu: String(pool.limits.cpu), memory: `${pool.limits.memoryGi}Gi` },
      ...(pool.weight !== undefined && { weight: pool.weight }),
    },
  };
}

/**
 * Runs a model's schema validation and returns the plain object. Validation errors are rethrown
 * naming the object, with the model's message (the JSON path and the rule).
 */
function validated<T>(where: string, model: { validate(): void; toJSON(): unknown }): T {
  try {
    model.validate();
  } catch (cause) {
    throw new Error(`${where}: ${(cause as Error).message}`, { cause });
  }
  return model.toJSON() as T;
}

interface Resolved {
  readonly amiVersion: string;
  readonly maxPods: number;
  readonly nodeClassName: string;
  readonly namespace: string;
}

function validateProps(props: KarpenterNodePoolsProps, r: Resolved): void {
  const where = "KarpenterNodePoolsProps";
  if (!/^v\d{8}$/.test(r.amiVersion)) {
    throw new Error(
      `${where}.amiVersion must be a pinned AL2023 AMI release such as "${VERSIONS.al2023Ami}" ` +
        `(not "latest": every new AMI would drift and replace all nodes outside a reviewed change); got "${r.amiVersion}"`,
    );
  }
  if (!Number.isInteger(r.maxPods) || r.maxPods < 1) {
    throw new Error(`${where}.maxPods must be a positive integer; got ${r.maxPods}`);
  }
  assertDnsLabel(`${where}.nodeClassName`, r.nodeClassName);
  assertDnsLabel(`${where}.namespace`, r.namespace);
  if (!Token.isUnresolved(props.clusterName) && props.clusterName.length === 0) {
    throw new Error(`${where}.clusterName must not be empty`);
  }
  if (!Token.isUnresolved(props.nodeRoleName) && !/^[\w+=,.@-]{1,64}$/.test(props.nodeRoleName)) {
    throw new Error(
      `${where}.nodeRoleName must be an IAM role name (not its ARN); got "${props.nodeRoleName}"`,
    );
  }
  if (
    !Token.isUnresolved(props.kmsKeyArn) &&
    !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/.test(props.kmsKeyArn)
  ) {
    throw new Error(
      `${where}.kmsKeyArn must be a KMS key ARN such as arn:aws:kms:ap-northeast-2:123456789012:key/<id>; got "${props.kmsKeyArn}"`,
    );
  }
  if (props.nodePools.length === 0) {
    throw new Error(`${where}.nodePools must define at least one node pool`);
  }
}

/** What the NodePool schema cannot express. */
function validatePool(where: string, pool: KarpenterNodePoolOptions): void {
  assertDnsLabel(`${where}.name`, pool.name);
  const lists = {
    capacityTypes: pool.capacityTypes,
    architectures: pool.architectures,
    instanceCategories: pool.instanceCategories,
  };
  for (const [field, values] of Object.entries(lists)) {
    if (values.length === 0) {
      throw new Error(
        `${where}.${field} must not be empty: a requirement with no values matches no instance`,
      );
    }
  }
  if (!Number.isInteger(pool.minInstanceGeneration) || pool.minInstanceGeneration < 1) {
    throw new Error(
      `${where}.minInstanceGeneration must be a positive integer; got ${pool.minInstanceGeneration}`,
    );
  }
  for (const [field, value] of Object.entries(pool.limits)) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new Error(`${where}.limits.${field} must be a positive integer; got ${value}`);
    }
  }
}
