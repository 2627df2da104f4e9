import { F5_NGINX_CHART } from "../../constructs/ingress/f5-nginx";
import { INGRESS_NGINX_CHART } from "../../constructs/ingress/ingress-nginx";
import type { Environment } from "../../stacks/environment/schema";
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  isNotFound,
  type CoreV1Event,
  type KubeConfig,
  type V1ConfigMap,
  type V1DaemonSet,
  type V1Deployment,
  type V1Node,
  type V1Pod,
  type V1Service,
} from "../lib/cluster/kubernetes-client";
import type {
  Advertisement,
  Installation,
  IpAddressPool,
  IpPool,
  NodeClaim,
  TigeraStatus,
} from "./resources";

/** Where the tigera-operator runs Calico's own components. */
export const CALICO_NAMESPACE = "calico-system";
/** The MetalLB construct's namespace (environments cannot change it). */
export const METALLB_NAMESPACE = "metallb-system";

/** The platform stack installs each controller in a namespace named after its release. */
const INGRESS_NAMESPACES = {
  "f5-nginx": F5_NGINX_CHART.releaseName,
  "ingress-nginx": INGRESS_NGINX_CHART.releaseName,
} as const;

/**
 * Everything the checks read from the cluster, fetched once. `undefined` means the API server
 * answered 404: the object does not exist, or its custom resource type is not installed.
 */
export interface ClusterSnapshot {
  readonly nodes: readonly V1Node[];
  readonly pendingPods: readonly V1Pod[];
  /** `FailedCreatePodSandBox` events: the CNI's error for each pod it could not wire up. */
  readonly sandboxEvents: readonly CoreV1Event[];
  readonly calicoPods: readonly V1Pod[];
  /** Failed probes of Calico's pods; calico-node's readiness output names unestablished BGP peers. */
  readonly calicoProbeEvents: readonly CoreV1Event[];
  readonly calicoNode?: V1DaemonSet;
  readonly typha?: V1Deployment;
  readonly tigeraStatuses?: readonly TigeraStatus[];
  readonly installation?: Installation;
  readonly ipPools?: readonly IpPool[];
  /** Read on EKS only, where Karpenter runs. */
  readonly nodeClaims?: readonly NodeClaim[];
  readonly loadBalancerServices: readonly V1Service[];
  readonly serviceEvents: readonly CoreV1Event[];
  /** Namespace of the environment's ingress controller. */
  readonly ingressNamespace: string;
  /** Read on-prem only, where MetalLB runs. */
  readonly metallb?: MetalLbSnapshot;
}

export interface MetalLbSnapshot {
  readonly speakers: readonly V1DaemonSet[];
  readonly pools?: readonly IpAddressPool[];
  readonly advertisements: readonly Advertisement[];
  /** kube-system/kube-proxy: its `config.conf` says whether IPVS mode and strictARP are on. */
  readonly kubeProxy?: V1ConfigMap;
}

/** The value, or undefined when the API server answers 404; any other error stops the doctor. */
async function unless404<T>(what: string, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new Error(`cannot read ${what}: ${detail}`, { cause: error });
  }
}

interface CustomList<T> {
  readonly items: readonly T[];
}

/** Reads what the checks need, in parallel. */
export async function collectSnapshot(
  env: Environment,
  config: KubeConfig,
): Promise<ClusterSnapshot> {
  const core = config.makeApiClient(CoreV1Api);
  const apps = config.makeApiClient(AppsV1Api);
  const custom = config.makeApiClient(CustomObjectsApi);
  const clusterList = async <T>(group: string, version: string, plural: string) =>
    (
      await unless404(
        `${plural}.${group}`,
        () => custom.listClusterCustomObject({ group, version, plural }) as Promise<CustomList<T>>,
      )
    )?.items;
  const metallbList = async <T>(plural: string) =>
    (
      await unless404(
        `${plural}.metallb.io`,
        () =>
          custom.listNamespacedCustomObject({
            group: "metallb.io",
            version: "v1beta1",
            namespace: METALLB_NAMESPACE,
            plural,
          }) as Promise<CustomList<T>>,
      )
    )?.items;
  const advertisements = async (kind: Advertisement["kind"], plural: string) =>
    ((await metallbList<Advertisement>(plural)) ?? []).map((a) => ({ ...a, kind }));

  const ingressNamespace = INGRESS_NAMESPACES[env.ingress.controller];
  const [
    nodes,
    pendingPods,
    sandboxEvents,
    calicoPods,
    calicoProbeEvents,
    calicoNode,
    typha,
    tigeraStatuses,
    installation,
    ipPools,
    nodeClaims,
    services,
    serviceEvents,
    metallb,
  ] = await Promise.all([
    core.listNode().then((l) => l.items),
    core.listPodForAllNamespaces({ fieldSelector: "status.phase=Pending" }).then((l) => l.items),
    core
      .listEventForAllNamespaces({ fieldSelector: "reason=FailedCreatePodSandBox" })
      .then((l) => l.items),
    core.listNamespacedPod({ namespace: CALICO_NAMESPACE }).then((l) => l.items),
    core
      .listNamespacedEvent({ namespace: CALICO_NAMESPACE, fieldSelector: "reason=Unhealthy" })
      .then((l) => l.items),
    unless404("daemonset calico-system/calico-node", () =>
      apps.readNamespacedDaemonSet({ namespace: CALICO_NAMESPACE, name: "calico-node" }),
    ),
    unless404("deployment calico-system/calico-typha", () =>
      apps.readNamespacedDeployment({ namespace: CALICO_NAMESPACE, name: "calico-typha" }),
    ),
    clusterList<TigeraStatus>("operator.tigera.io", "v1", "tigerastatuses"),
    unless404(
      "installation default",
      () =>
        custom.getClusterCustomObject({
          group: "operator.tigera.io",
          version: "v1",
          plural: "installations",
          name: "default",
        }) as Promise<Installation>,
    ),
    clusterList<IpPool>("crd.projectcalico.org", "v1", "ippools"),
    env.platform === "eks"
      ? clusterList<NodeClaim>("karpenter.sh", "v1", "nodeclaims")
      : Promise.resolve(undefined),
    core.listServiceForAllNamespaces().then((l) => l.items),
    core
      .listEventForAllNamespaces({ fieldSelector: "involvedObject.kind=Service" })
      .then((l) => l.items),
    env.platform === "onprem"
      ? Promise.all([
          apps.listNamespacedDaemonSet({
            namespace: METALLB_NAMESPACE,
            labelSelector: "app.kubernetes.io/component=speaker",
          }),
          metallbList<IpAddressPool>("ipaddresspools"),
          advertisements("L2Advertisement", "l2advertisements"),
          advertisements("BGPAdvertisement", "bgpadvertisements"),
          unless404("configmap kube-system/kube-proxy", () =>
            core.readNamespacedConfigMap({ namespace: "kube-system", name: "kube-proxy" }),
          ),
        ]).then(([speakers, pools, l2, bgp, kubeProxy]) => ({
          speakers: speakers.items,
          pools,
          advertisements: [...l2, ...bgp],
          kubeProxy,
        }))
      : Promise.resolve(undefined),
  ]);
  return {
    nodes,
    pendingPods,
    sandboxEvents,
    calicoPods,
    calicoProbeEvents,
    calicoNode,
    typha,
    tigeraStatuses,
    installation,
    ipPools,
    nodeClaims,
    loadBalancerServices: services.filter((s) => s.spec?.type === "LoadBalancer"),
    serviceEvents,
    ingressNamespace,
    metallb,
  };
}
