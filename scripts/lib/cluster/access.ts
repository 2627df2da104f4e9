import * as os from "os";
import * as path from "path";
import { DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import type { Environment } from "../../../stacks/environment/schema";
import { eksTokenExec } from "../../../constructs/shared/cluster-access";
import { awsCall } from "./aws-call";
import { KubeConfig } from "./kubernetes-client";

/** Command-line overrides of how an environment's cluster is reached. */
export interface AccessOverrides {
  /** A kubeconfig file to use instead of the environment's own access. */
  readonly kubeconfig?: string;
  /** Context in that kubeconfig. @default the environment's context on-prem, else the file's current one */
  readonly context?: string;
}

function expandHome(file: string): string {
  return file === "~" || file.startsWith("~/") ? path.join(os.homedir(), file.slice(1)) : file;
}

function fromFile(file: string, context: string | undefined): KubeConfig {
  const config = new KubeConfig();
  try {
    config.loadFromFile(expandHome(file));
  } catch (cause) {
    throw new Error(`cannot read kubeconfig ${file}: ${(cause as Error).message}`, { cause });
  }
  if (context !== undefined) {
    if (!config.getContextObject(context)) {
      throw new Error(`kubeconfig ${file} has no context "${context}"`);
    }
    config.setCurrentContext(context);
  }
  return config;
}

/**
 * A client configuration for the environment's cluster, reached the way its platform stack reaches
 * it: on-prem through the kubeconfig path and context it names; on EKS through the cluster's
 * endpoint and CA (DescribeCluster) and a token from `aws eks get-token` on every request.
 */
export async function kubeConfigFor(
  env: Environment,
  overrides: AccessOverrides = {},
  eks?: EKSClient,
  signal?: AbortSignal,
): Promise<KubeConfig> {
  if (overrides.kubeconfig !== undefined) {
    const context =
      overrides.context ?? (env.platform === "onprem" ? env.kubeconfig.context : undefined);
    return fromFile(overrides.kubeconfig, context);
  }
  if (env.platform === "onprem") {
    return fromFile(env.kubeconfig.path, overrides.context ?? env.kubeconfig.context);
  }
  const client = eks ?? new EKSClient({ region: env.aws.region });
  const { cluster } = await awsCall(
    "eks:DescribeCluster",
    (abortSignal) =>
      client.send(new DescribeClusterCommand({ name: env.cluster.name }), { abortSignal }),
    {
      signal,
      credentialsHint: "or reach the cluster with --kubeconfig <file> [--context <name>]",
    },
  );
  if (!cluster?.endpoint || !cluster.certificateAuthority?.data) {
    throw new Error(
      `EKS cluster ${env.cluster.name} in ${env.aws.region} has no endpoint yet (status ${cluster?.status ?? "unknown"})`,
    );
  }
  const config = new KubeConfig();
  const name = env.cluster.name;
  config.loadFromOptions({
    clusters: [{ name, server: cluster.endpoint, caData: cluster.certificateAuthority.data }],
    users: [
      {
        name,
        exec: eksTokenExec({ clusterName: name, region: env.aws.region }),
      },
    ],
    contexts: [{ name, cluster: name, user: name }],
    currentContext: name,
  });
  return config;
}
