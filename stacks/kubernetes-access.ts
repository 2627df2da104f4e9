import { Fn } from "cdktf";
import { Construct } from "constructs";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";

/** How the platform stack reaches its cluster. */
export type ClusterAccess =
  | {
      readonly kind: "eks";
      readonly clusterName: string;
      readonly region: string;
      /** Cross-stack references to the infra stack's cluster. */
      readonly endpoint: string;
      readonly certificateAuthorityData: string;
      /** Role to assume for `aws eks get-token`, when the pipeline's identity is not an admin itself. */
      readonly roleArn?: string;
    }
  | { readonly kind: "kubeconfig"; readonly path: string; readonly context: string };

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
  const exec = eksTokenExec(access);
  const host = access.endpoint;
  const clusterCaCertificate = Fn.base64decode(access.certificateAuthorityData);
  new KubernetesProvider(scope, "kubernetes", { host, clusterCaCertificate, exec: [exec] });
  new HelmProvider(scope, "helm", { kubernetes: { host, clusterCaCertificate, exec } });
}

/**
 * The kubeconfig `exec` credential plugin that fetches a short-lived EKS token with the AWS CLI.
 * The platform stack's providers and the day-2 tools (doctor, netbench) authenticate the same way.
 */
export function eksTokenExec(
  access: Pick<Extract<ClusterAccess, { kind: "eks" }>, "clusterName" | "region" | "roleArn">,
): { apiVersion: string; command: string; args: string[] } {
  const args = [
    "eks",
    "get-token",
    "--cluster-name",
    access.clusterName,
    "--region",
    access.region,
  ];
  if (access.roleArn) args.push("--role-arn", access.roleArn);
  return { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args };
}
