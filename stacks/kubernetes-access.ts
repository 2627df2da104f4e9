import { Fn } from "cdktf";
import { Construct } from "constructs";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { ClusterAccess, eksTokenExec } from "../constructs/shared/cluster-access";
import { declareStackCluster } from "../constructs/shared/pod-network-agreement";

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
    });
    return;
  }
  declareStackCluster(scope, access.clusterName);
  const exec = eksTokenExec(access);
  const host = access.endpoint;
  const clusterCaCertificate = Fn.base64decode(access.certificateAuthorityData);
  new KubernetesProvider(scope, "kubernetes", { host, clusterCaCertificate, exec: [exec] });
  new HelmProvider(scope, "helm", { kubernetes: { host, clusterCaCertificate, exec } });
}
