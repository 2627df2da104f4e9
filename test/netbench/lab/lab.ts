/**
 * Two network namespaces standing in for two nodes: a veth pair at the node MTU, and over it the
 * tunnels Calico would use, at the pod MTU the pod network table computes. Traffic never leaves
 * the two namespaces.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { podMtu, type PodNetworkMode } from "../../../constructs/shared/pod-network";
import { IPERF_SERVER_ARGS } from "../../../scripts/netbench/iperf";
import type { PathEncapsulation } from "../../../scripts/netbench/result";

/** One way from the client namespace to the server namespace. */
export interface LabPath {
  readonly id: "direct" | "ipip" | "vxlan";
  readonly label: string;
  /** The pod network mode whose MTU rule this path follows. */
  readonly mode: PodNetworkMode;
  readonly encapsulation: PathEncapsulation;
  /** The device carrying it, in both namespaces. */
  readonly device: string;
  /** The server's address on it (the client has .1, the server .2). */
  readonly serverAddress: string;
}

export const LAB_PATHS: readonly LabPath[] = [
  {
    id: "direct",
    label: "direct (veth, as mode direct)",
    mode: "direct",
    encapsulation: "none",
    device: "veth0",
    serverAddress: "10.200.0.2",
  },
  {
    // A user-space relay: its throughput measures the relay, not the kernel's IPIP.
    id: "ipip",
    label: "IPIP (user-space relay, as mode ipip)",
    mode: "ipip",
    encapsulation: "IPIP",
    device: "ipip0",
    serverAddress: "10.201.0.2",
  },
  {
    id: "vxlan",
    label: "VXLAN (kernel, as mode vxlan)",
    mode: "vxlan",
    encapsulation: "VXLAN",
    device: "vxlan0",
    serverAddress: "10.202.0.2",
  },
];

const UNDERLAY = { client: "10.200.0.1", server: "10.200.0.2" };
const RELAY_SOURCE = path.join(__dirname, "ipip-relay.c");
/**
 * How long a ping waits for its answer (iputils takes fractions). An answer inside the lab comes
 * back in well under a millisecond, through the user-space relay too; every ping that must not be
 * answered waits all of it, so 1 s made eight tests a second each.
 */
const PING_WAIT_S = "0.3";

/** The client's underlay: a token bucket at 400 Mbit/s (bursts up to the largest node MTU fit). */
const UNDERLAY_SHAPING = "tbf rate 400mbit burst 256kb latency 100ms";

