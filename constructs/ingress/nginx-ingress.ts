import { Annotations, ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { DataHelmTemplate } from "@cdktf/provider-helm/lib/data-helm-template";
import { Release } from "@cdktf/provider-helm/lib/release";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { HelmValues, Platform, mergeValues } from "../shared/kubernetes";
import { ManifestsRelease } from "../shared/manifests-release";
import { NamespaceSecurity, namespaceLevel, platformNamespace } from "../shared/namespace";
import { namespaceNetworkPolicies } from "../shared/network-policy";
import { PodNetworkMode, podNetworkTraits } from "../shared/pod-network";
import { declarePodNetworkMode } from "../shared/pod-network-agreement";
import { parseProps } from "../shared/validation/parse-props";
import { NginxController, ResolvedIngressOptions } from "./options";
import { nginxIngressPropsSchema } from "./props";

/** Expose the controller through an AWS Network Load Balancer (EKS only). */
export interface NlbExposure {
  readonly type: "nlb";
  /** @default "internal" */
  readonly scheme?: "internet-facing" | "internal";
  /**
   * The AWS Load Balancer Controller runs in the cluster (this toolkit does not install it).
   * When false, the NLB comes from the cloud provider built into EKS
   * (`aws-load-balancer-type: nlb`), which registers instance targets only. When true, the
   * Service is handed to the controller (`aws-load-balancer-type: external`) with `ip` targets
   * where pods have VPC addresses (the AWS VPC CNI) and `instance` targets with a Calico overlay.
   * @default false
   */
  readonly awsLoadBalancerController?: boolean;
  /**
   * Client CIDRs the NLB admits (the Service's `spec.loadBalancerSourceRanges`), which the cloud
   * provider built into EKS and the AWS Load Balancer Controller both turn into the security
   * group rules that admit clients.
   * @default any source (0.0.0.0/0)
   */
  readonly sourceRanges?: readonly string[];
}

/** Expose the controller on a MetalLB address (on-prem only). */
export interface MetalLbExposure {
  readonly type: "metallb";
  /** A fixed address from a MetalLB pool. @default any free address */
  readonly address?: string;
  /** The MetalLB pool to allocate from. @default any pool that auto-assigns */
  readonly pool?: string;
}

export interface NginxIngressProps {
  /**
   * `f5-nginx`: F5 NGINX Ingress Controller, maintained. `ingress-nginx`: the community
   * controller, retired since March 2026 with no releases and no CVE fixes since; kept only for
   * clusters that still run it, and synth warns.
   * @default "f5-nginx"
   */
  readonly controller?: NginxController;
  readonly tier: "dev" | "staging" | "prod";
  /**
   * Controller pods. With 2 or more, a PodDisruptionBudget keeps one up during node drains.
   * @default 1 in dev, 2 elsewhere
   */
  readonly replicas?: number;
  /** IngressClass name teams put in `spec.ingressClassName`. @default "nginx" */
  readonly className?: string;
  /** Mark the IngressClass as the cluster default (for Ingresses naming no class). @default true */
  readonly defaultClass?: boolean;
  readonly exposure: NlbExposure | MetalLbExposure;
  /** Decides NLB target types and whether the control plane can reach webhook pods. */
  readonly podNetworkMode: PodNetworkMode;
  readonly platform: Platform;
  /** Prometheus metrics endpoint on the controller. @default true */
  readonly metrics?: boolean;
  /**
   * Controller resource requests: a CPU and a memory quantity.
   * @default { cpu: "250m", memory: "256Mi" } (each one left out takes its default)
   */
  readonly resources?: { readonly cpu?: string; readonly memory?: string };
  /**
   * The controller's namespace, created by this construct (adopted when it exists). Not a
   * namespace the cluster owns (`kube-system`, `default`, ...): refused at synth.
   * @default the controller's release name: "nginx-ingress" (F5) or "ingress-nginx"
   */
  readonly namespace?: string;
  /** Chart version. @default VERSIONS.f5NginxIngress or VERSIONS.ingressNginx */
  readonly version?: string;
  /**
   * Escape hatch: chart values deep-merged over the rendered ones last (objects merge, arrays and
   * scalars replace, null removes a chart default). Nothing here is validated; prefer props.
   * @default no override
   */
  readonly valuesOverride?: Readonly<HelmValues>;
  /**
   * Refuse to destroy or replace the release holding the controller's CRDs (Terraform
   * `prevent_destroy`), when the chart ships CRDs (F5). Its CRDs are kept on uninstall either
   * way (`helm.sh/resource-policy: keep`), since teams' VirtualServers, Policies and
   * TransportServers are custom resources of them.
   * @default true outside dev
   */
  readonly protectCrds?: boolean;
  /** Waits for these before installing, e.g. the load balancer's pools or the nodes. @default none */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * The controller's namespace: Pod Security level `restricted` (both controllers' pods, and
   * ingress-nginx's admission jobs, pass it as rendered here), and optionally a default-deny
   * NetworkPolicy with the controller's allows: 80 and 443 from anywhere (the load balancer
   * forwards clients), metrics from pods, the admission webhook from the API server where it is
   * on; out to backends in any namespace, DNS and the API server.
   * @default restricted, enforced at the latest version; no NetworkPolicies
   */
  readonly namespaceSecurity?: NamespaceSecurity;
}

