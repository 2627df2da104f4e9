import * as fs from "fs";
import * as path from "path";
import { podMtu, podNetworkTraits } from "../../constructs/shared/pod-network";
import { gbits } from "../../scripts/netbench/format";
import {
  iperfClientArgs,
  measurement,
  readIperfJson,
  type IperfSettings,
} from "../../scripts/netbench/iperf";
import { writeOutputs } from "../../scripts/netbench/output";
import { renderMarkdown } from "../../scripts/netbench/report-markdown";
import { renderSvg } from "../../scripts/netbench/report-svg";
import type { BenchResult, PathResult } from "../../scripts/netbench/result";
import { LAB_PATHS, NamespaceLab, type LabPath } from "./lab/lab";
import { describeWithLab } from "./lab/prerequisites";

/** IPv4 header (20) and ICMP header (8) around ping's payload. */
const PING_HEADERS = 28;
/**
 * The shortest runs iperf3 takes (whole seconds, after its omitted second): the lab proves the
 * tool end to end, not the kernel's speed, and the slowest path (the user-space IPIP relay) still
 * carries tens of times the 10 Mbit/s asserted below. Clusters get the 10-second default.
 */
const SETTINGS: IperfSettings = { streams: 4, seconds: 1, latencySeconds: 1 };
const tunnels = LAB_PATHS.filter((p) => p.device !== "veth0");

describeWithLab("pod network on a real kernel: two namespaces, a veth pair and tunnels", () => {
  const lab = new NamespaceLab();
  beforeAll(() => lab.create(1500));
  afterAll(() => lab.destroy());

  // On-prem interfaces (1500) and EC2 jumbo frames (9001).
  describe.each([1500, 9001])("node MTU %i", (nodeMtu) => {
    beforeAll(() => lab.setNodeMtu(nodeMtu));

    it.each(LAB_PATHS)(
      "$id: the pod MTU the table computes passes unfragmented, one byte more does not",
      (p: LabPath) => {
        const payload = podMtu(p.mode, nodeMtu) - PING_HEADERS;
        expect(lab.ping(p, payload)).toBe(true);
        expect(lab.ping(p, payload + 1)).toBe(false);
      },
    );

    // The last test only shows the device refuses what exceeds its own MTU. These show the
    // computed MTU is also the largest the link underneath carries.
    it("vxlan: Linux itself refuses a VXLAN MTU above the computed one on this link", () => {
      const mtu = podMtu("vxlan", nodeMtu);
      expect(nodeMtu - mtu).toBe(podNetworkTraits("vxlan").mtuOverhead);
      expect(lab.setClientMtu("vxlan0", mtu + 1)).toBe(false);
      expect(lab.setClientMtu("vxlan0", mtu)).toBe(true);
    });

    it("ipip: an IPIP tunnel one byte over the computed MTU loses what it cannot carry", () => {
      const ipip = tunnels.find((p) => p.id === "ipip") as LabPath;
      const mtu = podMtu("ipip", nodeMtu);
      expect(lab.setClientMtu("ipip0", mtu + 1)).toBe(true);
      try {
        // The inner packet now leaves the tunnel device, but its outer packet (+20 bytes, Don't
        // Fragment) is one byte too big for the veth link and is dropped.
        expect(lab.ping(ipip, mtu + 1 - PING_HEADERS)).toBe(false);
        expect(lab.ping(ipip, mtu - PING_HEADERS)).toBe(true);
      } finally {
        lab.setClientMtu("ipip0", mtu);
      }
    });
  });

  describe("iperf3 through the direct, IPIP and VXLAN paths (node MTU 1500)", () => {
    const measured: PathResult[] = [];
    const startedAt = new Date();
    beforeAll(async () => {
      lab.setNodeMtu(1500);
      await lab.startIperfServer();
    });

    it.each(LAB_PATHS)("$id: real iperf3 JSON, parsed", async (p: LabPath) => {
      const throughput = readIperfJson(
        await lab.iperf(iperfClientArgs(p.serverAddress, SETTINGS, "throughput")),
      );
      const latency = readIperfJson(
        await lab.iperf(iperfClientArgs(p.serverAddress, SETTINGS, "latency")),
      );
      const m = measurement(throughput, latency);
      expect(m.streams).toBe(SETTINGS.streams);
      expect(m.throughputBps).toBeGreaterThan(10e6);
      expect(m.rttUs.mean).toBeGreaterThan(0);
      // TCP used the path's MTU: MSS = MTU − IPv4 (20) − TCP (20) − timestamp option (12).
      expect(m.mss).toBe(podMtu(p.mode, 1500) - 52);
      measured.push({
        id: p.id,
        label: p.label,
        encapsulation: p.encapsulation,
        mtu: podMtu(p.mode, 1500),
        client: lab.client,
        server: lab.server,
        measurement: m,
        iperf3: { throughput, latency },
      });
    });

    it("renders the report of those runs", () => {
      expect(measured.map((p) => p.id)).toEqual(["direct", "ipip", "vxlan"]);
      const result: BenchResult = {
        version: 1,
        environment: "netns-lab",
        startedAt: startedAt.toISOString(),
        settings: SETTINGS,
        paths: measured,
      };
      const markdown = renderMarkdown(result);
      for (const p of measured) {
        const m = p.measurement;
        expect(markdown).toContain(
          `| ${p.label} | ${lab.client} → ${lab.server} | ${p.encapsulation} | ${p.mtu} | ` +
            `${m?.mss} | ${gbits(m?.throughputBps ?? 0)} | ${m?.retransmits} |`,
        );
      }
      const svg = renderSvg(result);
      expect(svg.match(/<rect /g)).toHaveLength(3);
      expect(svg).toContain("IPIP (user-space relay, as mode ipip)");
      // Kept where netbench writes its own runs, for reading after the test.
      const outdir = process.env.CDKTF_OUTDIR || path.join(__dirname, "..", "..", "cdktf.out");
      const files = writeOutputs(outdir, result);
      expect(fs.readFileSync(files.markdown, "utf8")).toBe(markdown);
      expect(JSON.parse(fs.readFileSync(files.json, "utf8"))).toEqual(result);
    });
  });
});
