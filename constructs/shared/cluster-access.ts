/** How a stack, or a step of it, reaches a cluster's API server. */
export type ClusterAccess = EksClusterAccess | KubeconfigAccess;

/** An EKS cluster, authenticated with a short-lived token from `aws eks get-token`. */
export interface EksClusterAccess {
  readonly kind: "eks";
  readonly clusterName: string;
  readonly region: string;
  /** API server URL; usually a reference to the cluster (a cross-stack output). */
  readonly endpoint: string;
  /** Base64 PEM of the cluster CA, as EKS reports it. */
  readonly certificateAuthorityData: string;
  /**
   * Role to assume for the token, when the caller's identity is not itself a cluster admin.
   * @default the caller's own identity
   */
  readonly roleArn?: string;
}

/** A cluster reached through a kubeconfig file on the machine that runs Terraform. */
export interface KubeconfigAccess {
  readonly kind: "kubeconfig";
  /** Path of the kubeconfig file; a leading `~/` is the home directory. */
  readonly path: string;
  readonly context: string;
}

/**
 * Arguments of `aws eks get-token` for the exec credential plugin. `--output json` because the
 * plugin protocol is JSON, and a user's `output = text` in ~/.aws/config would otherwise hand the
 * providers a token they cannot decode.
 */
export function eksGetTokenArgs(
  access: Pick<EksClusterAccess, "clusterName" | "region" | "roleArn">,
): string[] {
  return [
    "eks",
    "get-token",
    "--cluster-name",
    access.clusterName,
    "--region",
    access.region,
    ...(access.roleArn ? ["--role-arn", access.roleArn] : []),
    "--output",
    "json",
  ];
}

/** API version of the exec credential `aws eks get-token` prints. */
export const EKS_EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1";

/**
 * The kubeconfig `exec` credential plugin that fetches a short-lived EKS token with the AWS CLI.
 * The platform stack's providers and the day-2 tools (doctor, netbench) authenticate the same way.
 */
export function eksTokenExec(
  access: Pick<EksClusterAccess, "clusterName" | "region" | "roleArn">,
): { apiVersion: string; command: string; args: string[] } {
  return { apiVersion: EKS_EXEC_API_VERSION, command: "aws", args: eksGetTokenArgs(access) };
}
