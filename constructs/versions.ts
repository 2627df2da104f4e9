/**
 * Kubernetes minor versions the toolkit accepts: each has an EKS calendar entry and an AL2023 AMI
 * release pinned below. Accepted is not supported: the calendar (`eksSupportFindings`) and the
 * pinned components' ranges (`componentSupportFindings`) decide whether a version may be used.
 */
const KUBERNETES_VERSIONS = ["1.32", "1.33", "1.34", "1.35", "1.36"] as const;

export type KubernetesVersion = (typeof KUBERNETES_VERSIONS)[number];

/**
 * Every pinned upstream version in one place. Bump them here, together, after reading the
 * upstream release notes; the snapshot tests show what a bump changes. Each entry names the
 * upstream artifacts that were read for it: pin only what can be read (docs/versions.md).
 */
export const VERSIONS = {
  kubernetes: KUBERNETES_VERSIONS,
  /**
   * Charts `tigera-operator` and `crd.projectcalico.org.v1` from https://docs.tigera.io/calico/charts
   * (versions carry a `v`), installed together at this one version.
   *
   * Read for v3.32.1 (projectcalico/calico tag v3.32.1): the tigera-operator chart's values.yaml
   * and templates (no values schema upstream), the `crd.projectcalico.org.v1` chart (its
   * templates are the CRDs: from v3.32 the operator chart ships none), the Installation, APIServer,
   * Goldmane, Whisker, IPPool, BGPConfiguration, BGPPeer and FelixConfiguration CRDs, the v3.32.0
   * and v3.32.1 release notes, and the Kubernetes versions v3.32 is tested on (tigera/docs
   * `calico_versioned_docs/version-3.32`, system requirements: 1.34, 1.35, 1.36). The operator
   * the chart runs (tigera/operator v1.42.3) was read for how it manages CRDs (`-manage-crds`) and
   * IP pools (keyed by CIDR, updated in place by name).
   */
  calico: "v3.32.1",
  /**
   * Charts `oci://public.ecr.aws/karpenter/karpenter` and `karpenter-crd` (1.x versions carry no
   * `v`). The controller policy (`controller-policy.ts`) is the one of this version's getting
   * started template (`website/content/en/v1.14/getting-started/getting-started-with-karpenter/
   * cloudformation.yaml` in aws/karpenter-provider-aws), and every chart value the constructs set
   * exists in this version's `charts/karpenter/values.yaml`: bump all three together.
   *
   * Read for 1.14.1 (branch release-v1.14.1, the released chart): both charts' values.yaml and
   * templates, the NodePool and EC2NodeClass CRDs, `cloudformation.yaml`, the v1.14 upgrade guide
   * and compatibility matrix (Kubernetes 1.26 to 1.36). 1.15 exists upstream; its artifacts were
   * not available to read, so it is not pinned.
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
    "1.36": "v20261119",
  } satisfies Record<KubernetesVersion, string>,
  /**
   * Chart `metallb` from https://metallb.github.io/metallb, with its `frr-k8s` 0.0.25 dependency.
   *
   * Read for 0.16.1 (metallb/metallb tag v0.16.1): values.yaml, values.schema.json and templates
   * (FRR-K8s is the default BGP backend; `speaker.frr.enabled` fails to render beside it; metrics
   * and TLS settings moved under `tls.*`), the metallb.io CRDs and the frrk8s.metallb.io CRDs of
   * frr-k8s 0.0.25. The constructs render the values with this chart (docs/versions.md).
   */
  metallb: "0.16.1",
  /**
   * Chart `nginx-ingress` at oci://ghcr.io/nginx/charts (F5 NGINX Ingress Controller 5.5.4).
   *
   * Read for 2.6.4 (nginx/kubernetes-ingress tag v5.5.4, the newest tag in the repository as read
   * on 2026-08-21): values.yaml, values.schema.json, templates and CRDs; the rendered values are
   * checked against that schema. Not 2.7.0: the 2.7.0 that was read came from the main branch,
   * which upstream says always names the next, unreleased chart (nginx/kubernetes-ingress issue
   * 10132); NIC 5.6.x has shipped since (PR 10867, "update to 5.6.2", September 2026), but no
   * released 2.7.x chart could be read to check the values against.
   */
  f5NginxIngress: "2.6.4",
  /**
   * Chart `ingress-nginx`: the community project's final release (retired March 2026; no
   * releases and no CVE fixes since). Read for 4.15.1: values.yaml and templates.
   */
  ingressNginx: "4.15.1",
} as const;

/** The pinned charts (every `VERSIONS` entry but Kubernetes and the AMI table). */
export type ChartName = Exclude<keyof typeof VERSIONS, "kubernetes" | "al2023Ami">;

/**
 * What a version of each chart looks like: the major line the constructs' values are written for,
 * with or without the `v` its repository uses. A construct's `version` prop must match; anything
 * past the pinned version is the caller's to check against the chart's values.
 */
export const CHART_VERSION_FORMATS: Readonly<
  Record<ChartName, { readonly label: string; readonly pattern: RegExp }>
