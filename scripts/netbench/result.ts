import { podNetworkTraits, type PodNetworkMode } from "../../constructs/shared/pod-network";
import { displayLine, displayName } from "../../constructs/shared/validation/display";
import { readBoundedFile } from "../lib/bounded-file";
import type { IperfJson, IperfSettings, Measurement } from "./iperf";

/** The three placements netbench measures, from the cheapest path to the one that crosses the most. */
export const CLUSTER_PATHS = ["same-node", "same-subnet", "cross-subnet"] as const;
export type ClusterPath = (typeof CLUSTER_PATHS)[number];

export const PATH_LABELS: Readonly<Record<ClusterPath, string>> = {
  "same-node": "same node",
  "same-subnet": "two nodes, one subnet",
  "cross-subnet": "two nodes, different subnets/zones",
};

/** What wraps pod packets on a path. */
export type PathEncapsulation = "none" | "IPIP" | "VXLAN";

/**
 * How a mode carries pod packets on a path: never wrapped between pods of one node, and the
 * cross-subnet modes wrap only what leaves the subnet.
 */
export function pathEncapsulation(mode: PodNetworkMode, path: ClusterPath): PathEncapsulation {
  const encapsulation = podNetworkTraits(mode).encapsulation;
  if (path === "same-node" || encapsulation === undefined || encapsulation === "None")
    return "none";
  if (path === "same-subnet" && encapsulation.endsWith("CrossSubnet")) return "none";
  return encapsulation.startsWith("IPIP") ? "IPIP" : "VXLAN";
}

/** One measured (or skipped) path. */
export interface PathResult {
  readonly id: string;
  readonly label: string;
  readonly encapsulation: PathEncapsulation;
  /** MTU of the pod (or tunnel) interfaces on this path. */
  readonly mtu: number;
  /** Where client and server ran: node names, or namespaces in the lab. */
  readonly client?: string;
  readonly server?: string;
  readonly measurement?: Measurement;
  /** Why the path was not measured. */
  readonly skipped?: string;
  /** Why its measurement failed. */
  readonly error?: string;
  /** iperf3's own JSON of both runs, kept whole. */
  readonly iperf3?: { readonly throughput: IperfJson; readonly latency: IperfJson };
}

/** A netbench run: what `<env>-<time>.json` holds and `--compare` reads back. */
export interface BenchResult {
  readonly version: 1;
  readonly environment: string;
  /** ISO time the run started. */
  readonly startedAt: string;
  /** The environment's pod network; absent for the namespace lab, where each path has its own. */
  readonly podNetwork?: {
    readonly mode: PodNetworkMode;
    readonly interfaceMtu: number;
    readonly podMtu: number;
  };
  readonly image?: string;
  readonly settings: IperfSettings;
  readonly paths: readonly PathResult[];
}

/** The most of an earlier result read (each holds iperf3's JSON of every run: megabytes). */
const MAX_RESULT_BYTES = 64 * 1024 * 1024;

/** Reads an earlier result for `--compare`. */
export function readBenchResult(file: string): BenchResult {
  const text = readBoundedFile(file, MAX_RESULT_BYTES, "--compare");
  let parsed: Partial<BenchResult> | null;
  try {
    parsed = JSON.parse(text) as Partial<BenchResult> | null;
  } catch (cause) {
    const detail = displayLine((cause as Error).message, 200);
    throw new Error(`--compare ${displayName(file)}: not JSON (${detail})`, { cause });
  }
  if (parsed?.version !== 1 || !Array.isArray(parsed.paths)) {
    throw new Error(`--compare ${displayName(file)}: not a netbench result (version 1)`);
  }
  return parsed as BenchResult;
}
