import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { Release } from "@cdktf/provider-helm/lib/release";
import { ManifestsRelease } from "../shared/manifests-release";
import { PodNetworkMode, podNetworkTraits } from "../shared/pod-network";
import { declarePodNetworkMode } from "../shared/pod-network-agreement";
import { parseProps } from "../shared/validation/parse-props";
import { KubernetesVersion } from "../versions";
import type { EC2NodeClassManifest, NodePoolManifest } from "./manifests";
import { KarpenterModels, karpenterModels } from "./models";
import { ResolvedNodePoolOptions, karpenterNodePoolsPropsSchema } from "./props";
// Types only, for compile-time checks inside function bodies; they never reach the .d.ts files.
import type { INodePool } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePool" with { "resolution-mode": "import" };
import type { IEC2NodeClass } from "@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass" with { "resolution-mode": "import" };

export { DEFAULT_TERMINATION_GRACE_PERIOD, TERMINATION_GRACE_PERIOD_PATTERN } from "./props";

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
 * Helm's wait when the node-pools release is uninstalled (`terraform destroy` of the platform
 * stack). Deleting the NodePools makes Karpenter drain and terminate every node they launched, and
 * the objects stay until those nodes are gone (NodeClaim and EC2NodeClass finalizers). Drains run
 * in parallel and a well-behaved pod stops within its grace period; EC2 termination and
 * Karpenter's batched, rate-limited termination calls for a fleet of hundreds of nodes take
 * minutes, not the 300 s Helm waits by default. Half an hour covers that; a drain still blocked
 * after it (a PDB that allows no eviction) fails the destroy, which can be run again once the PDB
 * is dealt with, instead of holding the pipeline for the whole termination grace period.
 */
export const NODE_POOLS_DESTROY_TIMEOUT_SECONDS = 1800;

/**
 * One Karpenter NodePool: `name` and `limits`, and any other field to change from its default.
 * An environment's `karpenter.nodePools[]` entries are checked by the same schema, so they have
 * the same defaults, and a parsed environment's node pools can be passed as they are.
 */
export interface KarpenterNodePoolOptions {
  /** NodePool name (a Kubernetes name); unique among the pools. */
  readonly name: string;
  /** @default ["on-demand"] */
  readonly capacityTypes?: readonly ("spot" | "on-demand")[];
  /** @default ["amd64"] */
  readonly architectures?: readonly ("amd64" | "arm64")[];
  /**
   * EC2 instance categories, one letter each.
   * @default ["c", "m", "r"]
   */
  readonly instanceCategories?: readonly string[];
  /**
   * Only instance generations newer than this.
   * @default 5
   */
  readonly minInstanceGeneration?: number;
  /** Total capacity the pool may launch: vCPUs and GiB of memory (positive integers). */
  readonly limits: { readonly cpu: number; readonly memoryGi: number };
  /**
   * Node lifetime before replacement, such as "720h", or "Never".
   * @default "720h" (30 days)
   */
  readonly expireAfter?: string;
  /**
   * Longest drain of a node being deleted; after it, pods still on the node are deleted whatever
   * their PodDisruptionBudgets say. A duration such as "24h" (not "Never").
   * @default DEFAULT_TERMINATION_GRACE_PERIOD ("24h")
   */
  readonly terminationGracePeriod?: string;
  /** @default "WhenEmptyOrUnderutilized" */
  readonly consolidationPolicy?: "WhenEmpty" | "WhenEmptyOrUnderutilized";
  /**
   * How long a node must be consolidatable before Karpenter acts, such as "1m".
   * @default "1m"
   */
  readonly consolidateAfter?: string;
  /** @default [{ nodes: "10%" }] */
  readonly budgets?: readonly KarpenterDisruptionBudget[];
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
   * The cluster's Kubernetes version (known at synth). The AMI alias resolves to the image built
   * for it, so it chooses the default `amiVersion` and bounds an explicit one.
   */
  readonly kubernetesVersion: KubernetesVersion;
  /**
   * EKS-optimized AL2023 AMI release, `vYYYYMMDD`. Must be pinned: with "latest" every AMI
   * AWS publishes drifts and replaces all nodes outside any reviewed change. It must not be older
   * than `VERSIONS.al2023Ami[kubernetesVersion]`, which may be the first release with images for
   * that version. A cluster upgrade bumps `kubernetesVersion` and this release together: leave it
   * unset to follow the table.
   * @default VERSIONS.al2023Ami[kubernetesVersion]
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

const DISCOVERY_TAG = "karpenter.sh/discovery";

/**
 * The EC2NodeClass and NodePools Karpenter provisions from, built with the validating
 * `@kubernetes-models/karpenter` models so a bad field fails synth instead of apply, and
 * installed through one `ManifestsRelease` (not `kubernetes_manifest`, which needs the CRDs at
 * plan time).
 */
export class KarpenterNodePools extends Construct {
  /** The EC2NodeClass object (tokens unresolved). */
  readonly nodeClass: EC2NodeClassManifest;
  /** The NodePool objects, in the order given (tokens unresolved). */
  readonly nodePools: readonly NodePoolManifest[];
  /** The release that installs them. */
  readonly release: Release;

