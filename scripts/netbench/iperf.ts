/**
 * iperf3: the arguments netbench runs it with (in pods, and in the namespace lab that tests this
 * tool), and what it reads from iperf3's JSON output (`-J`).
 */

export const IPERF_PORT = 5201;

export interface IperfSettings {
  /** Parallel TCP streams in the throughput run. */
  readonly streams: number;
  /** Seconds of the throughput run, after one omitted second of slow start. */
  readonly seconds: number;
  /** Seconds of the latency run. */
  readonly latencySeconds: number;
}

export const DEFAULT_SETTINGS: IperfSettings = { streams: 4, seconds: 10, latencySeconds: 5 };

export type RunKind = "throughput" | "latency";

/** Client arguments (after `iperf3`) for one run against a server at `host`. */
export function iperfClientArgs(host: string, settings: IperfSettings, kind: RunKind): string[] {
  const common = ["--client", host, "--port", String(IPERF_PORT), "--json"];
  if (kind === "throughput") {
    return [
      ...common,
      ["--parallel", String(settings.streams)],
      ["--time", String(settings.seconds)],
      ["--omit", "1"],
    ].flat();
  }
  // One light stream (1 Mbit/s in 1 KiB writes): the kernel's smoothed RTT is then the path's
  // round trip, not the queueing a saturating run adds.
  return [
    ...common,
    ["--parallel", "1"],
    ["--time", String(settings.latencySeconds)],
    ["--bitrate", "1M", "--length", "1K"],
  ].flat();
}

export const IPERF_SERVER_ARGS = ["--server", "--port", String(IPERF_PORT)];

/** What one path measured. Rates in bit/s, round trips in microseconds (as iperf3 reports them). */
export interface Measurement {
  /** Received by the server over the throughput run: what crossed the path. */
  readonly throughputBps: number;
  readonly streams: number;
  readonly seconds: number;
  /** TCP retransmissions of the throughput run, all streams together. */
  readonly retransmits: number;
  /** Smoothed RTT of the saturating streams, averaged: latency under load. */
  readonly loadedRttUs: number;
  /** Round trip of the light latency run. */
  readonly rttUs: { readonly min: number; readonly mean: number; readonly max: number };
  /** TCP maximum segment size iperf3 saw: the MTU in effect, minus IP and TCP headers. */
  readonly mss?: number;
}

interface IperfStreamSender {
  readonly retransmits?: number;
  readonly min_rtt?: number;
  readonly mean_rtt?: number;
  readonly max_rtt?: number;
}

/** The parts of iperf3's `-J` output read here. */
export interface IperfJson {
  readonly error?: string;
  readonly start?: {
    readonly tcp_mss_default?: number;
    readonly test_start?: { readonly num_streams?: number; readonly duration?: number };
  };
  readonly end?: {
    readonly streams?: readonly { readonly sender?: IperfStreamSender }[];
    readonly sum_sent?: { readonly retransmits?: number; readonly bits_per_second?: number };
    readonly sum_received?: { readonly bits_per_second?: number; readonly seconds?: number };
  };
}

/** Parses iperf3's JSON; an iperf3 error (`"error": "unable to connect..."`) becomes an Error. */
export function readIperfJson(text: string): IperfJson {
  let json: IperfJson;
  try {
    json = JSON.parse(text) as IperfJson;
  } catch {
    throw new Error(`iperf3 did not print JSON: ${text.trim().slice(0, 200) || "(no output)"}`);
  }
  if (json.error) throw new Error(`iperf3: ${json.error}`);
  if (!json.end?.sum_received || !json.end.streams?.length) {
    throw new Error("iperf3 JSON has no end summary: the run did not finish");
  }
  return json;
}

const senders = (json: IperfJson) =>
  (json.end?.streams ?? []).map((s) => s.sender).filter((s): s is IperfStreamSender => !!s);

/** Combines the throughput run and the latency run of one path. */
export function measurement(throughput: IperfJson, latency: IperfJson): Measurement {
  const loaded = senders(throughput).map((s) => s.mean_rtt ?? 0);
  const light = senders(latency)[0] ?? {};
  return {
    throughputBps: throughput.end?.sum_received?.bits_per_second ?? 0,
    streams: throughput.start?.test_start?.num_streams ?? loaded.length,
    seconds: throughput.end?.sum_received?.seconds ?? 0,
    retransmits: throughput.end?.sum_sent?.retransmits ?? 0,
    loadedRttUs: Math.round(loaded.reduce((a, b) => a + b, 0) / Math.max(loaded.length, 1)),
    rttUs: { min: light.min_rtt ?? 0, mean: light.mean_rtt ?? 0, max: light.max_rtt ?? 0 },
    mss: throughput.start?.tcp_mss_default,
  };
}
