import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { Release } from "@cdktf/provider-helm/lib/release";
import { Requests, SystemWorkload, resourceQuantities } from "../eks/system-capacity";
import { VERSIONS } from "../versions";
import { assertDnsLabel } from "../shared/kubernetes";

/** How the controller gets AWS credentials. */
export type KarpenterIdentity = "pod-identity" | "irsa";

export interface KarpenterControllerProps {
  /** EKS cluster name (usually an output of the infra stack). */
  readonly clusterName: string;
  /** EKS API server endpoint, `https://...`; passed so the controller skips discovering it. */
  readonly clusterEndpoint: string;
  /** Name (not URL or ARN) of the SQS interruption queue. */
  readonly interruptionQueueName: string;
  /**
   * How the controller gets AWS credentials.
   * @default "pod-identity" - the infra stack associates the controller role with the service
   *   account; nothing is set on the service account.
   */
  readonly identity?: KarpenterIdentity;
  /**
   * Controller IAM role ARN. Required with `identity: "irsa"` (it becomes the service account's
   * `eks.amazonaws.com/role-arn` annotation); ignored with pod identity, where the association on
   * the AWS side names the role.
   * @default - none
   */
  readonly controllerRoleArn?: string;
  /**
   * Namespace of the release; must match the pod identity association.
   * @default "kube-system"
   */
  readonly namespace?: string;
  /**
   * Service account name; must match the pod identity association or the IRSA trust policy.
   * @default "karpenter"
   */
  readonly serviceAccount?: string;
  /**
   * Chart version of `oci://public.ecr.aws/karpenter/karpenter` (and `karpenter-crd`), 1.x
   * without a leading `v`.
   * @default VERSIONS.karpenter
   */
  readonly version?: string;
  /**
   * Labels of the nodes the controller runs on: the system managed node group. Karpenter must
   * not run on nodes it manages (it could consolidate its own node away).
   * @default { "node-role.platform/system": "true" }
   */
  readonly systemNodeSelector?: Record<string, string>;
  /**
   * Controller replicas (leader election; the chart's anti-affinity puts them on distinct nodes,
   * so the system node group needs at least this many nodes).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Chart `settings.enableZonalShift`: new capacity avoids an Availability Zone while an ARC zonal
   * shift (or zonal autoshift) moves traffic away from it. Give `KarpenterAws` the same value: it
   * grants the controller `arc-zonal-shift:GetManagedResource` on this cluster.
   * @default false
   */
  readonly enableZonalShift?: boolean;
  /**
   * Releases to install first. With Calico as the CNI, pass the Calico release: nodes stay
   * NotReady, and the controller unschedulable, until the CNI runs.
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

const DEFAULTS = {
  identity: "pod-identity",
  namespace: "kube-system",
  serviceAccount: "karpenter",
  version: VERSIONS.karpenter,
  systemNodeSelector: { "node-role.platform/system": "true" },
  replicas: 2,
  enableZonalShift: false,
} as const;

const CHART_REPOSITORY = "oci://public.ecr.aws/karpenter";

/** The controller's requests (and limits): upstream's getting-started sizing, 1 CPU and 1 GiB. */
const CONTROLLER_REQUESTS: Requests = { cpuMillis: 1000, memoryMiB: 1024 };

/** What the controller takes on the system nodes, for the capacity check. */
export function karpenterSystemWorkload(replicas: number = DEFAULTS.replicas): SystemWorkload {
  return { name: "karpenter", replicas, requests: CONTROLLER_REQUESTS, basis: "requests" };
}

/**
 * Karpenter's Kubernetes side: the CRDs (chart `karpenter-crd`) and the controller (chart
 * `karpenter`). The CRDs get their own release because Helm installs a chart's `crds/` directory
 * only on first install and never upgrades it; `karpenter-crd` ships them as templates, so a
 * version bump updates them together with the controller.
 */
export class KarpenterController extends Construct {
  /** The `karpenter-crd` release; `wait` holds until the CRDs are established. */
  readonly crdRelease: Release;
  /** The controller release. Depend on it before creating NodePools and EC2NodeClasses. */
  readonly release: Release;
  /** Values passed to the controller chart (tokens unresolved). */
  readonly values: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: KarpenterControllerProps) {
    super(scope, id);
    const identity = props.identity ?? DEFAULTS.identity;
    const namespace = props.namespace ?? DEFAULTS.namespace;
    const serviceAccount = props.serviceAccount ?? DEFAULTS.serviceAccount;
    const version = props.version ?? DEFAULTS.version;
    const systemNodeSelector = props.systemNodeSelector ?? DEFAULTS.systemNodeSelector;
    const replicas = props.replicas ?? DEFAULTS.replicas;
    validate(props, { identity, namespace, serviceAccount, version, systemNodeSelector, replicas });

    this.values = {
      settings: {
        clusterName: props.clusterName,
        clusterEndpoint: props.clusterEndpoint,
        interruptionQueue: props.interruptionQueueName,
        enableZonalShift: props.enableZonalShift ?? DEFAULTS.enableZonalShift,
      },
      serviceAccount: {
        create: true,
        name: serviceAccount,
        ...(identity === "irsa" && {
          annotations: { "eks.amazonaws.com/role-arn": props.controllerRoleArn },
        }),
      },
      replicas,
      nodeSelector: { "kubernetes.io/os": "linux", ...systemNodeSelector },
      controller: {
        // Requests equal to limits give Guaranteed QoS: under node pressure the controller, the
        // only thing that can add capacity, is evicted last.
        resources: {
          requests: resourceQuantities(CONTROLLER_REQUESTS),
          limits: resourceQuantities(CONTROLLER_REQUESTS),
        },
      },
      // The node's resolver (VPC DNS) is enough for AWS endpoints, and Karpenter then does not
      // depend on CoreDNS, which may run on nodes Karpenter is replacing.
      dnsPolicy: "Default",
    };

    this.crdRelease = new Release(this, "crds", {
      name: "karpenter-crd",
      repository: CHART_REPOSITORY,
      chart: "karpenter-crd",
      version,
      namespace,
      wait: true,
      atomic: true,
      maxHistory: 5,
      dependsOn: props.dependsOn,
    });
    this.release = new Release(this, "release", {
      name: "karpenter",
      repository: CHART_REPOSITORY,
      chart: "karpenter",
      version,
      namespace,
      // The CRDs belong to the karpenter-crd release.
      skipCrds: true,
      values: [JSON.stringify(this.values)],
      wait: true,
      atomic: true,
      maxHistory: 5,
      dependsOn: [this.crdRelease],
    });
  }
}

