/**
 * A fake Kubernetes API server on loopback, for driving the real `@kubernetes/client-node` over
 * HTTP. It serves a set of objects the way the API server does: lists (cluster-wide, per
 * namespace, across namespaces) with field and label selectors, single objects, pod logs, and
 * creates and deletes. Custom resource types are served only when their CustomResourceDefinition
 * is among the objects, so a missing CRD answers 404 as it does in a real cluster.
 */
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import { KubeConfig } from "../../scripts/lib/cluster/kubernetes-client";

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
}

export interface FakeApiServerOptions {
  /** Called with every created object before it is stored; may fill in its status. */
  readonly onCreate?: (object: KubeObject) => void;
  /** The log text of a pod (`GET .../pods/<name>/log`). */
  readonly podLog?: (pod: KubeObject) => string;
}

export interface FakeApiServer {
  readonly url: string;
  readonly requests: readonly ApiRequest[];
  /** The objects as they are now (after creates and deletes). */
  objects(): KubeObject[];
  /** A client configuration for it, as `kubeConfigFor` would build. */
  kubeConfig(): KubeConfig;
  /** Writes a kubeconfig file for it (context `fake`), for tools run as child processes. */
  writeKubeconfig(directory: string): string;
  close(): Promise<void>;
}

/** `apiVersion` + plural, from the URL. */
interface Resource {
  readonly groupVersion: string;
  readonly plural: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
}

function parsePath(pathname: string): Resource | undefined {
  const parts = pathname.split("/").filter(Boolean);
  let rest: string[];
  let groupVersion: string;
  if (parts[0] === "api" && parts[1] === "v1") {
    groupVersion = "v1";
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 3) {
    groupVersion = `${parts[1]}/${parts[2]}`;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const [, namespace, plural, name, subresource] = rest;
    return { groupVersion, plural, namespace, name, subresource };
  }
  const [plural, name, subresource] = rest;
  return plural ? { groupVersion, plural, name, subresource } : undefined;
}

/** `TigeraStatus` → `tigerastatuses`, `Node` → `nodes`: the API's plural for the kinds used here. */
export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  return lower.endsWith("s") ? `${lower}es` : `${lower}s`;
}

function valueAt(object: unknown, dotted: string): string | undefined {
  let current: unknown = object;
  for (const key of dotted.split(".")) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current === undefined || current === null ? undefined : String(current);
}

/** `a=b,c!=d`: every term must hold. Field and label selectors share the syntax used here. */
function selects(selector: string | null, read: (key: string) => string | undefined): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const notEqual = term.split("!=");
    if (notEqual.length === 2) return read(notEqual[0]) !== notEqual[1];
    const [key, value] = term.split("=");
    return value === undefined ? read(key) !== undefined : read(key) === value;
  });
}

export async function startFakeApiServer(
  seed: readonly KubeObject[],
  options: FakeApiServerOptions = {},
): Promise<FakeApiServer> {
  let store: KubeObject[] = structuredClone([...seed]);
  const requests: ApiRequest[] = [];
  let uid = 0;

  const served = (r: Resource) => {
    if (r.groupVersion === "v1" || r.groupVersion.startsWith("apps/")) return true;
    const group = r.groupVersion.split("/")[0];
    return store.some(
      (o) => o.kind === "CustomResourceDefinition" && o.metadata.name === `${r.plural}.${group}`,
    );
  };
  const matches = (o: KubeObject, r: Resource) =>
    o.apiVersion === r.groupVersion &&
    pluralOf(o.kind) === r.plural &&
    (r.namespace === undefined || o.metadata.namespace === r.namespace) &&
    (r.name === undefined || o.metadata.name === r.name);
  const inNamespace = (o: KubeObject, namespace: string) =>
    o.metadata.namespace === namespace || (o.kind === "Namespace" && o.metadata.name === namespace);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    requests.push({ method: req.method ?? "GET", path: url.pathname, query: url.searchParams });
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const status = (code: number, reason: string, message: string) =>
      send(code, { kind: "Status", apiVersion: "v1", status: "Failure", reason, message, code });
    const resource = parsePath(url.pathname);
    if (!resource || !served(resource)) {
      return status(404, "NotFound", `the server could not find the requested resource`);
    }
    const selected = () =>
      store.filter(
        (o) =>
          matches(o, resource) &&
          selects(url.searchParams.get("fieldSelector"), (k) => valueAt(o, k)) &&
          selects(url.searchParams.get("labelSelector"), (k) => o.metadata.labels?.[k]),
      );
    const one = resource.name === undefined ? undefined : selected()[0];
    const notFound = () =>
      status(404, "NotFound", `${resource.plural} "${resource.name}" not found`);

    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      if (req.method === "GET" && resource.subresource === "log") {
        if (!one) return notFound();
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end(options.podLog?.(one) ?? "");
      }
      if (req.method === "GET" && resource.name === undefined) {
        return send(200, {
          apiVersion: resource.groupVersion,
          kind: "List",
          metadata: { resourceVersion: "1" },
          items: selected(),
        });
      }
      if (req.method === "GET") return one ? send(200, one) : notFound();
      if (req.method === "POST" && resource.name === undefined) {
        const object = JSON.parse(body) as KubeObject;
        if (resource.namespace) object.metadata.namespace = resource.namespace;
        if (store.some((o) => matches(o, { ...resource, name: object.metadata.name }))) {
          return status(
            409,
            "AlreadyExists",
            `${resource.plural} "${object.metadata.name}" already exists`,
          );
        }
        object.metadata.uid = `uid-${++uid}`;
        object.metadata.creationTimestamp = new Date().toISOString();
        options.onCreate?.(object);
        store.push(object);
        return send(201, object);
      }
      if (req.method === "DELETE") {
        const doomed = resource.name === undefined ? selected() : one ? [one] : [];
        if (resource.name !== undefined && doomed.length === 0) return notFound();
        // Deleting a namespace deletes everything in it, as the namespace controller would.
        const namespaces = doomed.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name);
        store = store.filter(
          (o) => !doomed.includes(o) && !namespaces.some((ns) => inNamespace(o, ns)),
        );
        return send(200, one ?? { apiVersion: resource.groupVersion, kind: "List", items: doomed });
      }
      return status(405, "MethodNotAllowed", `${req.method} is not supported by the fake`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Plain HTTP on loopback: the client refuses http:// unless TLS verification is switched off.
  const cluster = { name: "fake", server: url, skipTLSVerify: true };
  const user = { name: "fake", token: "fake-token" };

  return {
    url,
    requests,
    objects: () => structuredClone(store),
    kubeConfig: () => {
      const config = new KubeConfig();
      config.loadFromOptions({
        clusters: [cluster],
        users: [user],
        contexts: [{ name: "fake", cluster: "fake", user: "fake" }],
        currentContext: "fake",
      });
      return config;
    },
    writeKubeconfig: (directory) => {
      const file = path.join(directory, "kubeconfig.json");
      fs.writeFileSync(
        file,
        JSON.stringify({
          apiVersion: "v1",
          kind: "Config",
          clusters: [{ name: "fake", cluster: { server: url, "insecure-skip-tls-verify": true } }],
          users: [{ name: "fake", user: { token: user.token } }],
          contexts: [{ name: "fake", context: { cluster: "fake", user: "fake" } }],
          "current-context": "fake",
        }),
      );
      return file;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
