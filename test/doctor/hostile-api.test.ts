/**
 * The doctor against API servers that do not behave: one that accepts and never answers, one
 * that streams a NodeList without end, one whose list pages never end, and against AWS without
 * credentials. Every run must end within its deadlines with exit status 2, name the request
 * that failed and say what to do next, keep `--json` output JSON, and stop on Ctrl-C.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { DOCTOR_HELP, run } from "../../scripts/doctor/cli";
import type { ReadLimits } from "../../scripts/lib/cluster/kube-reader";
import { scriptCommand } from "../support/script";

const ROOT = path.join(__dirname, "..", "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const LIMITS: ReadLimits = {
  requestTimeoutMs: 2_000,
  maxResponseBytes: 1024 * 1024,
  pageSize: 10,
  maxItems: 50,
};

let directory: string;
beforeAll(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), "doctor-hostile-"));
});
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

/** A loopback server with `handler`; returns a kubeconfig file for it and a close function. */
async function hostile(handler: http.RequestListener) {
  const sockets = new Set<import("net").Socket>();
  const server = http.createServer(handler);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const kubeconfig = path.join(directory, `kubeconfig-${port}`);
  fs.writeFileSync(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      `clusters: [{ name: hostile, cluster: { server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true } }]`,
      "users: [{ name: hostile, user: { token: t } }]",
      "contexts: [{ name: hostile, context: { cluster: hostile, user: hostile } }]",
      "current-context: hostile",
    ].join("\n"),
  );
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return { kubeconfig, close };
}

/** The doctor's arguments for the on-prem environment against `server` (plus `extra`). */
const against = (server: { kubeconfig: string }, ...extra: string[]) => [
  "onprem",
  ...extra,
  "--kubeconfig",
  server.kubeconfig,
  "--context",
  "hostile",
];

/** `run` in this process, with stdout and stderr captured. */
async function doctor(argv: string[], limits: ReadLimits = LIMITS) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = jest
    .spyOn(process.stdout, "write")
    .mockImplementation((c) => !!stdout.push(String(c)));
  const err = jest
    .spyOn(process.stderr, "write")
    .mockImplementation((c) => !!stderr.push(String(c)));
  const started = Date.now();
  try {
    const status = await run(argv, { deadlineMs: 20_000, limits });
    return { status, stdout: stdout.join(""), stderr: stderr.join(""), ms: Date.now() - started };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe("doctor --help", () => {
  it("prints usage, options, examples and exit statuses, and exits 0", async () => {
    for (const flag of ["--help", "-h"]) {
      const result = await doctor(["dev", flag]);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^usage: npm run doctor -- <env>/);
      for (const section of ["options:", "examples:", "exit status:", "--kubeconfig <file>"]) {
        expect(result.stdout).toContain(section);
      }
      expect(result.stdout).toContain(DOCTOR_HELP.examples[0]);
    }
  });
});

