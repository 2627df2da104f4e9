import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { POD_NETWORK_MODES } from "../../constructs/shared/pod-network";
import type { V1Node } from "../../scripts/lib/cluster/kubernetes-client";
import { parseArgs } from "../../scripts/netbench/cli";
import { resolveImage } from "../../scripts/netbench/image";
import { measurement, readIperfJson } from "../../scripts/netbench/iperf";
import { planPlacement } from "../../scripts/netbench/placement";
import { renderMarkdown } from "../../scripts/netbench/report-markdown";
import { renderSvg } from "../../scripts/netbench/report-svg";
import {
  CLUSTER_PATHS,
  pathEncapsulation,
  readBenchResult,
  type BenchResult,
} from "../../scripts/netbench/result";
import { parseEnvironment } from "../../stacks/environment/validate";
import { findEnvironmentFile } from "../../stacks/environments";
import { scriptCommand } from "../support/script";

const onprem = findEnvironmentFile("onprem").input;

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
const recorded = (kind: string) =>
  fs.readFileSync(path.join(__dirname, "fixtures", `iperf3-${kind}.json`), "utf8");

describe("what each mode wraps on each path", () => {
  it.each(POD_NETWORK_MODES)("%s", (mode) => {
    const expected = {
      ipip: ["none", "IPIP", "IPIP"],
      "ipip-cross-subnet": ["none", "none", "IPIP"],
      direct: ["none", "none", "none"],
      vxlan: ["none", "VXLAN", "VXLAN"],
      "vxlan-cross-subnet": ["none", "none", "VXLAN"],
      "policy-only": ["none", "none", "none"],
    }[mode];
    expect(CLUSTER_PATHS.map((p) => pathEncapsulation(mode, p))).toEqual(expected);
  });
});

describe("placement", () => {
  const node = (name: string, ip: string, extra: Partial<V1Node["spec"]> = {}): V1Node => ({
    metadata: { name, labels: { "kubernetes.io/hostname": name } },
    spec: extra,
    status: {
      addresses: [{ type: "InternalIP", address: ip }],
      conditions: [{ type: "Ready", status: "True" }],
    },
  });
  // On-prem with two racks, each its own node network.
  const twoRacks = parseEnvironment({
    ...onprem,
    podNetwork: { ...onprem.podNetwork, mode: "ipip-cross-subnet" },
    nodeSegments: [
      { cidr: "192.168.10.0/24", nodeAddresses: ["192.168.10.10-192.168.10.199"] },
      { cidr: "192.168.20.0/24", nodeAddresses: ["192.168.20.10-192.168.20.199"] },
    ],
  });

  it("finds subnets on-prem from the environment's node networks", () => {
    const placement = planPlacement(twoRacks, [
      node("rack1-a", "192.168.10.11"),
      node("rack1-b", "192.168.10.12"),
      node("rack2-a", "192.168.20.11"),
    ]);
    expect(placement.server).toEqual({
      name: "rack1-a",
      hostname: "rack1-a",
      subnet: "192.168.10.0/24",
    });
    expect(placement.clients["same-subnet"]).toMatchObject({ name: "rack1-b" });
    expect(placement.clients["cross-subnet"]).toMatchObject({
      name: "rack2-a",
      subnet: "192.168.20.0/24",
    });
  });

  it("leaves out cordoned and tainted nodes, and says which paths that costs", () => {
    const placement = planPlacement(twoRacks, [
      node("rack1-a", "192.168.10.11"),
      node("rack1-b", "192.168.10.12", { unschedulable: true }),
      node("rack2-a", "192.168.20.11", { taints: [{ key: "gpu", effect: "NoSchedule" }] }),
    ]);
    expect(placement.clients["same-subnet"]).toEqual({
      skipped: "no second schedulable node in 192.168.10.0/24",
    });
    expect(placement.clients["cross-subnet"]).toEqual({
      skipped: "every schedulable node is in 192.168.10.0/24",
    });
    expect(() =>
      planPlacement(twoRacks, [node("x", "192.168.10.1", { unschedulable: true })]),
    ).toThrow("no Ready, schedulable node without taints to run iperf3 on");
  });
});

describe("the iperf3 image", () => {
  it("must be pinned by digest, and there is no default", () => {
    expect(() => resolveImage(undefined)).toThrow(
      "netbench needs an iperf3 image pinned by digest",
    );
    expect(() => resolveImage("networkstatic/iperf3:latest")).toThrow(
      "--image must be pinned by digest",
    );
    expect(resolveImage(`networkstatic/iperf3@${DIGEST}`)).toBe(`networkstatic/iperf3@${DIGEST}`);
  });

  it("moves to a mirror registry with --registry", () => {
    expect(resolveImage(`networkstatic/iperf3@${DIGEST}`, "mirror.corp:5000/dockerhub")).toBe(
      `mirror.corp:5000/dockerhub/networkstatic/iperf3@${DIGEST}`,
    );
    expect(
      resolveImage(
        `docker.io/networkstatic/iperf3@${DIGEST}`,
        "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/",
      ),
    ).toBe(`123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/networkstatic/iperf3@${DIGEST}`);
  });
});

