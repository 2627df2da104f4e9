import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { Release } from "@cdktf/provider-helm/lib/release";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { Requests, SystemWorkload, resourceQuantities } from "../eks/system-capacity";
import { ANYWHERE, CLUSTER_PODS, componentNetworkPolicy } from "../shared/network-policy";
import { parseProps } from "../shared/validation/parse-props";
import {
  DEFAULT_CONTROLLER_REPLICAS,
  KarpenterIdentity,
  karpenterControllerPropsSchema,
} from "./props";

export { KARPENTER_IDENTITIES, type KarpenterIdentity } from "./props";

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
   * What to install first. With Calico as the CNI, nodes stay NotReady, and the controller
   * unschedulable, until Calico runs: pass something that waits for Calico to be ready, not the
   * Calico release itself (which is done once the operator is installed). The examples and the
   * shipped stacks pass the CoreDNS add-on, which waits on `Calico.waitForReady`.
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * A NetworkPolicy isolating the controller pods (only them: their namespace, kube-system by
   * default, holds EKS's add-ons and gets no default deny): in, metrics from pods (the kubelet's
   * probes are always admitted); out, HTTPS to AWS APIs and the API server, DNS through the
   * node's resolver (the chart runs with dnsPolicy Default), and the EKS Pod Identity Agent
   * (169.254.170.23:80) with Pod Identity. Not the instance metadata service.
   * @default false
   */
  readonly networkPolicy?: boolean;
}

const CHART_REPOSITORY = "oci://public.ecr.aws/karpenter";

/** The chart's metrics port; its health port (8081) is probed by the kubelet only. */
const METRICS_PORT = 8080;
/** Where the EKS Pod Identity Agent serves credentials on every node. */
const POD_IDENTITY_AGENT = "169.254.170.23/32";

/** The controller's requests (and limits): upstream's getting-started sizing, 1 CPU and 1 GiB. */
const CONTROLLER_REQUESTS: Requests = { cpuMillis: 1000, memoryMiB: 1024 };

/** What the controller takes on the system nodes, for the capacity check. */
export function karpenterSystemWorkload(replicas = DEFAULT_CONTROLLER_REPLICAS): SystemWorkload {
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
  /** The controller's NetworkPolicy (`networkPolicy`), else undefined. */
  readonly networkPolicy?: NetworkPolicyV1;

  constructor(scope: Construct, id: string, props: KarpenterControllerProps) {
    super(scope, id);
    const p = parseProps(karpenterControllerPropsSchema, props, "KarpenterControllerProps", this);
    const { identity, namespace, serviceAccount, version, systemNodeSelector, replicas } = p;

    this.values = {
      settings: {
        clusterName: p.clusterName,
        clusterEndpoint: p.clusterEndpoint,
        interruptionQueue: p.interruptionQueueName,
        enableZonalShift: p.enableZonalShift,
      },
      serviceAccount: {
        create: true,
        name: serviceAccount,
        ...(identity === "irsa" && {
          annotations: { "eks.amazonaws.com/role-arn": p.controllerRoleArn },
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
      dependsOn: p.dependsOn,
    });
    const releaseName = "karpenter";
    if (p.networkPolicy) {
      this.networkPolicy = componentNetworkPolicy(this, "network-policy", namespace, {
        name: "karpenter-controller",
        podLabels: {
          "app.kubernetes.io/name": "karpenter",
          "app.kubernetes.io/instance": releaseName,
        },
        ingress: [{ peers: [CLUSTER_PODS], ports: [{ port: METRICS_PORT }] }],
        egress: [
          // EC2, SQS, SSM, pricing, STS, EKS and the API server, public or by VPC endpoint.
          { peers: [ANYWHERE], ports: [{ port: 443 }] },
          {
            peers: [ANYWHERE],
            ports: [
              { port: 53, protocol: "UDP" },
              { port: 53, protocol: "TCP" },
            ],
          },
          ...(identity === "pod-identity"
            ? [{ peers: [{ ipBlock: { cidr: POD_IDENTITY_AGENT } }], ports: [{ port: 80 }] }]
            : []),
        ],
      });
    }
    this.release = new Release(this, "release", {
      name: releaseName,
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
      dependsOn: [this.crdRelease, ...(this.networkPolicy ? [this.networkPolicy] : [])],
    });
  }
}
