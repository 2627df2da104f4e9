import { ANYWHERE, CLUSTER_PODS } from "../shared/network-policy";
import { ControllerChart, ResolvedIngressOptions } from "./options";

/** The chart's default `prometheus.port`. */
const METRICS_PORT = 9113;

/**
 * F5 NGINX Ingress Controller (chart `nginx-ingress`). The chart has no admission webhook, so
 * it needs nothing special when the control plane cannot reach pod IPs. Its CRDs (VirtualServer,
 * Policy, TransportServer, ...) live in the chart's `crds/`; F5 publishes no CRD chart and tells
 * users to `kubectl apply` them before each upgrade, so `NginxIngress` keeps them in a release of
 * their own. Every value rendered here is checked against the chart's values.schema.json.
 */
export const F5_NGINX_CHART: ControllerChart = {
  repository: "oci://ghcr.io/nginx/charts",
  chart: "nginx-ingress",
  versionKey: "f5NginxIngress",
  releaseName: "nginx-ingress",
  crdsInChart: true,
  values: (o: ResolvedIngressOptions) => ({
    controller: {
      replicaCount: o.replicas,
      ingressClass: { name: o.className, create: true, setAsDefaultIngress: o.defaultClass },
      resources: { requests: { cpu: o.resources.cpu, memory: o.resources.memory } },
      podDisruptionBudget: o.podDisruptionBudget
        ? { enabled: true, minAvailable: 1 }
        : { enabled: false },
      service: {
        type: "LoadBalancer",
        annotations: o.serviceAnnotations,
        ...(o.loadBalancerSourceRanges.length > 0
          ? { loadBalancerSourceRanges: o.loadBalancerSourceRanges }
          : {}),
      },
    },
    prometheus: { create: o.metrics },
  }),
  // The readiness port (8081) is probed by the kubelet, whose traffic policy always admits.
  networkPolicy: (o: ResolvedIngressOptions) => ({
    name: "nginx-ingress-controller",
    podLabels: {
      "app.kubernetes.io/name": "nginx-ingress",
      "app.kubernetes.io/instance": o.releaseName,
    },
    ingress: [
      { peers: [ANYWHERE], ports: [{ port: 80 }, { port: 443 }] },
      ...(o.metrics ? [{ peers: [CLUSTER_PODS], ports: [{ port: METRICS_PORT }] }] : []),
    ],
    // Backends are pods of any namespace, on any port.
    egress: [{ peers: [CLUSTER_PODS], ports: [] }],
  }),
};
