/**
 * The doctor's and netbench's request timeouts must fire even when the garbage collector runs
 * while they wait. Node 20's `AbortSignal.any([run, AbortSignal.timeout(ms)])` loses its timeout
 * that way (nodejs/node#57736): the request then waited for the run's overall deadline (seen as a
 * flaky hostile-API test under load). `withTimeout` keeps its own timer.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { withTimeout } from "../../scripts/lib/cluster/timeout";

const ROOT = path.resolve(__dirname, "..", "..");

describe("request timeouts (scripts/lib/cluster/timeout.ts)", () => {
  it("fire while the garbage collector runs", () => {
    const result = spawnSync(
      process.execPath,
      [
        "--expose-gc",
        path.join(ROOT, "scripts", "ts-app.cjs"),
        path.join(__dirname, "fixtures", "timeout-under-gc.ts"),
      ],
      { cwd: ROOT, encoding: "utf8", timeout: 30_000 },
    );
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("timed out");
    expect(result.status).toBe(0);
  });

  it("follow the run's signal, and report whether the time passed", async () => {
    const run = new AbortController();
    const early = withTimeout(60_000, run.signal);
    run.abort(new Error("interrupted"));
    expect(early.signal.aborted).toBe(true);
    expect(early.timedOut()).toBe(false);
    early.clear();

    const late = withTimeout(10);
    await new Promise((resolve) => late.signal.addEventListener("abort", resolve));
    expect(late.timedOut()).toBe(true);
    expect((late.signal.reason as Error).name).toBe("TimeoutError");
  });
});
