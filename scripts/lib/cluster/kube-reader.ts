/**
 * Reads from a Kubernetes API server that may be slow, hostile or huge. Every request has its own
 * deadline and a cap on the bytes it may return (the body is counted as it arrives and dropped
 * past the cap, never buffered whole); lists are read in pages (`limit`/`continue`) up to an item
 * cap; everything stops when the run's signal aborts (the overall deadline, Ctrl-C). Errors name
 * the request. The client library is only used for what it does well: the kubeconfig, TLS and
 * credentials of each request.
 */
import * as http from "http";
import * as https from "https";
import type { KubeConfig } from "./kubernetes-client";
import { withTimeout } from "./timeout";

export interface ReadLimits {
  /** Milliseconds one request may take, first byte to last. */
  readonly requestTimeoutMs: number;
  /** Bytes one response may have. */
  readonly maxResponseBytes: number;
  /** Items asked for per page of a list. */
  readonly pageSize: number;
  /** Items one list may have in all. */
  readonly maxItems: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {
  requestTimeoutMs: 15_000,
  maxResponseBytes: 64 * 1024 * 1024,
  pageSize: 500,
  maxItems: 20_000,
};

/** A request that failed: names it, says why, and what to try next. */
export class KubeRequestError extends Error {
  constructor(
    readonly request: string,
    readonly detail: string,
    readonly status?: number,
  ) {
    super(`kubernetes ${request} failed: ${detail}`);
    this.name = "KubeRequestError";
  }
}

interface ListPage<T> {
  readonly items?: T[];
  readonly metadata?: { readonly continue?: string };
}

export class KubeReader {
  constructor(
    private readonly config: KubeConfig,
    private readonly signal: AbortSignal = new AbortController().signal,
    private readonly limits: ReadLimits = DEFAULT_READ_LIMITS,
  ) {}

  /** The object at `path`, or undefined when the API server answers 404. */
  async get<T>(path: string): Promise<T | undefined> {
    try {
      return await this.request<T>(path);
    } catch (error) {
      if (error instanceof KubeRequestError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Every item of the list at `path` (undefined on 404), read page by page. */
  async list<T>(path: string, query: Record<string, string> = {}): Promise<T[] | undefined> {
    const items: T[] = [];
    let next: string | undefined;
    do {
      const params = new URLSearchParams({
        ...query,
        limit: String(this.limits.pageSize),
        ...(next ? { continue: next } : {}),
      });
      const page = await this.get<ListPage<T>>(`${path}?${params}`);
      if (page === undefined) return undefined;
      items.push(...(page.items ?? []));
      if (items.length > this.limits.maxItems) {
        throw new KubeRequestError(
          `GET ${path}`,
          `more than ${this.limits.maxItems} items; the doctor reads at most that many`,
        );
      }
      next = page.metadata?.continue || undefined;
    } while (next);
    return items;
  }

  private async request<T>(path: string): Promise<T> {
    const name = `GET ${path.split("?")[0]}`;
    const server = this.config.getCurrentCluster()?.server;
    if (!server) throw new KubeRequestError(name, "the kubeconfig names no cluster server");
    const options: https.RequestOptions = {};
    try {
      await this.config.applyToHTTPSOptions(options);
    } catch (error) {
      throw new KubeRequestError(name, `no credentials: ${firstLine(error)}`);
    }
    // Appended, not resolved: a server URL may carry a path (an API proxy's cluster prefix).
    const url = new URL(`${server.replace(/\/+$/, "")}${path}`);
    const body = await this.fetch(name, url, options);
    try {
      return JSON.parse(body) as T;
    } catch {
      throw new KubeRequestError(name, "the answer is not JSON");
    }
  }

  private fetch(name: string, url: URL, options: https.RequestOptions): Promise<string> {
    const { requestTimeoutMs, maxResponseBytes } = this.limits;
    const timeout = withTimeout(requestTimeoutMs, this.signal);
    const { signal } = timeout;
    const transport = url.protocol === "http:" ? http : https;
    return new Promise<string>((resolve, reject) => {
      const fail = (detail: string, status?: number) => {
        request.destroy();
        reject(new KubeRequestError(name, detail, status));
      };
      const onAbort = () =>
        fail(
          this.signal.aborted
            ? `stopped (${String(this.signal.reason instanceof Error ? this.signal.reason.message : this.signal.reason)})`
            : `no complete answer within ${requestTimeoutMs / 1000} s`,
        );
      const request = transport.get(
        url,
        { ...options, headers: { ...options.headers, Accept: "application/json" } },
        (response) => {
          const status = response.statusCode ?? 0;
          const chunks: Buffer[] = [];
          let size = 0;
          response.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxResponseBytes) {
              fail(`the answer is larger than ${maxResponseBytes / 1024 / 1024} MiB`);
              return;
            }
            chunks.push(chunk);
          });
          response.on("error", (error) => fail(firstLine(error)));
          response.on("end", () => {
            signal.removeEventListener("abort", onAbort);
            const text = Buffer.concat(chunks).toString("utf8");
            if (status >= 200 && status < 300) resolve(text);
            else fail(`HTTP ${status}${statusMessage(text)}`, status);
          });
        },
      );
      request.on("error", (error) => fail(firstLine(error)));
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    }).finally(() => timeout.clear());
  }
}

/** The API server's own message, shortened: `: forbidden: User "x" cannot list nodes`. */
function statusMessage(body: string): string {
  try {
    const { message } = JSON.parse(body) as { message?: unknown };
    return typeof message === "string" ? `: ${message.slice(0, 300)}` : "";
  } catch {
    return "";
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0].slice(0, 300);
}
