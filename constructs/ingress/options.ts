import { HelmValues } from "../shared/kubernetes";

/** The two nginx controllers `NginxIngress` can install. */
export type NginxController = "f5-nginx" | "ingress-nginx";

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
}

/** Where a controller's chart lives and how the resolved options map onto its values. */
export interface ControllerChart {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
  /** Helm release name, also the default namespace. */
  readonly releaseName: string;
  /**
   * The chart ships CRDs in `crds/`, which Helm installs on first install and never upgrades.
   * `NginxIngress` then installs them as a release of their own and the controller skips them.
   */
  readonly crdsInChart: boolean;
  readonly values: (options: ResolvedIngressOptions) => HelmValues;
}