describe("netbench arguments", () => {
  it("defaults to 4 streams for 10 s and takes the image from NETBENCH_IMAGE", () => {
    const args = parseArgs(["dev"], { NETBENCH_IMAGE: `networkstatic/iperf3@${DIGEST}` });
    expect(args).toMatchObject({
      environment: "dev",
      image: `networkstatic/iperf3@${DIGEST}`,
      settings: { streams: 4, seconds: 10, latencySeconds: 5 },
      outdir: path.resolve("cdktf.out"),
      cleanup: false,
    });
  });

  it("rejects what it cannot use", () => {
    const image = `networkstatic/iperf3@${DIGEST}`;
    expect(() => parseArgs(["dev", "--image", image, "--streams", "0"], {})).toThrow(
      '--streams must be a whole number from 1 to 128; got "0"',
    );
    expect(() => parseArgs(["dev", "--fast"], {})).toThrow("unknown option --fast");
    for (const streams of ["1e1", "0x4", "-5"]) {
      expect(() => parseArgs(["dev", "--image", image, "--streams", streams], {})).toThrow(
        `--streams must be a whole number from 1 to 128; got "${streams}"`,
      );
    }
    expect(parseArgs(["dev", "--cleanup"], {}).image).toBeUndefined();
  });

  it("reads --compare only from a regular file, and says what is wrong with it", () => {
    expect(() => readBenchResult("/dev/zero")).toThrow(
      "cannot read --compare /dev/zero: not a regular file",
    );
    const file = path.join(os.tmpdir(), `netbench-compare-${process.pid}.json`);
    try {
      fs.writeFileSync(file, "null");
      expect(() => readBenchResult(file)).toThrow(
        `--compare ${file}: not a netbench result (version 1)`,
      );
      fs.writeFileSync(file, "{");
      expect(() => readBenchResult(file)).toThrow(`--compare ${file}: not JSON`);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it("says what to do when it cannot use the kubeconfig (exit 2)", async () => {
    const missing = path.join(os.tmpdir(), "netbench-no-such-kubeconfig");
    const [command, args] = scriptCommand("scripts/netbench.ts", [
      "onprem",
      "--cleanup",
      "--kubeconfig",
      missing,
    ]);
    const result = await new Promise<{ status: number; stderr: string }>((resolve) =>
      execFile(command, args, (error, _stdout, stderr) =>
        resolve({ status: error ? Number(error.code) : 0, stderr }),
      ),
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^cannot read kubeconfig \S+: no such file\n {2}next: pass a kubeconfig this machine has with --kubeconfig <file>/,
    );
  });
});

describe("iperf3 output", () => {
  it("reads throughput, retransmits and round trips from recorded JSON", () => {
    expect(
      measurement(readIperfJson(recorded("throughput")), readIperfJson(recorded("latency"))),
    ).toEqual({
      throughputBps: expect.closeTo(11804874349.72, 1),
      streams: 4,
      seconds: expect.closeTo(2.0, 1),
      retransmits: 2,
      loadedRttUs: 468,
      rttUs: { min: 34, mean: 37, max: 40 },
      mss: 32768,
    });
  });

  it("turns iperf3's own error into an error", () => {
    expect(() => readIperfJson(recorded("refused"))).toThrow(
      "iperf3: unable to connect to server: Connection refused",
    );
    expect(() => readIperfJson("Error: image not found")).toThrow(
      "iperf3 did not print JSON: Error: image not found",
    );
  });
});

describe("comparing two runs", () => {
  const m = measurement(readIperfJson(recorded("throughput")), readIperfJson(recorded("latency")));
  const run = (
    mode: "ipip" | "ipip-cross-subnet",
    scale: number,
    startedAt: string,
  ): BenchResult => ({
    version: 1,
    environment: "staging",
    startedAt,
    podNetwork: { mode, interfaceMtu: 9001, podMtu: 8981 },
    settings: { streams: 4, seconds: 10, latencySeconds: 5 },
    paths: CLUSTER_PATHS.map((id) => ({
      id,
      label: id,
      encapsulation: pathEncapsulation(mode, id),
      mtu: 8981,
      measurement: { ...m, throughputBps: m.throughputBps * (id === "same-subnet" ? scale : 1) },
    })),
  });
  const before = run("ipip", 1, "2026-11-01T08:00:00.000Z");
  const after = run("ipip-cross-subnet", 1.25, "2026-11-20T09:14:05.000Z");

  it("puts them side by side in Markdown, with the encapsulation each ran", () => {
    const markdown = renderMarkdown(after, before);
    expect(markdown).toContain("## Compared with staging (ipip, 2026-11-01T08:00:00.000Z)");
    expect(markdown).toContain(
      "| same-subnet | 11.80 Gbit/s (IPIP) | 14.76 Gbit/s (none) | +25.0 % | 2 → 2 | 37 µs → 37 µs |",
    );
  });

  it("draws both runs' bars per path, with a legend", () => {
    const svg = renderSvg(after, before);
    expect(svg.match(/<rect /g)).toHaveLength(2 * 3 + 2);
    expect(svg).toContain("ipip 2026-11-01T08:00:00.000Z");
    expect(svg).toContain("14.76 Gbit/s · none, MTU 8981");
  });

  it("reads an earlier result back, and refuses other JSON", () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "netbench-compare-"));
    try {
      const file = path.join(directory, "before.json");
      fs.writeFileSync(file, JSON.stringify(before));
      expect(readBenchResult(file)).toEqual(before);
      fs.writeFileSync(file, JSON.stringify({ summary: {} }));
      expect(() => readBenchResult(file)).toThrow(`${file}: not a netbench result (version 1)`);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});