interface Resolved {
  readonly identity: KarpenterIdentity;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly version: string;
  readonly systemNodeSelector: Record<string, string>;
  readonly replicas: number;
}

function validate(props: KarpenterControllerProps, r: Resolved): void {
  const where = "KarpenterControllerProps";
  // Gone from the TypeScript type, but JavaScript callers may still pass it.
  if ("webhook" in props) {
    throw new Error(
      `${where}.webhook was removed: Karpenter's chart has had no webhook value since 1.1 (the ` +
        "webhooks converted the v1beta1 APIs that 1.1 dropped; objects are validated by CEL rules " +
        "in the CRDs), so the prop only moved the controller onto the host network; delete it",
    );
  }
  if (!Token.isUnresolved(r.version) && !/^1\.\d+\.\d+$/.test(r.version)) {
    const hint = r.version.startsWith("v")
      ? `; Karpenter's OCI chart versions carry no "v", use "${r.version.slice(1)}"`
      : `, such as "${VERSIONS.karpenter}"`;
    throw new Error(
      `${where}.version must be a Karpenter 1.x chart version${hint}; got "${r.version}"`,
    );
  }
  if (!Token.isUnresolved(props.clusterName) && props.clusterName.length === 0) {
    throw new Error(`${where}.clusterName must not be empty`);
  }
  if (!Token.isUnresolved(props.clusterEndpoint) && !props.clusterEndpoint.startsWith("https://")) {
    throw new Error(
      `${where}.clusterEndpoint must be the cluster's https:// API endpoint; got "${props.clusterEndpoint}"`,
    );
  }
  if (
    !Token.isUnresolved(props.interruptionQueueName) &&
    !/^[A-Za-z0-9_-]{1,80}$/.test(props.interruptionQueueName)
  ) {
    throw new Error(
      `${where}.interruptionQueueName must be the SQS queue name (not its URL or ARN); got "${props.interruptionQueueName}"`,
    );
  }
  if (r.identity === "irsa") {
    if (props.controllerRoleArn === undefined) {
      throw new Error(
        `${where}.controllerRoleArn is required with identity "irsa": it becomes the service account's eks.amazonaws.com/role-arn annotation`,
      );
    }
    if (
      !Token.isUnresolved(props.controllerRoleArn) &&
      !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(props.controllerRoleArn)
    ) {
      throw new Error(
        `${where}.controllerRoleArn must be an IAM role ARN such as arn:aws:iam::123456789012:role/karpenter; got "${props.controllerRoleArn}"`,
      );
    }
  }
  assertDnsLabel(`${where}.namespace`, r.namespace);
  assertDnsLabel(`${where}.serviceAccount`, r.serviceAccount);
  if (Object.keys(r.systemNodeSelector).length === 0) {
    throw new Error(
      `${where}.systemNodeSelector must select the system node group; Karpenter must not run on nodes it manages`,
    );
  }
  if (!Number.isInteger(r.replicas) || r.replicas < 1) {
    throw new Error(`${where}.replicas must be a positive integer; got ${r.replicas}`);
  }
}
