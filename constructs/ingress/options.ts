import { HelmValues } from "../shared/kubernetes";
import type { ComponentPolicy } from "../shared/network-policy";
import type { ChartName } from "../versions";

/** Every `NginxController`. */
export const NGINX_CONTROLLERS = ["f5-nginx", "ingress-nginx"] as const;
/** The two nginx controllers `NginxIngress` can install. */
export type NginxController = (typeof NGINX_CONTROLLERS)[number];

/** `NginxIngressProps` with defaults applied and exposure turned into Service annotations. */
export interface ResolvedIngressOptions {
  readonly replicas: number;
  /** Render a PodDisruptionBudget keeping one pod up (only meaningful with 2+ replicas). */
  readonly podDisruptionBudget: boolean;
  readonly className: string;
  readonly defaultClass: boolean;
  readonly serviceAnnotations: Readonly<Record<string, string>>;
  readonly metrics: boolean;
  readonly resources: { readonly cpu: string; readonly memory: string };
  /**
   * Whether the API server can reach pod IPs. False on EKS with Calico as the CNI: the control
   * plane is outside the overlay, so an admission webhook served from a pod times out.
   */
  readonly podsReachableFromControlPlane: boolean;
  /** Client ranges the load balancer admits (`spec.loadBalancerSourceRanges`); empty for any. */
  readonly loadBalancerSourceRanges: readonly string[];
  /** Release name, which the chart puts in its pods' `app.kubernetes.io/instance` label. */
  readonly releaseName: string;
  /** Where the API server's endpoints are, the caller of an admission webhook. */
  readonly apiServerCidrs: readonly string[];
}

/** Where a controller's chart lives and how the resolved options map onto its values. */
export interface ControllerChart {
  readonly repository: string;
  readonly chart: string;
  /** The `VERSIONS` entry pinning the chart, and the format of its versions. */
  readonly versionKey: ChartName;
  /** Helm release name, also the default namespace. */
  readonly releaseName: string;
  /**
   * The chart ships CRDs in `crds/`, which Helm installs on first install and never upgrades.
   * `NginxIngress` then installs them as a release of their own and the controller skips them.
   */
  readonly crdsInChart: boolean;
  readonly values: (options: ResolvedIngressOptions) => HelmValues;
  /** The controller pods' NetworkPolicy: their labels and ports as the chart renders them. */
  readonly networkPolicy: (options: ResolvedIngressOptions) => ComponentPolicy;
}
