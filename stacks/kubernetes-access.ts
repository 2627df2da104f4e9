import { Fn, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { HelmProvider, type HelmProviderConfig } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { ClusterAccess, eksTokenExec } from "../constructs/shared/cluster-access";
import { declareStackCluster } from "../constructs/shared/pod-network-agreement";

/**
 * The Terraform variable that turns on the helm provider's `experiments { manifest = true }`: the
 * plan then carries each release's rendered objects, so a review sees which objects Helm deletes
 * or changes (`npm run plan` sets it). Off by default: with it on, planning a release whose custom
 * resources need CRDs not yet in the cluster fails (Helm's dry run cannot map their kinds), as on
 * a fresh cluster's first deploy.
 */
export const RENDERED_MANIFESTS_VARIABLE = "helm_rendered_manifests";

/** The helm provider's experiments, switched by {@link RENDERED_MANIFESTS_VARIABLE}. */
function experiments(scope: Construct): HelmProviderConfig["experiments"] {
  const variable = new TerraformVariable(scope, RENDERED_MANIFESTS_VARIABLE, {
    type: "bool",
    default: false,
    nullable: false,
    description:
      "Put each helm_release's rendered manifest in the plan (the helm provider's manifest experiment); fails while a release's CRDs are not in the cluster yet",
  });
  return { manifest: variable.booleanValue };
}

/**
 * Configures the kubernetes and helm providers for one cluster. On EKS they authenticate with a
 * short-lived token from `aws eks get-token` on every run, never a token stored in state.
 */
export function kubernetesProviders(scope: Construct, access: ClusterAccess): void {
  if (access.kind === "kubeconfig") {
    new KubernetesProvider(scope, "kubernetes", {
      configPath: access.path,
      configContext: access.context,
    });
    new HelmProvider(scope, "helm", {
      kubernetes: { configPath: access.path, configContext: access.context },
      experiments: experiments(scope),
    });
    return;
  }
  declareStackCluster(scope, access.clusterName);
  const exec = eksTokenExec(access);
  const host = access.endpoint;
  const clusterCaCertificate = Fn.base64decode(access.certificateAuthorityData);
  new KubernetesProvider(scope, "kubernetes", { host, clusterCaCertificate, exec: [exec] });
  new HelmProvider(scope, "helm", {
    kubernetes: { host, clusterCaCertificate, exec },
    experiments: experiments(scope),
  });
}
