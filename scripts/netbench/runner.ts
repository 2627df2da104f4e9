import { randomBytes } from "crypto";
import { DEFAULT_INTERFACE_MTU, podMtu } from "../../constructs/shared/pod-network";
import type { Environment } from "../../stacks/environment/schema";
import { isNotFound, type CoreV1Api, type V1Pod } from "../lib/cluster/kubernetes-client";
import {
  iperfClientArgs,
  measurement,
  readIperfJson,
  type IperfSettings,
  type RunKind,
} from "./iperf";
import { compactTime } from "./format";
import { isSkipped, planPlacement, type BenchNode } from "./placement";
import { SERVER_POD, benchNamespace, clientPod, serverPod } from "./pods";
import {
  CLUSTER_PATHS,
  PATH_LABELS,
  pathEncapsulation,
  type BenchResult,
  type ClusterPath,
  type PathResult,
} from "./result";

export interface NetbenchOptions {
  readonly env: Environment;
  /** iperf3 image, pinned by digest (see image.ts). */
  readonly image: string;
  readonly settings: IperfSettings;
  readonly now?: () => Date;
  /** How often pod status is read. @default 1000 */
  readonly pollMs?: number;
  /** How long a pod may take to start (image pull included). @default 300000 */
  readonly startTimeoutMs?: number;
  readonly log?: (line: string) => void;
  /**
   * How long cleanup waits for an in-flight namespace create to settle, and then for the delete.
   * @default 30000
   */
  readonly cleanupTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Why a pod is not running, from its container's waiting or terminated state. */
function podState(pod: V1Pod): string {
  const status = pod.status?.containerStatuses?.[0]?.state;
  const detail = status?.waiting ?? status?.terminated;
  const condition = pod.status?.conditions?.find((c) => c.status !== "True" && c.message);
  return [pod.status?.phase, detail?.reason, detail?.message ?? condition?.message]
    .filter(Boolean)
    .join(": ");
}

/**
 * One benchmark run in its own namespace. `run()` measures every path and always deletes the
 * namespace; `cleanup()` can also be called from a signal handler while `run()` is waiting.
 */
export class NetbenchRun {
  readonly runId: string;
  readonly namespace: string;
  private readonly startedAt: Date;
  private cleaned?: Promise<void>;
  /**
   * The namespace create, once sent. Cleanup waits for it to settle: a delete sent while it is in
   * flight answers 404 and the namespace appears afterwards.
   */
  private created?: Promise<unknown>;

  constructor(
    private readonly core: CoreV1Api,
    private readonly options: NetbenchOptions,
  ) {
    this.startedAt = (options.now ?? (() => new Date()))();
    this.runId = `${compactTime(this.startedAt).toLowerCase()}-${randomBytes(2).toString("hex")}`;
    this.namespace = benchNamespace(this.runId).metadata?.name ?? "";
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /** Polls a pod until `done` says so; throws with the pod's state after `timeoutMs`. */
  private async waitFor(
    name: string,
    done: (pod: V1Pod) => boolean,
    timeoutMs: number,
  ): Promise<V1Pod> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pod = await this.core.readNamespacedPod({ namespace: this.namespace, name });
      if (done(pod)) return pod;
      if (Date.now() > deadline) {
        throw new Error(
          `pod ${this.namespace}/${name} did not get there in ${timeoutMs / 1000} s (${podState(pod)})`,
        );
      }
      await sleep(this.options.pollMs ?? 1000);
    }
  }

  /** Runs one iperf3 client pod to completion and returns its JSON output. */
  private async client(path: ClusterPath, kind: RunKind, node: BenchNode, serverIp: string) {
    const name = `iperf3-${path}-${kind}`;
    const { settings, image } = this.options;
    await this.core.createNamespacedPod({
      namespace: this.namespace,
      body: clientPod(this.runId, name, node, image, iperfClientArgs(serverIp, settings, kind)),
    });
    const seconds = kind === "throughput" ? settings.seconds + 1 : settings.latencySeconds;
    const finished = (p: V1Pod) => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";
    await this.waitFor(name, finished, (this.options.startTimeoutMs ?? 300_000) + seconds * 2000);
    return readIperfJson(await this.core.readNamespacedPodLog({ namespace: this.namespace, name }));
  }