  constructor(scope: Construct, id: string, props: KarpenterNodePoolsProps) {
    super(scope, id);
    const p = parseProps(karpenterNodePoolsPropsSchema, props, "KarpenterNodePoolsProps", this);
    declarePodNetworkMode(this, {
      modes: [p.podNetworkMode],
      clusterName: p.clusterName,
      inStackCluster: true,
    });
    const { amiVersion, maxPods, nodeClassName, namespace } = p;

    const models = karpenterModels();

    const nodeClass: EC2NodeClassManifest = {
      apiVersion: "karpenter.k8s.aws/v1",
      kind: "EC2NodeClass",
      metadata: { name: nodeClassName },
      spec: {
        role: p.nodeRoleName,
        amiSelectorTerms: [{ alias: `al2023@${amiVersion}` }],
        subnetSelectorTerms: [{ tags: { [DISCOVERY_TAG]: p.clusterName } }],
        securityGroupSelectorTerms: [{ tags: { [DISCOVERY_TAG]: p.clusterName } }],
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
              kmsKeyID: p.kmsKeyArn,
              deleteOnTermination: true,
            },
          },
        ],
        ...(podNetworkTraits(p.podNetworkMode).cni === "calico" && {
          kubelet: { maxPods },
        }),
      },
    };
    this.nodeClass = validated(
      "KarpenterNodePools EC2NodeClass",
      models.EC2NodeClass,
      nodeClass satisfies IEC2NodeClass,
    );

    this.nodePools = p.nodePools.map((pool, i) => {
      const nodePool = nodePoolObject(pool, nodeClassName);
      return validated(
        `KarpenterNodePoolsProps.nodePools[${i}] ("${pool.name}")`,
        models.NodePool,
        nodePool satisfies INodePool,
      );
    });

    this.release = new ManifestsRelease(this, "manifests", {
      releaseName: "karpenter-node-pools",
      namespace,
      manifests: [this.nodeClass, ...this.nodePools],
      dependsOn: p.dependsOn,
    }).release;
    this.release.timeout = NODE_POOLS_DESTROY_TIMEOUT_SECONDS;
    // The helm provider also bounds a delete by its own deadline (20 minutes unless set), which
    // would cut Helm's wait short; leave Helm room to report what it is still waiting for.
    this.release.putTimeouts({ delete: `${NODE_POOLS_DESTROY_TIMEOUT_SECONDS / 60 + 5}m` });
  }
}

function nodePoolObject(pool: ResolvedNodePoolOptions, nodeClassName: string): NodePoolManifest {
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
          terminationGracePeriod: pool.terminationGracePeriod,
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
 * Runs a model's schema validation on `data` and returns the model's plain object. Validation
 * errors are rethrown naming the object, with the model's message (the JSON path and the rule).
 */
function validated<T extends object>(
  where: string,
  Model: KarpenterModels[keyof KarpenterModels],
  data: T,
): T {
  const model = new Model(data);
  try {
    model.validate();
  } catch (cause) {
    throw new Error(`${where}: ${(cause as Error).message}`, { cause });
  }
  return model.toJSON() as T;
}