describe("doctor against hostile API servers", () => {
  it("gives up on a server that accepts and never answers, naming the request", async () => {
    const server = await hostile(() => undefined);
    try {
      const result = await doctor(against(server));
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(
        /^doctor: kubernetes GET \/\S+ failed: no complete answer within 2 s\n {2}next: /,
      );
      expect(result.ms).toBeLessThan(10_000);
    } finally {
      await server.close();
    }
  });

  it("stops reading an endless NodeList at the response cap, without holding it in memory", async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"kind":"NodeList","items":[');
      const node = `{"metadata":{"name":"${"n".repeat(1000)}"}},`;
      const pump = () => {
        while (res.write(node)) {
          /* until the socket is full */
        }
      };
      res.on("drain", pump);
      pump();
    });
    try {
      // The server runs in this process too: give it time to write past the cap.
      const result = await doctor(against(server), { ...LIMITS, requestTimeoutMs: 15_000 });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain("failed: the answer is larger than 1 MiB");
    } finally {
      await server.close();
    }
  });

  it("stops a list whose pages never end at the item cap", async () => {
    const server = await hostile((req, res) => {
      const page = Number(new URL(req.url ?? "/", "http://x").searchParams.get("continue") ?? 0);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          items: Array.from({ length: 10 }, (_, i) => ({ metadata: { name: `n${page}-${i}` } })),
          metadata: { continue: String(page + 1) },
        }),
      );
    });
    try {
      const result = await doctor(against(server));
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(
        "failed: more than 50 items; the doctor reads at most that many",
      );
    } finally {
      await server.close();
    }
  });

  it("keeps --json output JSON when it fails, naming the call and the next step", async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ kind: "Status", message: 'nodes is forbidden: User "x" cannot list' }),
      );
    });
    try {
      const result = await doctor(against(server, "--json"));
      expect(result.status).toBe(2);
      const parsed = JSON.parse(result.stdout) as {
        environment: string;
        error: { call: string; message: string; next: string };
      };
      expect(parsed.environment).toBe("onprem");
      expect(parsed.error.call).toMatch(/^kubernetes GET \//);
      expect(parsed.error.message).toContain('HTTP 403: nodes is forbidden: User "x" cannot list');
      expect(parsed.error.next).toContain("--kubeconfig");
    } finally {
      await server.close();
    }
  });

  it("ends at the overall deadline when every request is slow but within its own", async () => {
    const server = await hostile(() => undefined);
    try {
      const stdout: string[] = [];
      const err = jest
        .spyOn(process.stderr, "write")
        .mockImplementation((c) => !!stdout.push(String(c)));
      let status: number;
      try {
        status = await run(against(server), {
          deadlineMs: 300,
          limits: { ...LIMITS, requestTimeoutMs: 60_000 },
        });
      } finally {
        err.mockRestore();
      }
      expect(status).toBe(2);
      expect(stdout.join("")).toContain("stopped (the doctor's 0.3 s deadline passed)");
    } finally {
      await server.close();
    }
  });

  it("stops on Ctrl-C while a request hangs, run as npm run doctor runs it", async () => {
    let asked: () => void = () => undefined;
    const request = new Promise<void>((resolve) => (asked = resolve));
    const server = await hostile(() => asked());
    try {
      const child = spawn(TSX, ["scripts/doctor.ts", ...against(server)], {
        cwd: ROOT,
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      await request;
      const sent = Date.now();
      child.kill("SIGINT");
      const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect({ status, stderr: stderr.split("\n")[0] }).toEqual({
        status: 130,
        stderr: expect.stringContaining("stopped (interrupted)"),
      });
      expect(Date.now() - sent).toBeLessThan(3_000);
    } finally {
      await server.close();
    }
  });
});

describe("doctor on EKS without AWS credentials", () => {
  const noCredentials = {
    ...process.env,
    AWS_ACCESS_KEY_ID: "",
    AWS_SECRET_ACCESS_KEY: "",
    AWS_SESSION_TOKEN: "",
    AWS_PROFILE: "",
    AWS_CONFIG_FILE: "/nonexistent",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
    // The credential chain would otherwise ask the instance metadata address.
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONTAINER_CREDENTIALS_FULL_URI: "",
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "",
    AWS_WEB_IDENTITY_TOKEN_FILE: "",
  };

  function doctorProcess(args: string[]) {
    return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const [command, commandArgs] = scriptCommand("scripts/doctor.ts", args);
      const child = spawn(command, commandArgs, { cwd: ROOT, env: noCredentials });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
  }

  it("names eks:DescribeCluster and the next step (a profile, or --kubeconfig), without the SDK's warning", async () => {
    const [text, json] = await Promise.all([
      doctorProcess(["dev"]),
      doctorProcess(["dev", "--json"]),
    ]);
    expect(text.status).toBe(2);
    expect(text.stderr).toMatch(/^doctor: eks:DescribeCluster failed: .*credentials/i);
    expect(text.stderr).toContain("next: give this shell AWS credentials");
    expect(text.stderr).toContain("AWS_PROFILE=<profile>");
    expect(text.stderr).toContain("--kubeconfig <file>");
    expect(text.stderr).not.toContain("NodeVersionSupportWarning");
    expect(json.status).toBe(2);
    const parsed = JSON.parse(json.stdout) as { error: { call: string; next: string } };
    expect(parsed.error.call).toBe("eks:DescribeCluster");
    expect(parsed.error.next).toContain("AWS_PROFILE=<profile>");
    expect(json.stderr).toBe("");
  });
});