> = {
  calico: { label: "tigera-operator v3.x", pattern: /^v3\.\d+\.\d+$/ },
  karpenter: { label: "Karpenter 1.x", pattern: /^1\.\d+\.\d+$/ },
  metallb: { label: "MetalLB 0.x", pattern: /^0\.\d+\.\d+$/ },
  f5NginxIngress: { label: "F5 nginx-ingress 2.x", pattern: /^2\.\d+\.\d+$/ },
  ingressNginx: { label: "ingress-nginx 4.x", pattern: /^4\.\d+\.\d+$/ },
};

/** Dates (`YYYY-MM-DD`, UTC) of one Kubernetes minor version on Amazon EKS. */
export interface EksVersionDates {
  readonly eksRelease: string;
  /** From this day on the version is in extended support (billed) or auto-upgraded. */
  readonly endOfStandardSupport: string;
  /** From this day on EKS creates no cluster of the version and upgrades existing ones. */
  readonly endOfExtendedSupport: string;
  /** Where the dates come from. */
  readonly source: string;
  /** False while AWS's own calendar has not been read to confirm the dates. */
  readonly confirmed: boolean;
}

const AWS_CALENDAR =
  "Amazon EKS user guide, Kubernetes release calendar (awsdocs/amazon-eks-user-guide, kubernetes-versions)";

/**
 * The EKS release calendar: the one place its dates live. Billing for extended support starts at
 * the beginning of the end-of-standard-support day, UTC. Standard support lasts 14 months from
 * the EKS release and extended support 12 more, which the dates below follow.
 */
export const EKS_CALENDAR: Readonly<Record<KubernetesVersion, EksVersionDates>> = {
  "1.32": {
    eksRelease: "2025-01-23",
    endOfStandardSupport: "2026-03-23",
    endOfExtendedSupport: "2027-03-23",
    source: AWS_CALENDAR,
    confirmed: true,
  },
  "1.33": {
    eksRelease: "2025-05-29",
    endOfStandardSupport: "2026-07-29",
    endOfExtendedSupport: "2027-07-29",
    source: AWS_CALENDAR,
    confirmed: true,
  },
  "1.34": {
    eksRelease: "2025-10-02",
    endOfStandardSupport: "2026-12-02",
    endOfExtendedSupport: "2027-12-02",
    source: AWS_CALENDAR,
    confirmed: true,
  },
  "1.35": {
    eksRelease: "2026-01-27",
    endOfStandardSupport: "2027-03-27",
    endOfExtendedSupport: "2028-03-27",
    source: `${AWS_CALENDAR}, as quoted in 2026; endoflife.date agrees`,
    confirmed: true,
  },
  "1.36": {
    // Not read from AWS's calendar: secondary sources (a blog post of 2026-08 giving the EKS
    // release and the end of standard support, a third-party table giving both ends), which
    // agree with each other and with the 14 + 12 month rule.
    eksRelease: "2026-06-02",
    endOfStandardSupport: "2027-08-02",
    endOfExtendedSupport: "2028-08-02",
    source: "secondary sources only; check AWS's calendar (`aws eks describe-cluster-versions`)",
    confirmed: false,
  },
};

/** An inclusive range of Kubernetes minor versions; `max` undefined for no upper bound. */
export interface KubernetesRange {
  readonly min: string;
  readonly max?: string;
}

/** Which Kubernetes versions a pinned chart runs on, and what says so. */
export interface ComponentSupport {
  /** The component as messages name it, with its pinned version. */
  readonly label: string;
  readonly kubernetes: KubernetesRange;
  /** `tested`: upstream tests these; `supported`: upstream's compatibility matrix; `kubeVersion`: the chart's own constraint, which Helm enforces. */
  readonly basis: "tested" | "supported" | "kubeVersion";
}

/**
 * The Kubernetes versions each pinned chart runs on, for the version `VERSIONS` pins. Bump an
 * entry with its chart.
 */
export const COMPONENT_SUPPORT: Readonly<Record<ChartName, ComponentSupport>> = {
  // tigera/docs, Calico v3.32 system requirements; the chart has no kubeVersion.
  calico: {
    label: `Calico ${VERSIONS.calico}`,
    kubernetes: { min: "1.34", max: "1.36" },
    basis: "tested",
  },
  // Karpenter's v1.14 compatibility matrix: 1.36 needs 1.13 or later, 1.26 is the oldest listed.
  karpenter: {
    label: `Karpenter ${VERSIONS.karpenter}`,
    kubernetes: { min: "1.26", max: "1.36" },
    basis: "supported",
  },
  // Chart.yaml `kubeVersion: '>= 1.19.0-0'` (and the frr-k8s dependency's, the same).
  metallb: {
    label: `MetalLB ${VERSIONS.metallb}`,
    kubernetes: { min: "1.19" },
    basis: "kubeVersion",
  },
  // Chart.yaml `kubeVersion: ">= 1.25.0-0"`.
  f5NginxIngress: {
    label: `F5 nginx-ingress ${VERSIONS.f5NginxIngress}`,
    kubernetes: { min: "1.25" },
    basis: "kubeVersion",
  },
  // Chart.yaml `kubeVersion: '>=1.21.0-0'`.
  ingressNginx: {
    label: `ingress-nginx ${VERSIONS.ingressNginx}`,
    kubernetes: { min: "1.21" },
    basis: "kubeVersion",
  },
};