  private async measure(
    path: ClusterPath,
    node: BenchNode,
    server: BenchNode,
    serverIp: string,
  ): Promise<PathResult> {
    const base = { ...this.pathInfo(path), client: node.name, server: server.name };
    try {
      this.log(
        `${path}: throughput, ${this.options.settings.streams} streams, ${node.name} → ${server.name}…`,
      );
      const throughput = await this.client(path, "throughput", node, serverIp);
      this.log(`${path}: latency…`);
      const latency = await this.client(path, "latency", node, serverIp);
      return {
        ...base,
        measurement: measurement(throughput, latency),
        iperf3: { throughput, latency },
      };
    } catch (error) {
      this.log(`${path}: failed: ${(error as Error).message}`);
      return { ...base, error: (error as Error).message };
    }
  }

  /** What a path is, whether it gets measured or not. */
  private pathInfo(path: ClusterPath) {
    return {
      id: path,
      label: PATH_LABELS[path],
      encapsulation: pathEncapsulation(this.options.env.podNetwork.mode, path),
      mtu: podMtu(this.options.env.podNetwork.mode, this.interfaceMtu()),
    };
  }

  private interfaceMtu(): number {
    const { env } = this.options;
    return env.podNetwork.interfaceMtu ?? DEFAULT_INTERFACE_MTU[env.platform];
  }

  async run(): Promise<BenchResult> {
    const { env, image, settings } = this.options;
    try {
      const placement = planPlacement(env, (await this.core.listNode()).items);
      this.created = this.core.createNamespace({ body: benchNamespace(this.runId) });
      await this.created;
      this.log(`namespace ${this.namespace}: iperf3 server on ${placement.server.name}…`);
      await this.core.createNamespacedPod({
        namespace: this.namespace,
        body: serverPod(this.runId, placement.server, image),
      });
      const server = await this.waitFor(
        SERVER_POD,
        (p) => {
          if (p.status?.phase === "Failed") throw new Error(`iperf3 server failed: ${podState(p)}`);
          return p.status?.phase === "Running" && Boolean(p.status.podIP);
        },
        this.options.startTimeoutMs ?? 300_000,
      );
      const serverIp = server.status?.podIP ?? "";
      const paths: PathResult[] = [];
      // One path at a time: concurrent runs would share the server and each other's bandwidth.
      for (const path of CLUSTER_PATHS) {
        const choice = placement.clients[path];
        paths.push(
          isSkipped(choice)
            ? { ...this.pathInfo(path), skipped: choice.skipped }
            : await this.measure(path, choice, placement.server, serverIp),
        );
      }
      const interfaceMtu = this.interfaceMtu();
      return {
        version: 1,
        environment: env.name,
        startedAt: this.startedAt.toISOString(),
        podNetwork: {
          mode: env.podNetwork.mode,
          interfaceMtu,
          podMtu: podMtu(env.podNetwork.mode, interfaceMtu),
        },
        image,
        settings,
        paths,
      };
    } finally {
      await this.cleanup();
    }
  }

  /**
   * Deletes the run's namespace (and so its pods), after its create has settled. Safe to call
   * twice or concurrently; never waits longer than `cleanupTimeoutMs` for either request.
   */
  cleanup(): Promise<void> {
    const created = this.created;
    if (created === undefined) return Promise.resolve();
    this.cleaned ??= this.removeNamespace(created);
    return this.cleaned;
  }

  private async removeNamespace(created: Promise<unknown>): Promise<void> {
    const timeoutMs = this.options.cleanupTimeoutMs ?? 30_000;
    const hint = `; run --cleanup later`;
    const createSettled = await within(
      created.then(
        () => true,
        () => true,
      ),
      timeoutMs,
    );
    try {
      const deleted = await within(this.core.deleteNamespace({ name: this.namespace }), timeoutMs);
      if (deleted === undefined) {
        this.log(
          `namespace ${this.namespace}: no answer to the delete in ${timeoutMs / 1000} s${hint}`,
        );
      } else this.log(`namespace ${this.namespace} deleted`);
    } catch (error) {
      if (!isNotFound(error)) {
        this.log(
          `could not delete namespace ${this.namespace}: ${(error as Error).message}${hint}`,
        );
      } else if (createSettled === undefined) {
        // 404 while the create is still unanswered: it may yet create the namespace.
        this.log(`namespace ${this.namespace}: its create is still unanswered${hint}`);
      }
    }
  }
}

/** The promise's value, or undefined when it has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
