import * as path from "path";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import type { ClusterAccess } from "../cluster-access";

/**
 * The step scripts (and the cluster-access.sh they source) as one asset of the stack, so a step's
 * local-exec runs `<asset>/<script>` from the stack's own copy.
 */
export function stepScripts(scope: Construct): { readonly path: (script: string) => string } {
  const asset = new TerraformAsset(scope, "script", {
    path: path.join(__dirname, "scripts"),
    type: AssetType.DIRECTORY,
  });
  return { path: (script) => `${asset.path}/${script}` };
}

/** The environment cluster-access.sh reads to reach the cluster. */
export function accessEnvironment(access: ClusterAccess): Record<string, string> {
  if (access.kind === "kubeconfig") {
    return {
      ACCESS_KIND: "kubeconfig",
      KUBECONFIG_PATH: access.path,
      KUBECONFIG_CONTEXT: access.context,
    };
  }
  return {
    ACCESS_KIND: "eks",
    CLUSTER_NAME: access.clusterName,
    CLUSTER_REGION: access.region,
    CLUSTER_ENDPOINT: access.endpoint,
    CLUSTER_CA_DATA: access.certificateAuthorityData,
    ...(access.roleArn ? { CLUSTER_ROLE_ARN: access.roleArn } : {}),
  };
}
