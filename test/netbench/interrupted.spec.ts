/**
 * netbench's cleanup in the states a live API server can leave it in: interrupted while the
 * namespace create is still in flight (a delete sent then answers 404, and the namespace appears
 * afterwards), and a DELETE that never answers.
 */
import type { CoreV1Api } from "../../scripts/lib/cluster/kubernetes-client";
import { ApiException } from "../../scripts/lib/cluster/kubernetes-client";
import { NetbenchRun } from "../../scripts/netbench/runner";
import { findEnvironment } from "../../stacks/environments";
import { loadScenario } from "../doctor/scenarios";

const IMAGE = `registry.example/iperf3@sha256:${"a".repeat(64)}`;

/** A CoreV1Api whose namespace create answers only when `answerCreate()` is called. */
function slowCluster(options: { deleteHangs?: boolean } = {}) {
  const namespaces = new Set<string>();
  const calls: string[] = [];
  let answerCreate: () => void = () => undefined;
  let createSent: () => void = () => undefined;
  const sent = new Promise<void>((resolve) => (createSent = resolve));
  const nodes = loadScenario("onprem-healthy").objects.filter((o) => o.kind === "Node");
  const core = {
    listNode: () => Promise.resolve({ items: nodes }),
    createNamespace: ({ body }: { body: { metadata: { name: string } } }) => {
      calls.push("create sent");
      createSent();
      return new Promise((resolve) => {
        answerCreate = () => {
          namespaces.add(body.metadata.name);
          calls.push("create answered");
          resolve(body);
        };
      });
    },
    createNamespacedPod: () => new Promise(() => undefined),
    deleteNamespace: ({ name }: { name: string }) => {
      calls.push("delete sent");
      if (options.deleteHangs) return new Promise(() => undefined);
      if (!namespaces.delete(name)) {
        return Promise.reject(new ApiException(404, "not found", {}, {}));
      }
      return Promise.resolve({});
    },
  } as unknown as CoreV1Api;
  return { core, namespaces, calls, sent, answer: () => answerCreate() };
}

function bench(core: CoreV1Api, log: string[], cleanupTimeoutMs = 5_000): NetbenchRun {
  return new NetbenchRun(core, {
    env: findEnvironment("onprem"),
    image: IMAGE,
    settings: { streams: 1, seconds: 1, latencySeconds: 1 },
    log: (line) => log.push(line),
    cleanupTimeoutMs,
  });
}

describe("netbench cleanup on interruption", () => {
  it("waits for a namespace create in flight before deleting, so the namespace does not leak", async () => {
    const cluster = slowCluster();
    const log: string[] = [];
    const run = bench(cluster.core, log);
    void run.run().catch(() => undefined);
    await cluster.sent;
    // Ctrl-C now: the create has been sent and not answered.
    const cleaned = run.cleanup();
    setTimeout(cluster.answer, 50);
    await cleaned;
    expect(cluster.calls.slice(0, 3)).toEqual(["create sent", "create answered", "delete sent"]);
    expect([...cluster.namespaces]).toEqual([]);
    expect(log).toContain(`namespace ${run.namespace} deleted`);
  });

  it("says to run --cleanup when the create is still unanswered after the wait", async () => {
    const cluster = slowCluster();
    const log: string[] = [];
    const run = bench(cluster.core, log, 100);
    void run.run().catch(() => undefined);
    await cluster.sent;
    await run.cleanup();
    expect(log).toContain(
      `namespace ${run.namespace}: its create is still unanswered; run --cleanup later`,
    );
  });

  it("does not wait forever on a DELETE that never answers", async () => {
    const cluster = slowCluster({ deleteHangs: true });
    const log: string[] = [];
    const run = bench(cluster.core, log, 200);
    void run.run().catch(() => undefined);
    await cluster.sent;
    cluster.answer();
    const started = Date.now();
    await run.cleanup();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(log).toContain(
      `namespace ${run.namespace}: no answer to the delete in 0.2 s; run --cleanup later`,
    );
  });
});
