import { ControllerChart, ResolvedIngressOptions } from "./options";

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
      service: { type: "LoadBalancer", annotations: o.serviceAnnotations },
    },
    prometheus: { create: o.metrics },
  }),
};
