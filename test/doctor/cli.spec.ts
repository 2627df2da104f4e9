import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs, run } from "../../scripts/doctor/cli";
import type { DoctorReport } from "../../scripts/doctor/doctor";
import { shippedEnvironments } from "../../stacks/environments";
import { startFakeApiServer, type FakeApiServer } from "./fake-api-server";
import { loadScenario } from "./scenarios";
import { scriptCommand } from "../support/script";

const ROOT = path.join(__dirname, "..", "..");

/**
 * Runs scripts/doctor.ts, what `npm run doctor` runs (see scriptCommand for the launcher), in a
 * child process, without blocking the fake server in this process.
 */
function doctor(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const [command, commandArgs] = scriptCommand("scripts/doctor.ts", args);
  return new Promise((resolve) => {
    execFile(command, commandArgs, { cwd: ROOT }, (error, stdout, stderr) =>
      resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe("doctor command line", () => {
  it("takes one environment and its options", () => {
    expect(parseArgs(["onprem", "--json", "--kubeconfig", "k.yaml", "--context", "c"])).toEqual({
      environment: "onprem",
      json: true,
      kubeconfig: "k.yaml",
      context: "c",
    });
    expect(() => parseArgs([])).toThrow("name one environment");
    expect(() => parseArgs(["dev", "--verbose"])).toThrow("unknown option --verbose");
    expect(() => parseArgs(["dev", "--kubeconfig"])).toThrow("--kubeconfig needs a value");
  });

  describe("against a fake cluster", () => {
    let server: FakeApiServer;
    let kubeconfig: string;
    let directory: string;

    async function serve(scenario: string): Promise<void> {
      server = await startFakeApiServer(loadScenario(scenario).objects);
      kubeconfig = server.writeKubeconfig(directory);
    }

    beforeEach(() => {
      directory = fs.mkdtempSync(path.join(os.tmpdir(), "doctor-"));
    });
    afterEach(async () => {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    });

    it("prints JSON with --json and exits 0 when nothing failed", async () => {
      await serve("onprem-healthy");
      const written: string[] = [];
      const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk) => {
        written.push(String(chunk));
        return true;
      });
      try {
        // The kubeconfig has only the context "fake"; --context overrides the environment's.
        const status = await run([
          "onprem",
          "--json",
          "--kubeconfig",
          kubeconfig,
          "--context",
          "fake",
        ]);
        expect(status).toBe(0);
      } finally {
        spy.mockRestore();
      }
      const report = JSON.parse(written.join("")) as DoctorReport;
      expect(report).toMatchObject({
        environment: "onprem",
        platform: "onprem",
        mode: "direct",
        interfaceMtu: 1500,
        podMtu: 1500,
        summary: { pass: 15, warn: 0, fail: 0 },
      });
    });

    it("runs as `npm run doctor` does and exits 1 on a failed check", async () => {
      await serve("metallb-pool-exhausted");
      const result = await doctor(["onprem", "--kubeconfig", kubeconfig, "--context", "fake"]);
      expect(result.status).toBe(1);
      const lines = result.stdout.trimEnd().split("\n");
      expect(lines[0]).toBe("doctor onprem: onprem, direct, pod MTU 1500 (interface 1500)");
      expect(lines).toContain(
        "✘ metallb.services       Service nginx-ingress/nginx-ingress-controller is pending an " +
          'address: pool exhausted (Failed to allocate IP for "nginx-ingress/nginx-ingress-controller": no available IPs)',
      );
      expect(lines[lines.length - 1]).toBe("13 ✔  0 ⚠  2 ✘");
    });
  });

  it("names the call and the next step when the kubeconfig cannot be read, also in JSON", async () => {
    const missing = path.join(os.tmpdir(), "doctor-no-such-kubeconfig");
    const [text, json] = await Promise.all([
      doctor(["onprem", "--kubeconfig", missing]),
      doctor(["onprem", "--json", "--kubeconfig", missing]),
    ]);
    expect([text.status, json.status]).toEqual([2, 2]);
    expect(text.stderr).toMatch(
      new RegExp(
        `^doctor: cannot read kubeconfig ${missing}: no such file\n {2}next: pass a kubeconfig`,
      ),
    );
    expect(JSON.parse(json.stdout)).toEqual({
      environment: "onprem",
      error: {
        call: `read kubeconfig ${missing}`,
        message: `cannot read kubeconfig ${missing}: no such file`,
        next: expect.stringContaining("--kubeconfig <file>"),
      },
    });
  });

  it("exits 2 when it cannot run at all", async () => {
    const [result, forged] = await Promise.all([
      doctor(["nosuch"]),
      doctor(["d\u001b[31mev\n::error::x"]),
    ]);
    expect(result.status).toBe(2);
    const known = shippedEnvironments().map((e) => e.name);
    expect(result.stderr).toContain(`unknown environment "nosuch"; known: ${known.join(", ")}`);
    // Quoted and escaped: no terminal escape, no line of its own for a workflow command.
    expect(forged.stderr).toContain('unknown environment "d\\u001b[31mev\\n::error::x"');
    expect(forged.stderr).not.toMatch(/^::error::/m);
  });
});
