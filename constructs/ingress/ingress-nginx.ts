import { ANYWHERE, CLUSTER_PODS } from "../shared/network-policy";
import { ControllerChart, ResolvedIngressOptions } from "./options";

/** The chart's controller ports: admission webhook and metrics. */
const WEBHOOK_PORT = 8443;
const METRICS_PORT = 10254;

/**
 * The community ingress-nginx controller (retired March 2026; final chart 4.15.1).
 *
 * Its validating admission webhook is served from the controller pod with `failurePolicy: Fail`.
 * Where the control plane cannot reach pod IPs (EKS with Calico as the CNI) every Ingress write
 * would then fail, so the webhook is turned off there: Ingress objects are no longer checked on
 * admission and a bad one surfaces as a failed reload in the controller log instead. The
 * alternative, `hostNetwork: true`, would bind ports 80/443/8443 on the nodes and clash with
 * anything else listening there.
 */
export const INGRESS_NGINX_CHART: ControllerChart = {
  repository: "https://kubernetes.github.io/ingress-nginx",
  chart: "ingress-nginx",
  versionKey: "ingressNginx",
  releaseName: "ingress-nginx",
  crdsInChart: false,
  values: (o: ResolvedIngressOptions) => ({
    controller: {
      replicaCount: o.replicas,
      // The chart renders its PodDisruptionBudget only when replicaCount > 1.
      ...(o.podDisruptionBudget ? { minAvailable: 1 } : {}),
      ingressClass: o.className,
      ingressClassResource: { name: o.className, enabled: true, default: o.defaultClass },
      resources: { requests: { cpu: o.resources.cpu, memory: o.resources.memory } },
      metrics: { enabled: o.metrics },
      service: {
        type: "LoadBalancer",
        annotations: o.serviceAnnotations,
        ...(o.loadBalancerSourceRanges.length > 0
          ? { loadBalancerSourceRanges: o.loadBalancerSourceRanges }
          : {}),
      },
      admissionWebhooks: { enabled: o.podsReachableFromControlPlane },
    },
  }),
  // The admission jobs need only DNS and the API server, which the namespace's default allows.
  networkPolicy: (o: ResolvedIngressOptions) => ({
    name: "ingress-nginx-controller",
    podLabels: {
      "app.kubernetes.io/name": "ingress-nginx",
      "app.kubernetes.io/instance": o.releaseName,
      "app.kubernetes.io/component": "controller",
    },
    ingress: [
      { peers: [ANYWHERE], ports: [{ port: 80 }, { port: 443 }] },
      ...(o.podsReachableFromControlPlane
        ? [
            {
              peers: o.apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } })),
              ports: [{ port: WEBHOOK_PORT }],
            },
          ]
        : []),
      ...(o.metrics ? [{ peers: [CLUSTER_PODS], ports: [{ port: METRICS_PORT }] }] : []),
    ],
    egress: [{ peers: [CLUSTER_PODS], ports: [] }],
  }),
};
