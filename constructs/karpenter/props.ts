/**
 * Props of the Karpenter constructs: the one place their rules and defaults live. The
 * environment schema composes the node pool list, identity and AMI release schemas.
 */
import { ITerraformDependable } from "cdktf";
import { z } from "zod";
import {
  awsAccountId,
  awsPartition,
  awsRegion,
  iamRoleArn,
  iamRoleName,
  kmsKeyArn,
} from "../shared/aws-account";
import { SYSTEM_NODE_LABEL } from "../eks/node-group";
import { maxPodsSchema } from "../eks/props";
import { podNetworkModeSchema } from "../shared/props";
import {
  chartVersion,
  checkedPattern,
  checkedString,
  dependables,
  duration,
  isUnresolved,
  kubernetesName,
  kubernetesVersion,
  positiveInteger,
  removedProp,
  uniqueNames,
  withJsonSchema,
  withRules,
} from "../shared/validation/fields";
import { PropsShape } from "../shared/validation/parse-props";
import { VERSIONS } from "../versions";
import { AL2023_AMI_RELEASE, al2023AmiProblem } from "./ami";
import { INTERRUPTION_EVENTS, interruptionRuleName } from "./interruption-queue";
import type { KarpenterAwsProps } from "./karpenter-aws";
import type { KarpenterControllerProps } from "./karpenter-controller";
import type {
  KarpenterDisruptionBudget,
  KarpenterNodePoolOptions,
  KarpenterNodePoolsProps,
} from "./node-pools";

/** The newest release `VERSIONS.al2023Ami` pins, as an example in messages. */
const NEWEST_PINNED = Object.values(VERSIONS.al2023Ami).sort().at(-1);

/**
 * A pinned AL2023 AMI release (`vYYYYMMDD`), or a token. Not "latest": every AMI AWS publishes
 * would drift and replace all nodes outside a reviewed change.
 */
export const al2023AmiRelease = checkedPattern(
  AL2023_AMI_RELEASE,
  (release) =>
    `must be a pinned AL2023 AMI release such as "${NEWEST_PINNED}" (not "latest": every new AMI ` +
    `would drift and replace all nodes outside a reviewed change); got "${release}"`,
);

/** Every `KarpenterIdentity`. */
export const KARPENTER_IDENTITIES = ["pod-identity", "irsa"] as const;
/** How the controller gets AWS credentials. */
export type KarpenterIdentity = (typeof KARPENTER_IDENTITIES)[number];

export const karpenterIdentitySchema = z.enum(KARPENTER_IDENTITIES);

/**
 * How long a node being deleted (expired, drifted, consolidated) may drain before Karpenter
 * deletes its remaining pods regardless of PodDisruptionBudgets. Without a bound a PDB that never
 * allows an eviction (one replica, `maxUnavailable: 0`) keeps an expired node, and its unpatched
 * AMI, forever. A day leaves the owners of a blocking PDB a working day to move their pods before
 * the node goes.
 */
export const DEFAULT_TERMINATION_GRACE_PERIOD = "24h";

/**
 * What the NodePool CRD accepts for `terminationGracePeriod` (karpenter.sh_nodepools.yaml, 1.14):
 * a duration, never "Never". The bundled models do not check it, so the schema does.
 */
export const TERMINATION_GRACE_PERIOD_PATTERN = /^([0-9]+(s|m|h))+$/;

const notEmpty = "must not be empty: a requirement with no values matches no instance";

const budgetShape = {
  nodes: z.string().regex(/^(\d+|\d+%)$/, { message: "must be a count (2) or a percentage (10%)" }),
  schedule: z.string().optional(),
  duration: duration.optional(),
  reasons: z.array(z.enum(["Underutilized", "Empty", "Drifted"])).optional(),
} satisfies PropsShape<KarpenterDisruptionBudget>;