const AWS_LB = "service.beta.kubernetes.io/aws-load-balancer";

/** The synth warning for the retired community controller: what happened and what to use. */
export const INGRESS_NGINX_RETIRED =
  "ingress-nginx is retired since March 2026: no releases and no CVE fixes since, so its known " +
  'vulnerabilities stay open; use controller "f5-nginx" (the F5 NGINX Ingress Controller; ' +
  "Ingress annotations move from nginx.ingress.kubernetes.io/* to nginx.org/*, see docs/versions.md)";

/**
 * An nginx ingress controller behind a LoadBalancer Service: an NLB on EKS, a MetalLB address
 * on-prem, with a (by default cluster-default) IngressClass teams can name.
 */
export class NginxIngress extends Construct {
  readonly controller: NginxController;
  readonly release: Release;
  /**
   * The release holding the controller's CRDs, when its chart ships them (F5): they upgrade
   * with the chart version, and the controller release skips them.
   */
  readonly crdRelease?: Release;
  /** The rendered chart values, after `valuesOverride`. */
  readonly values: HelmValues;
  readonly namespace: string;
  readonly className: string;
  /** The namespace resource, with its Pod Security labels. */
  readonly namespaceResource: NamespaceV1;
  /** The namespace's NetworkPolicies (`namespaceSecurity.networkPolicies`), else none. */
  readonly networkPolicies: readonly NetworkPolicyV1[];

