import * as os from "os";
import * as path from "path";
import { DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import type { Environment } from "../../../stacks/environment/schema";
import { eksTokenExec } from "../../../constructs/shared/cluster-access";
import {
  displayLine,
  displayName,
  displayValue,
} from "../../../constructs/shared/validation/display";
import { readBoundedFile } from "../bounded-file";
import { awsCall } from "./aws-call";
import { KubeConfig } from "./kubernetes-client";

/** Command-line overrides of how an environment's cluster is reached. */
export interface AccessOverrides {
  /** A kubeconfig file to use instead of the environment's own access. */
  readonly kubeconfig?: string;
  /** Context in that kubeconfig. @default the environment's context on-prem, else the file's current one */
  readonly context?: string;
}

/** The most of a kubeconfig read: certificates inline make it kilobytes, not megabytes. */
const MAX_KUBECONFIG_BYTES = 4 * 1024 * 1024;

function expandHome(file: string): string {
  return file === "~" || file.startsWith("~/") ? path.join(os.homedir(), file.slice(1)) : file;
}

/** A kubeconfig that cannot be used: the step that failed, and what to do about it. */
export class ClusterAccessError extends Error {
  constructor(
    /** `read kubeconfig <file>` */
    readonly call: string,
    message: string,
    /** What to try next. */
    readonly next: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "ClusterAccessError";
  }
}

/** The hint for a kubeconfig from the command line. */
const OPTIONS_NEXT =
  "pass a kubeconfig this machine has with --kubeconfig <file> [--context <name>]";

/** The hint for the kubeconfig an environment file names. */
const environmentNext = (env: Environment) =>
  `pass another with --kubeconfig <file> [--context <name>], or correct kubeconfig.path and ` +
  `kubeconfig.context in ${env.name}.yaml`;

function fromFile(file: string, context: string | undefined, next: string): KubeConfig {
  const config = new KubeConfig();
  // The path is shown as displayName shows it: a path a command line gave may hold anything.
  const shownFile = displayName(file);
  const call = `read kubeconfig ${shownFile}`;
  const resolved = expandHome(file);
  try {
    // What KubeConfig.loadFromFile does, with a bounded read (a kubeconfig is kilobytes).
    config.loadFromString(readBoundedFile(resolved, MAX_KUBECONFIG_BYTES, "kubeconfig"));
    config.makePathsAbsolute(path.dirname(resolved));
  } catch (cause) {
    const detail = (cause as Error).message;
    const message = detail.startsWith("cannot read kubeconfig")
      ? detail
      : `cannot read kubeconfig ${shownFile}: ${displayLine(detail.split("\n")[0], 300)}`;
    throw new ClusterAccessError(call, message, next, { cause });
  }
  if (context !== undefined) {
    if (!config.getContextObject(context)) {
      const known = config.getContexts().map((c) => displayName(c.name, 60));
      const shown =
        known.length > 10 ? [...known.slice(0, 10), `${known.length - 10} more`] : known;
      throw new ClusterAccessError(
        call,
        `kubeconfig ${shownFile} has no context ${displayValue(context)} (it has: ${shown.join(", ") || "none"})`,
        `name one of its contexts with --context <name>; ${next}`,
      );
    }
    config.setCurrentContext(context);
  }
  return config;
}

/**
 * A client configuration for the environment's cluster, reached the way its platform stack reaches
 * it: on-prem through the kubeconfig path and context it names; on EKS through the cluster's
 * endpoint and CA (DescribeCluster) and a token from `aws eks get-token` on every request, as
 * `aws.assumeRoleArn` when the environment sets one.
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
    return fromFile(overrides.kubeconfig, context, OPTIONS_NEXT);
  }
  if (env.platform === "onprem") {
    return fromFile(
      env.kubeconfig.path,
      overrides.context ?? env.kubeconfig.context,
      environmentNext(env),
    );
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
        exec: eksTokenExec({
          clusterName: name,
          region: env.aws.region,
          roleArn: env.aws.assumeRoleArn,
        }),
      },
    ],
    contexts: [{ name, cluster: name, user: name }],
    currentContext: name,
  });
  return config;
}