const nodePoolShape = {
  name: kubernetesName,
  capacityTypes: z
    .array(z.enum(["spot", "on-demand"]))
    .min(1, { message: notEmpty })
    .default(["on-demand"]),
  architectures: z
    .array(z.enum(["amd64", "arm64"]))
    .min(1, { message: notEmpty })
    .default(["amd64"]),
  instanceCategories: z
    .array(z.string().regex(/^[a-z]$/, { message: "must be one letter, such as c, m or r" }))
    .min(1, { message: notEmpty })
    .default(["c", "m", "r"]),
  minInstanceGeneration: positiveInteger.default(5),
  limits: z.object({ cpu: positiveInteger, memoryGi: positiveInteger }).strict(),
  expireAfter: duration.default("720h"),
  terminationGracePeriod: withJsonSchema(
    z.string().refine(
      (grace) => TERMINATION_GRACE_PERIOD_PATTERN.test(grace),
      (grace) => ({
        message: `must be a duration such as 24h or 2h30m (a bound: not Never); got "${grace}"`,
      }),
    ),
    { type: "string", pattern: TERMINATION_GRACE_PERIOD_PATTERN.source },
  ).default(DEFAULT_TERMINATION_GRACE_PERIOD),
  consolidationPolicy: z
    .enum(["WhenEmpty", "WhenEmptyOrUnderutilized"])
    .default("WhenEmptyOrUnderutilized"),
  consolidateAfter: duration.default("1m"),
  budgets: z.array(z.object(budgetShape).strict()).default([{ nodes: "10%" }]),
  weight: z.number().int().min(1).max(100).optional(),
} satisfies PropsShape<KarpenterNodePoolOptions>;

/** One node pool with its defaults: the environment's `karpenter.nodePools[]` entries too. */
const nodePoolOptionsSchema = z.object(nodePoolShape).strict();

export type ResolvedNodePoolOptions = z.output<typeof nodePoolOptionsSchema>;

/** At least one node pool, each name once. */
export const nodePoolListSchema = z
  .array(nodePoolOptionsSchema)
  .min(1, { message: "must define at least one node pool" })
  .superRefine(uniqueNames("node pool"));

const nodePoolsShape = {
  clusterName: checkedString(
    (name) => name.length > 0,
    () => "must not be empty",
  ),
  nodeRoleName: iamRoleName,
  kmsKeyArn,
  // Literal: it picks the AMI release.
  kubernetesVersion,
  amiVersion: al2023AmiRelease.optional(),
  podNetworkMode: podNetworkModeSchema,
  maxPods: maxPodsSchema.default(110),
  nodeClassName: kubernetesName.default("default"),
  nodePools: nodePoolListSchema,
  dependsOn: dependables.optional(),
  namespace: kubernetesName.default("kube-system"),
} satisfies PropsShape<KarpenterNodePoolsProps>;

export const karpenterNodePoolsPropsSchema = withRules(
  z.object(nodePoolsShape).strict(),
  ({ amiVersion, kubernetesVersion }, ctx) => {
    const problem =
      amiVersion === undefined || isUnresolved(amiVersion)
        ? undefined
        : al2023AmiProblem(amiVersion, kubernetesVersion);
    if (problem) ctx.addIssue({ code: "custom", path: ["amiVersion"], message: problem });
  },
)
  // The release pinned for the cluster's version, so an upgrade moves both.
  .transform((props) => ({
    ...props,
    amiVersion: props.amiVersion ?? VERSIONS.al2023Ami[props.kubernetesVersion],
  }));

/** Controller replicas: leader election, and one survives a drained system node. */
export const DEFAULT_CONTROLLER_REPLICAS = 2;

const controllerShape = {
  clusterName: checkedString(
    (name) => name.length > 0,
    () => "must not be empty",
  ),
  clusterEndpoint: checkedString(
    (endpoint) => endpoint.startsWith("https://"),
    (endpoint) => `must be the cluster's https:// API endpoint; got "${endpoint}"`,
  ),
  interruptionQueueName: checkedString(
    (name) => /^[A-Za-z0-9_-]{1,80}$/.test(name),
    (name) => `must be the SQS queue name (not its URL or ARN); got "${name}"`,
  ),
  identity: karpenterIdentitySchema.default("pod-identity"),
  controllerRoleArn: iamRoleArn.optional(),
  namespace: kubernetesName.default("kube-system"),
  serviceAccount: kubernetesName.default("karpenter"),
  version: chartVersion("karpenter").default(VERSIONS.karpenter),
  systemNodeSelector: z
    .record(z.string())
    .refine((selector) => Object.keys(selector).length > 0, {
      message: "must select the system node group; Karpenter must not run on nodes it manages",
    })
    .default({ ...SYSTEM_NODE_LABEL }),
  replicas: positiveInteger.default(DEFAULT_CONTROLLER_REPLICAS),
  enableZonalShift: z.boolean().default(false),
  dependsOn: dependables.optional(),
  networkPolicy: z.boolean().default(false),
} satisfies PropsShape<KarpenterControllerProps>;

