import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findEnvironment } from "../../stacks/environments";
import { CoreV1Api } from "../../scripts/lib/cluster/kubernetes-client";
import { run } from "../../scripts/netbench/cli";
import { iperfClientArgs, type IperfSettings } from "../../scripts/netbench/iperf";
import { MANAGED_BY, RUN_LABEL } from "../../scripts/netbench/pods";
import { NetbenchRun } from "../../scripts/netbench/runner";
import { startFakeApiServer, type FakeApiServer, type KubeObject } from "../doctor/fake-api-server";
import { loadScenario } from "../doctor/scenarios";

const ROOT = path.join(__dirname, "..", "..");
const IMAGE = `registry.example/iperf3@sha256:${"a".repeat(64)}`;
const SETTINGS: IperfSettings = { streams: 4, seconds: 2, latencySeconds: 2 };
const SERVER_IP = "10.244.17.5";
/** iperf3 3.12 output recorded on loopback (`-P 4 -t 2 -O 1`, and `-P 1 -b 1M`). */
const recorded = (kind: string) =>
  fs.readFileSync(path.join(__dirname, "fixtures", `iperf3-${kind}.json`), "utf8");

/** The nodes of a recorded cluster, served by a fake API server that plays kubelet for pods. */
function cluster(scenario: string, pods: "run" | "stay-pending"): Promise<FakeApiServer> {
  const nodes = loadScenario(scenario).objects.filter((o) => o.kind === "Node");
  return startFakeApiServer(nodes, {
    onCreate: (object) => {
      if (object.kind !== "Pod" || pods === "stay-pending") return;
      const server = object.metadata.labels?.["netbench.platform.io/role"] === "server";
      object.status = server
        ? { phase: "Running", podIP: SERVER_IP }
        : { phase: "Succeeded", podIP: "10.244.30.9" };
    },
    podLog: (pod) => recorded(pod.metadata.name.endsWith("-latency") ? "latency" : "throughput"),
  });
}

const pinnedNode = (pod: KubeObject) =>
  (
    pod as unknown as {
      spec: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: { matchExpressions: { values: string[] }[] }[];
            };
          };
        };
      };
    }
  ).spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
    .matchExpressions[0].values[0];

describe("netbench against a fake cluster", () => {
  let server: FakeApiServer;
  afterEach(() => server.close());

  function bench(env: string): NetbenchRun {
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    return new NetbenchRun(core, {
      env: findEnvironment(env),
      image: IMAGE,
      settings: SETTINGS,
      pollMs: 10,
      log: () => undefined,
      now: () => new Date("2026-11-20T09:14:05Z"),
    });
  }

  it("places server and clients on the same node, one subnet and another zone (dev, ipip)", async () => {
    server = await cluster("eks-healthy", "run");
    const result = await bench("dev").run();
    const created = server.requests.filter((r) => r.method === "POST").map((r) => r.path);
    expect(created[0]).toBe("/api/v1/namespaces");
    expect(result.paths.map((p) => [p.id, p.client, p.server, p.encapsulation])).toEqual([
      [
        "same-node",
        "ip-10-10-12-230.ap-northeast-2.compute.internal",
        "ip-10-10-12-230.ap-northeast-2.compute.internal",
        "none",
      ],
      [
        "same-subnet",
        "ip-10-10-4-21.ap-northeast-2.compute.internal",
        "ip-10-10-12-230.ap-northeast-2.compute.internal",
        "IPIP",
      ],
      [
        "cross-subnet",
        "ip-10-10-37-102.ap-northeast-2.compute.internal",
        "ip-10-10-12-230.ap-northeast-2.compute.internal",
        "IPIP",
      ],
    ]);
    expect(result.podNetwork).toEqual({ mode: "ipip", interfaceMtu: 9001, podMtu: 8981 });
    expect(result.paths[0].measurement?.throughputBps).toBeCloseTo(11804874349.72, 1);
    expect(result.paths[0].measurement?.retransmits).toBe(2);
    expect(result.paths[0].measurement?.rttUs).toEqual({ min: 34, mean: 37, max: 40 });
    // Everything ran in the run's namespace, which is gone afterwards.
    const namespace = `netbench-${"20261120t091405z"}`;
    const deleted = server.requests.filter((r) => r.method === "DELETE").map((r) => r.path);
    expect(deleted).toHaveLength(1);
    expect(deleted[0]).toMatch(new RegExp(`^/api/v1/namespaces/${namespace}-[0-9a-f]{4}$`));
    expect(server.objects().filter((o) => o.kind !== "Node")).toEqual([]);
  });

  it("pins every pod with node affinity and runs iperf3 with the same arguments as the lab", async () => {
    const pods: KubeObject[] = [];
    server = await startFakeApiServer(
      loadScenario("eks-healthy").objects.filter((o) => o.kind === "Node"),
      {
        onCreate: (object) => {
          if (object.kind !== "Pod") return;
          pods.push(structuredClone(object));
          const role = object.metadata.labels?.["netbench.platform.io/role"];
          object.status =
            role === "server" ? { phase: "Running", podIP: SERVER_IP } : { phase: "Succeeded" };
        },
        podLog: (pod) =>
          recorded(pod.metadata.name.endsWith("-latency") ? "latency" : "throughput"),
      },
    );
    const benchRun = bench("dev");
    await benchRun.run();
    expect(pods.map((p) => [p.metadata.name, pinnedNode(p)])).toEqual([
      ["iperf3-server", "ip-10-10-12-230.ap-northeast-2.compute.internal"],
      ["iperf3-same-node-throughput", "ip-10-10-12-230.ap-northeast-2.compute.internal"],
      ["iperf3-same-node-latency", "ip-10-10-12-230.ap-northeast-2.compute.internal"],
      ["iperf3-same-subnet-throughput", "ip-10-10-4-21.ap-northeast-2.compute.internal"],
      ["iperf3-same-subnet-latency", "ip-10-10-4-21.ap-northeast-2.compute.internal"],
      ["iperf3-cross-subnet-throughput", "ip-10-10-37-102.ap-northeast-2.compute.internal"],
      ["iperf3-cross-subnet-latency", "ip-10-10-37-102.ap-northeast-2.compute.internal"],
    ]);
    const client = pods[1] as unknown as {
      spec: { containers: { image: string; args: string[] }[] };
    };
    expect(client.spec.containers[0].image).toBe(IMAGE);
    expect(client.spec.containers[0].args).toEqual(
      iperfClientArgs(SERVER_IP, SETTINGS, "throughput"),
    );
    for (const pod of pods) {
      expect(pod.metadata.labels).toMatchObject({ ...MANAGED_BY, [RUN_LABEL]: benchRun.runId });
    }
  });

  it("skips what the cluster cannot offer: one subnet on-prem, and direct mode never crosses one", async () => {
    server = await cluster("onprem-healthy", "run");
    const result = await bench("onprem").run();
    expect(result.paths.map((p) => [p.id, p.skipped ?? "measured"])).toEqual([
      ["same-node", "measured"],
      ["same-subnet", "measured"],
      ["cross-subnet", "mode direct keeps every node in one subnet"],
    ]);
  });

  it("records an iperf3 failure on its path and still cleans up", async () => {
    server = await startFakeApiServer(
      loadScenario("onprem-healthy").objects.filter((o) => o.kind === "Node"),
      {
        onCreate: (object) => {
          if (object.kind === "Pod")
            object.status = {
              phase: object.metadata.name === "iperf3-server" ? "Running" : "Failed",
              podIP: SERVER_IP,
            };
        },
        podLog: () => recorded("refused"),
      },
    );
    const result = await bench("onprem").run();
    expect(result.paths[0].error).toBe("iperf3: unable to connect to server: Connection refused");
    expect(server.objects().filter((o) => o.kind === "Namespace")).toEqual([]);
  });
});