function run(args: readonly string[]): string {
  return execFileSync(args[0], args.slice(1), {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export class NamespaceLab {
  /** Unique per process: other test runs on the machine may build labs at the same time. */
  readonly client = `netbench-${process.pid}-client`;
  readonly server = `netbench-${process.pid}-server`;
  private readonly workdir = fs.mkdtempSync(path.join(os.tmpdir(), "netbench-lab-"));
  private readonly processes: ChildProcess[] = [];

  /** `ip -n <namespace> <command>`; no argument here contains a space. */
  private ip(namespace: string, command: string): string {
    return run(["ip", "-n", namespace, ...command.split(" ")]);
  }

  private both(each: (namespace: string, side: "client" | "server") => void): void {
    each(this.client, "client");
    each(this.server, "server");
  }

  /** Builds the namespaces, the veth pair and both tunnels, all at `nodeMtu`. */
  async create(nodeMtu: number): Promise<void> {
    run(["ip", "netns", "add", this.client]);
    run(["ip", "netns", "add", this.server]);
    this.ip(this.client, `link add veth0 type veth peer name veth0 netns ${this.server}`);
    this.both((ns, side) => {
      const other = side === "client" ? "server" : "client";
      this.ip(ns, "link set lo up");
      this.ip(ns, "link set veth0 up");
      this.ip(ns, `addr add ${UNDERLAY[side]}/30 dev veth0`);
      // VXLAN as Calico sets it up: bound to the node's interface, port 4789. `df set` keeps the
      // outer header's Don't Fragment bit, so a packet too big for the link is never fragmented.
      this.ip(
        ns,
        `link add vxlan0 type vxlan id 4096 local ${UNDERLAY[side]} remote ${UNDERLAY[other]} dstport 4789 dev veth0 df set`,
      );
      this.ip(ns, `addr add 10.202.0.${side === "client" ? 1 : 2}/30 dev vxlan0`);
      // IPIP: a TUN device the user-space relay attaches to (this kernel has no ipip module).
      // A long queue keeps bursts from overflowing the relay's input.
      this.ip(ns, "tuntap add dev ipip0 mode tun");
      this.ip(ns, "link set ipip0 txqueuelen 10000");
      const [mine, peer] =
        side === "client" ? ["10.201.0.1", "10.201.0.2"] : ["10.201.0.2", "10.201.0.1"];
      this.ip(ns, `addr add ${mine} peer ${peer} dev ipip0`);
    });
    // Every path crosses the client's veth0. The lab proves the tool end to end, not the kernel's
    // speed: capped, a throughput run costs a fraction of the CPU a saturated one does, and still
    // carries far more than the tests assert.
    run(["tc", "-n", this.client, ...`qdisc add dev veth0 root ${UNDERLAY_SHAPING}`.split(" ")]);
    this.setNodeMtu(nodeMtu);
    this.both((ns) => {
      this.ip(ns, "link set vxlan0 up");
      this.ip(ns, "link set ipip0 up");
    });
    const relay = path.join(this.workdir, "ipip-relay");
    run(["cc", "-O2", "-Wall", "-o", relay, RELAY_SOURCE]);
    await Promise.all([
      this.start(this.client, [relay, "ipip0", UNDERLAY.client, UNDERLAY.server], "ready"),
      this.start(this.server, [relay, "ipip0", UNDERLAY.server, UNDERLAY.client], "ready"),
    ]);
  }

  /** Starts a long-running program in a namespace and resolves once it prints `readyWhen`. */
  private start(namespace: string, command: string[], readyWhen: string): Promise<void> {
    const child = spawn("ip", ["netns", "exec", namespace, ...command], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.processes.push(child);
    return new Promise((resolve, reject) => {
      let output = "";
      const seen = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(readyWhen)) resolve();
      };
      child.stdout?.on("data", seen);
      child.stderr?.on("data", seen);
      child.on("exit", (code) => reject(new Error(`${command[0]} exited (${code}): ${output}`)));
    });
  }

  /** Sets the veth pair to `nodeMtu` and every tunnel to the pod MTU its mode computes. */
  setNodeMtu(nodeMtu: number): void {
    this.both((ns) => {
      this.ip(ns, `link set veth0 mtu ${nodeMtu}`);
      for (const p of LAB_PATHS.filter((p) => p.device !== "veth0")) {
        this.ip(ns, `link set ${p.device} mtu ${podMtu(p.mode, nodeMtu)}`);
      }
    });
  }

  /**
   * Sets one device's MTU on the client side only (the sender); false when the kernel refuses
   * it, as it refuses a VXLAN MTU that would not fit the underlying link.
   */
  setClientMtu(device: string, mtu: number): boolean {
    try {
      this.ip(this.client, `link set ${device} mtu ${mtu}`);
      return true;
    } catch {
      return false;
    }
  }

  /** One ping with Don't Fragment and `payload` bytes of ICMP data; true when it is answered. */
  ping(p: LabPath, payload: number): boolean {
    try {
      run([
        "ip",
        "netns",
        "exec",
        this.client,
        "ping",
        "-M",
        "do",
        "-s",
        String(payload),
        "-c",
        "1",
        "-W",
        PING_WAIT_S,
        p.serverAddress,
      ]);
      return true;
    } catch {
      return false;
    }
  }

  /** Starts iperf3's server in the server namespace, listening on every path's address. */
  async startIperfServer(): Promise<void> {
    // --forceflush: iperf3's stdout is a pipe here, and "Server listening" must arrive now.
    await this.start(
      this.server,
      ["iperf3", ...IPERF_SERVER_ARGS, "--forceflush"],
      "Server listening",
    );
  }

  /** Runs an iperf3 client in the client namespace and returns its JSON output. */
  iperf(args: readonly string[]): Promise<string> {
    return new Promise((resolve) => {
      execFile(
        "ip",
        ["netns", "exec", this.client, "iperf3", ...args],
        { maxBuffer: 16 << 20 },
        (_error, stdout) =>
          // iperf3 exits non-zero on failure but still prints JSON with an "error" field.
          resolve(stdout),
      );
    });
  }

  destroy(): void {
    for (const child of this.processes) child.kill("SIGTERM");
    for (const ns of [this.client, this.server]) {
      try {
        run(["ip", "netns", "del", ns]);
      } catch {
        // Never created: create() failed early.
      }
    }
    fs.rmSync(this.workdir, { recursive: true, force: true });
  }
}
