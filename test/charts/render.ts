/**
 * Renders releases with the real Helm (scripts/lib/charts/helm.ts) from local chart archives
 * only: Helm's homes are a fresh temporary folder, and every run goes through `proxy`, a local
 * port that counts connection attempts, so a render that reaches for the network fails and is
 * seen doing so.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { chartArchive } from "../../scripts/lib/charts/cache";
import { checkArchive } from "../../scripts/lib/charts/chart-files";
import { helmBinary, runHelm, type HelmRun } from "../../scripts/lib/charts/helm";
import type { ChartReference } from "../../scripts/lib/charts/references";
import type { ChartRelease } from "./releases";

export type KubernetesObject = {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  [field: string]: unknown;
};

/** Counts the connections Helm opens to its proxy: any is a network access. */
export class ProxyTrap {
  connections = 0;
  private readonly sockets = new Set<net.Socket>();
  private constructor(
    private readonly server: net.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ProxyTrap> {
    const server = net.createServer();
    const trap: { value?: ProxyTrap } = {};
    server.on("connection", (socket) => {
      trap.value!.connections++;
      trap.value!.sockets.add(socket);
      socket.on("close", () => trap.value!.sockets.delete(socket));
      socket.on("error", () => undefined);
      socket.end("HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    server.unref();
    const { port } = server.address() as net.AddressInfo;
    trap.value = new ProxyTrap(server, `http://127.0.0.1:${port}`);
    return trap.value;
  }

  /** Proxy variables in both spellings Go reads; nothing is exempt. */
  get env(): Record<string, string> {
    return Object.fromEntries(
      ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"]
        .map((name) => [name, this.url] as [string, string])
        .concat([
          ["NO_PROXY", ""],
          ["no_proxy", ""],
        ]),
    );
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface RenderedRelease {
  readonly objects: readonly KubernetesObject[];
  /** The chart archive or folder that was rendered. */
  readonly chartPath: string;
  readonly seconds: number;
}

export class HelmRenderer {
  readonly binary = helmBinary();
  private readonly home = fs.mkdtempSync(path.join(os.tmpdir(), "platform-helm-"));
  private readonly renders = new Map<string, Promise<RenderedRelease>>();
  private readonly showCache = new Map<string, Promise<HelmRun>>();
  private counter = 0;
  private readonly parsed = new Map<string, unknown>();
  private readonly verified = new Set<string>();
  private readonly folderDigests = new Map<string, string>();

  constructor(
    private readonly cacheDir: string,
    private readonly proxy: ProxyTrap,
  ) {}

  helm(args: readonly string[]): Promise<HelmRun> {
    return runHelm(this.binary, this.home, args, { env: this.proxy.env });
  }

  /** The archive of a repository chart; throws, saying how to fill the cache, when it is missing. */
  archive(reference: ChartReference): string {
    const file = chartArchive(this.cacheDir, reference.chart, reference.version);
    if (!fs.existsSync(file)) {
      throw new Error(
        `chart ${reference.chart} ${reference.version} (${reference.repository}) is not in the ` +
          `chart cache ${this.cacheDir}: run \`npm run charts\``,
      );
    }
    return file;
  }

  /** `helm show <what>` of a local chart, once per chart. */
  async show(what: "crds" | "values", chartPath: string): Promise<string> {
    const key = `${what} ${chartPath}`;
    if (!this.showCache.has(key)) this.showCache.set(key, this.helm(["show", what, chartPath]));
    const run = await this.showCache.get(key)!;
    if (run.status !== 0) throw new Error(`helm show ${what} ${chartPath} failed:\n${run.stderr}`);
    return run.stdout;
  }

  /** The chart's `crds/` documents, as the helm_template data source's `crds` lists them. */
  async crds(reference: ChartReference): Promise<string[]> {
    const text = await this.show("crds", this.verifiedArchive(reference));
    return text
      .split(/^---\s*$/m)
      .map((doc) => doc.trim())
      .filter((doc) => doc.length > 0 && parseYaml(doc) !== null);
  }

  /** The archive, after checking that its Chart.yaml names the chart and version asked for. */
  verifiedArchive(reference: ChartReference): string {
    const file = this.archive(reference);
    if (!this.verified.has(file)) {
      checkArchive(file, reference.chart, reference.version);
      this.verified.add(file);
    }
    return file;
  }

  /**
   * Renders a release once per distinct chart, values and Kubernetes version. A chart shipped as
   * an asset counts by its files: every stack that uses it has its own copy.
   */
  async render(
    release: ChartRelease,
    extraArguments: readonly string[] = [],
  ): Promise<RenderedRelease & { readonly reused: boolean }> {
    const key = JSON.stringify([
      "path" in release.chart ? { files: this.folderDigest(release.chart.path) } : release.chart,
      release.name,
      release.namespace,
      release.values,
      release.setArguments,
      release.includeCrds,
      release.kubeVersion,
      extraArguments,
    ]);
    const reused = this.renders.has(key);
    if (!reused) this.renders.set(key, this.renderOnce(release, extraArguments));
    return { ...(await this.renders.get(key)!), reused };
  }

  /** A digest of every file below `dir`, names and contents. */
  private folderDigest(dir: string): string {
    let digest = this.folderDigests.get(dir);
    if (!digest) {
      const hash = crypto.createHash("sha256");
      const files = fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
        .sort();
      for (const file of files) {
        hash
          .update(`${file}\0`)
          .update(fs.readFileSync(path.join(dir, file)))
          .update("\0");
      }
      digest = hash.digest("hex");
      this.folderDigests.set(dir, digest);
    }
    return digest;
  }

  private async renderOnce(
    release: ChartRelease,
    extraArguments: readonly string[],
  ): Promise<RenderedRelease> {
    const chartPath =
      "path" in release.chart ? release.chart.path : this.verifiedArchive(release.chart);
    const valueFiles = release.values.map((values) => {
      const file = path.join(this.home, `values-${++this.counter}.json`);
      fs.writeFileSync(file, JSON.stringify(values));
      return file;
    });
    const started = Date.now();
    const run = await this.helm([
      "template",
      release.name,
      chartPath,
      "--namespace",
      release.namespace,
      "--kube-version",
      release.kubeVersion,
      ...(release.includeCrds ? ["--include-crds"] : []),
      ...valueFiles.flatMap((file) => ["--values", file]),
      ...release.setArguments,
      ...extraArguments,
    ]);
    const seconds = (Date.now() - started) / 1000;
    if (run.status !== 0) {
      throw new RenderError(`${releaseLabel(release)} does not render:\n${run.stderr.trim()}`);
    }
    const objects = run.stdout.split(/^---[ \t]*$/m).flatMap((document) => {
      const value = this.parse(document, release);
      return value === null || value === undefined ? [] : [value as KubernetesObject];
    });
    return { objects, chartPath, seconds };
  }

  /**
   * One rendered document, parsed once per distinct text: the large CRD documents are the same
   * in every stack, and parsing YAML is most of a render's cost.
   */
  private parse(document: string, release: ChartRelease): unknown {
    if (!this.parsed.has(document)) {
      const [parsed, ...more] = parseAllDocuments(document);
      const error =
        parsed?.errors[0] ?? (more.length > 0 ? { message: "a second document" } : undefined);
      if (error)
        throw new RenderError(`${releaseLabel(release)} renders invalid YAML: ${error.message}`);
      this.parsed.set(document, parsed?.toJS() ?? null);
    }
    return this.parsed.get(document);
  }

  dispose(): void {
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}

/** A chart that fails to render: the finding itself, not a broken test. */
export class RenderError extends Error {}

export function releaseLabel(release: ChartRelease): string {
  const chart =
    "path" in release.chart
      ? path.basename(path.dirname(release.chart.path))
      : `${release.chart.chart} ${release.chart.version}`;
  return `${release.stack} release ${release.name} (${chart}, Kubernetes ${release.kubeVersion})`;
}
