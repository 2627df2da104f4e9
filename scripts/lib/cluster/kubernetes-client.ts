/**
 * `@kubernetes/client-node`, loaded from the CommonJS bundle that `npm run prepare` builds (see
 * build-kubernetes-client.mjs for why). Types come from the package itself.
 */
import type {
  ApiException as ApiExceptionClass,
  AppsV1Api as AppsV1ApiClass,
  CoreV1Api as CoreV1ApiClass,
  CustomObjectsApi as CustomObjectsApiClass,
  KubeConfig as KubeConfigClass,
} from "@kubernetes/client-node" with { "resolution-mode": "import" };

export type {
  CoreV1Event,
  V1ConfigMap,
  V1DaemonSet,
  V1Deployment,
  V1Namespace,
  V1Node,
  V1Pod,
  V1Service,
} from "@kubernetes/client-node" with { "resolution-mode": "import" };

interface KubernetesClient {
  readonly ApiException: typeof ApiExceptionClass;
  readonly AppsV1Api: typeof AppsV1ApiClass;
  readonly CoreV1Api: typeof CoreV1ApiClass;
  readonly CustomObjectsApi: typeof CustomObjectsApiClass;
  readonly KubeConfig: typeof KubeConfigClass;
}

function load(): KubernetesClient {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("./generated/kubernetes-client.cjs") as KubernetesClient;
  } catch (cause) {
    throw new Error(
      "The Kubernetes client is not built: run `npm install` (its prepare step builds " +
        "scripts/lib/cluster/generated/kubernetes-client.cjs).",
      { cause },
    );
  }
}

const client = load();
// Each class is exported as a value and, under the same name, as its instance type.
export const ApiException = client.ApiException;
export const AppsV1Api = client.AppsV1Api;
export type AppsV1Api = AppsV1ApiClass;
export const CoreV1Api = client.CoreV1Api;
export type CoreV1Api = CoreV1ApiClass;
export const CustomObjectsApi = client.CustomObjectsApi;
export type CustomObjectsApi = CustomObjectsApiClass;
export const KubeConfig = client.KubeConfig;
export type KubeConfig = KubeConfigClass;

/** Whether `error` is the API server answering 404: the object, or its resource type, does not exist. */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}
