/** Kubernetes minor versions the toolkit supports on EKS and on-prem. */
const KUBERNETES_VERSIONS = ["1.32", "1.33", "1.34", "1.35"] as const;

export type KubernetesVersion = (typeof KUBERNETES_VERSIONS)[number];

/**
 * Every pinned upstream version in one place. Bump them here, together, after reading the
 * upstream release notes; the snapshot tests show what a bump changes.
 */
export const VERSIONS = {
  kubernetes: KUBERNETES_VERSIONS,
  /**
   * Chart `tigera-operator` from https://docs.tigera.io/calico/charts (versions carry a `v`).
   * v3.31 rather than v3.30: the v3.30 line is no longer maintained, and v3.32+
   * stops shipping the CRDs in the chart.
   */
  calico: "v3.31.7",
  /**
   * Charts `oci://public.ecr.aws/karpenter/karpenter` and `karpenter-crd` (1.x versions carry no
   * `v`). The controller policy (`controller-policy.ts`) is the one of this version's getting
   * started template (`website/content/en/v1.14/getting-started/getting-started-with-karpenter/
   * cloudformation.yaml` in aws/karpenter-provider-aws), and every chart value the constructs set
   * exists in this version's `charts/karpenter/values.yaml`: bump all three together.
   */
  karpenter: "1.14.1",
  /**
   * EKS-optimized AL2023 AMI release (`al2023@<release>`) per Kubernetes version. An alias
   * resolves to the image built for the cluster's version, and a release holds images only for
   * the versions EKS supported when it was built (v20251108 has none for 1.35, which EKS launched
   * in January 2026): an EC2NodeClass pointing at a release without the cluster's version never
   * becomes Ready, and no node launches. Each entry was checked against the release notes
   * (github.com/awslabs/amazon-eks-ami, release v20261119: AL2023 images for Kubernetes 1.31
   * through 1.37). A cluster upgrade bumps both together: a new `kubernetesVersion` takes its own
   * entry, and a caller's explicit `amiVersion` must be at least that entry (`al2023AmiProblem`).
   */
  al2023Ami: {
    "1.32": "v20261119",
    "1.33": "v20261119",
    "1.34": "v20261119",
    "1.35": "v20261119",
  } satisfies Record<KubernetesVersion, string>,
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