const controllerFields = z
  .object({
    ...controllerShape,
    // Gone from the TypeScript type, but JavaScript callers may still pass it.
    webhook: removedProp(
      "was removed: Karpenter's chart has had no webhook value since 1.1 (the webhooks " +
        "converted the v1beta1 APIs that 1.1 dropped; objects are validated by CEL rules in the " +
        "CRDs), so the prop only moved the controller onto the host network; delete it",
    ),
  })
  .strict();

export const karpenterControllerPropsSchema = withRules(controllerFields, (props, ctx) => {
  if (props.identity === "irsa" && props.controllerRoleArn === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["controllerRoleArn"],
      message:
        'is required with identity "irsa": it becomes the service account\'s eks.amazonaws.com/role-arn annotation',
    });
  }
});

/** Names KarpenterAws derives from the cluster name. */
export function karpenterAwsNames(clusterName: string) {
  return {
    controllerRole: `${clusterName}-karpenter-controller`,
    nodeRole: `${clusterName}-karpenter-node`,
    queue: `${clusterName}-karpenter`,
  };
}

/** Each derived name with the most characters AWS allows (IAM roles and rules 64, queues 80). */
function derivedNameLimits(clusterName: string): [string, number][] {
  const names = karpenterAwsNames(clusterName);
  const events = Object.keys(INTERRUPTION_EVENTS) as (keyof typeof INTERRUPTION_EVENTS)[];
  return [
    [names.controllerRole, 64],
    [names.nodeRole, 64],
    [names.queue, 80],
    ...events.map((key): [string, number] => [interruptionRuleName(names.queue, key), 64]),
  ];
}

const karpenterAwsShape = {
  clusterName: z.string(),
  clusterArn: checkedString(
    (arn) => /^arn:(aws|aws-us-gov):eks:[a-z0-9-]+:\d{12}:cluster\/.+$/.test(arn),
    (arn) =>
      `must be an EKS cluster ARN such as arn:aws:eks:ap-northeast-2:123456789012:cluster/dev; got "${arn}"`,
  ),
  cluster: z
    .custom<ITerraformDependable>(
      (value) => typeof value === "object" && value !== null && "fqn" in value,
      { message: "must be the cluster resource (ITerraformDependable)" },
    )
    .optional(),
  accountId: awsAccountId,
  region: awsRegion,
  partition: awsPartition.default("aws"),
  podNetworkMode: podNetworkModeSchema,
  identity: karpenterIdentitySchema.default("pod-identity"),
  oidc: z
    .object({
      providerArn: checkedString(
        (arn) => /^arn:(aws|aws-us-gov):iam::\d{12}:oidc-provider\/.+$/.test(arn),
        (arn) => `must be an IAM OIDC provider ARN; got "${arn}"`,
      ),
      issuer: z.string(),
    })
    .strict()
    .optional(),
  namespace: kubernetesName.default("kube-system"),
  serviceAccount: kubernetesName.default("karpenter"),
  kmsKeyArn,
  enableZonalShift: z.boolean().default(false),
} satisfies PropsShape<KarpenterAwsProps>;

export const karpenterAwsPropsSchema = withRules(
  z.object(karpenterAwsShape).strict(),
  ({ clusterName, identity, oidc }, ctx) => {
    const fail = (path: string, message: string) =>
      ctx.addIssue({ code: "custom", path: [path], message });
    if (!isUnresolved(clusterName)) {
      const tooLong = derivedNameLimits(clusterName).find(([name, limit]) => name.length > limit);
      if (tooLong) {
        fail(
          "clusterName",
          `"${clusterName}" is too long: derived name "${tooLong[0]}" exceeds ${tooLong[1]} ` +
            "characters; use a cluster name of at most 38 characters",
        );
      }
    }
    if (identity === "irsa" && !oidc) {
      fail(
        "oidc",
        'is required with identity "irsa": pass the cluster OIDC provider ARN and issuer',
      );
    }
    if (identity === "pod-identity" && oidc) {
      fail("oidc", 'is only used with identity "irsa"; remove it or set identity: "irsa"');
    }
  },
);
