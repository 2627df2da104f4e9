/**
 * Every pinned upstream version in one place. Bump them here, together, after reading the
 * upstream release notes; the snapshot tests show what a bump changes.
 */
export const VERSIONS = {
  /** Kubernetes minor versions the toolkit supports on EKS and on-prem. */
  kubernetes: ["1.32", "1.33", "1.34", "1.35"] as const,
  /**
   * Chart `tigera-operator` from https://docs.tigera.io/calico/charts (versions carry a `v`).
   * v3.31 rather than DESIGN.md's v3.30: the v3.30 line is no longer maintained, and v3.32+
   * stops shipping the CRDs in the chart.
   */
  calico: "v3.31.7",
  /** Chart `oci://public.ecr.aws/karpenter/karpenter` (1.x versions carry no `v`). */
  karpenter: "1.15.0",
  /** EKS-optimized AL2023 AMI release the default EC2NodeClass pins (`al2023@<version>`). */
  al2023Ami: "v20251108",
  /** Chart `metallb` from https://metallb.github.io/metallb. */
  metallb: "0.15.3",
  /**
   * Chart `nginx-ingress` at oci://ghcr.io/nginx/charts (F5 NGINX Ingress Controller 5.6.0).
   * 2.7.0, not 2.7.2: the rendered values are checked against 2.7.0's values.schema.json, and
   * 2.7.2's schema has not been read. Bump only after checking the values against the new one.
   */
  f5NginxIngress: "2.7.0",
  /** Chart `ingress-nginx`: the community project's final release (retired March 2026). */
  ingressNginx: "4.15.1",
} as const;

export type KubernetesVersion = (typeof VERSIONS.kubernetes)[number];