describe("netbench command line against a fake cluster", () => {
  let server: FakeApiServer;
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "netbench-"));
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it("deletes its namespace when interrupted (SIGINT) and exits 130", async () => {
    server = await cluster("onprem-healthy", "stay-pending");
    const kubeconfig = server.writeKubeconfig(directory);
    const child = execFile(
      path.join(ROOT, "node_modules", ".bin", "tsx"),
      [
        "scripts/netbench.ts",
        "onprem",
        "--kubeconfig",
        kubeconfig,
        "--context",
        "fake",
        "--image",
        IMAGE,
      ],
      { cwd: ROOT },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    // Interrupt once the server pod exists and the run is waiting for it to start.
    while (!server.requests.some((r) => r.method === "POST" && r.path.endsWith("/pods"))) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toContain("netbench: SIGINT, deleting what this run created");
    expect(server.requests.filter((r) => r.method === "DELETE").map((r) => r.path)).toEqual([
      expect.stringMatching(/^\/api\/v1\/namespaces\/netbench-\d{8}t\d{6}z-[0-9a-f]{4}$/),
    ]);
    expect(server.objects().filter((o) => o.metadata.labels?.[RUN_LABEL])).toEqual([]);
  });

  it("deletes its namespace and exits when only npm gets the signal (SIGTERM to npm's pid)", async () => {
    server = await cluster("onprem-healthy", "stay-pending");
    const kubeconfig = server.writeKubeconfig(directory);
    const npm = spawn(
      "npm",
      [
        "run",
        "--silent",
        "netbench",
        "--",
        "onprem",
        "--kubeconfig",
        kubeconfig,
        "--context",
        "fake",
        "--image",
        IMAGE,
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    let stderr = "";
    npm.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => npm.on("close", resolve));
    while (!server.requests.some((r) => r.method === "POST" && r.path.endsWith("/pods"))) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    process.kill(npm.pid!, "SIGTERM");
    await exited;
    expect(stderr).toContain("netbench: SIGTERM, deleting what this run created");
    expect(server.objects().filter((o) => o.metadata.labels?.[RUN_LABEL])).toEqual([]);
    // Nothing of the process group is left running.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(() => process.kill(-npm.pid!, 0)).toThrow();
  });

  it("--cleanup deletes what killed runs left behind, and only that", async () => {
    const namespace = (name: string, labels: Record<string, string>): KubeObject => ({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, labels },
    });
    server = await startFakeApiServer([
      namespace("netbench-20261101t080000z-1a2b", {
        ...MANAGED_BY,
        [RUN_LABEL]: "20261101t080000z-1a2b",
      }),
      namespace("netbench-20261102t080000z-3c4d", {
        ...MANAGED_BY,
        [RUN_LABEL]: "20261102t080000z-3c4d",
      }),
      namespace("shop", { team: "shop" }),
    ]);
    const kubeconfig = server.writeKubeconfig(directory);
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(
        await run(["onprem", "--cleanup", "--kubeconfig", kubeconfig, "--context", "fake"]),
      ).toBe(0);
    } finally {
      stderr.mockRestore();
    }
    expect(server.objects().map((o) => o.metadata.name)).toEqual(["shop"]);
  });
});