  constructor(scope: Construct, id: string, props: NginxIngressProps) {
    super(scope, id);
    const p = parseProps(nginxIngressPropsSchema, props, "NginxIngressProps", this);
    declarePodNetworkMode(this, { modes: [p.podNetworkMode], inStackCluster: true });
    const { chart, version } = p;
    this.controller = p.controller;
    const options = resolveOptions(p);
    if (this.controller === "ingress-nginx") {
      Annotations.of(this).addWarning(INGRESS_NGINX_RETIRED);
    }

    this.className = options.className;
    this.namespace = p.namespace;
    this.values = mergeValues(chart.values(options), p.valuesOverride);
    const security = p.namespaceSecurity;
    this.namespaceResource = platformNamespace(this, "namespace", {
      name: this.namespace,
      ...namespaceLevel(security, "restricted"),
      podSecurityVersion: security.podSecurityVersion,
    });
    this.networkPolicies = security.networkPolicies
      ? namespaceNetworkPolicies(this, {
          namespace: this.namespace,
          components: [chart.networkPolicy(options)],
          apiServerCidrs: security.apiServerCidrs,
          dependsOn: [this.namespaceResource],
        })
      : [];
    const inNamespace = [this.namespaceResource, ...this.networkPolicies];
    if (chart.crdsInChart) {
      // Helm installs a chart's crds/ once and never upgrades them, so after a version bump
      // the custom resources would meet stale schemas. The CRDs are read out of the very chart
      // version the controller runs (at plan time) and installed as templates of a release of
      // their own, which Helm does upgrade. Uninstalling that release (or renaming it) would delete
      // the CRDs and with them every team's VirtualServer, Policy and TransportServer cluster-wide:
      // the CRDs are kept, and the release is protected outside dev.
      const source = new DataHelmTemplate(this, "crd-source", {
        name: `${chart.releaseName}-crds`,
        namespace: this.namespace,
        repository: chart.repository,
        chart: chart.chart,
        version,
      });
      this.crdRelease = new ManifestsRelease(this, "crds", {
        releaseName: `${chart.releaseName}-crds`,
        namespace: this.namespace,
        documents: source.crds,
        // Clusters installed before this release have the CRDs from the controller's crds/,
        // without Helm ownership metadata; adopt them instead of failing on "already exists".
        takeOwnership: true,
        keep: true,
        protect: p.protectCrds,
        dependsOn: [...(p.dependsOn ?? []), ...inNamespace],
      }).release;
    }
    this.release = new Release(this, "controller", {
      name: chart.releaseName,
      repository: chart.repository,
      chart: chart.chart,
      version,
      namespace: this.namespace,
      wait: true,
      values: [JSON.stringify(this.values)],
      ...(this.crdRelease ? { skipCrds: true } : {}),
      dependsOn: [...(this.crdRelease ? [this.crdRelease] : (p.dependsOn ?? [])), ...inNamespace],
    });
  }
}

type ParsedProps = ReturnType<typeof nginxIngressPropsSchema.parse>;

function resolveOptions(p: ParsedProps): ResolvedIngressOptions {
  const traits = podNetworkTraits(p.podNetworkMode);
  return {
    releaseName: p.chart.releaseName,
    apiServerCidrs: p.namespaceSecurity.apiServerCidrs,
    loadBalancerSourceRanges: p.exposure.type === "nlb" ? (p.exposure.sourceRanges ?? []) : [],
    replicas: p.replicas,
    podDisruptionBudget: p.replicas >= 2,
    className: p.className,
    defaultClass: p.defaultClass,
    serviceAnnotations: serviceAnnotations(p),
    metrics: p.metrics,
    resources: p.resources,
    podsReachableFromControlPlane: p.platform !== "eks" || traits.cni === "aws-vpc-cni",
  };
}

function serviceAnnotations({ exposure, podNetworkMode }: ParsedProps): Record<string, string> {
  if (exposure.type === "nlb") {
    const internal = exposure.scheme === "internal";
    if (!exposure.awsLoadBalancerController) {
      // The cloud provider inside EKS builds the NLB; it knows `internal` but not `scheme`, and
      // makes internet-facing load balancers unless told otherwise.
      return {
        [`${AWS_LB}-type`]: "nlb",
        ...(internal ? { [`${AWS_LB}-internal`]: "true" } : {}),
      };
    }
    // `ip` targets send traffic straight to pod addresses, which only exist in the VPC when the
    // AWS VPC CNI gives pods VPC IPs; overlay pods are reached through node ports.
    const vpcPodIps = podNetworkTraits(podNetworkMode).cni === "aws-vpc-cni";
    return {
      [`${AWS_LB}-type`]: "external",
      [`${AWS_LB}-nlb-target-type`]: vpcPodIps ? "ip" : "instance",
      [`${AWS_LB}-scheme`]: internal ? "internal" : "internet-facing",
    };
  }
  return {
    ...(exposure.address ? { "metallb.io/loadBalancerIPs": exposure.address } : {}),
    ...(exposure.pool ? { "metallb.io/address-pool": exposure.pool } : {}),
  };
}
