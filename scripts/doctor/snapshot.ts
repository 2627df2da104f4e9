import { F5_NGINX_CHART } from "../../constructs/ingress/f5-nginx";
import { INGRESS_NGINX_CHART } from "../../constructs/ingress/ingress-nginx";
import type { Environment } from "../../stacks/environment/schema";
import type { KubeReader } from "../lib/cluster/kube-reader";
import type {
  CoreV1Event,
  V1ConfigMap,
  V1DaemonSet,
  V1Deployment,
  V1Node,
  V1Pod,
  V1Service,
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

const CALICO = `/api/v1/namespaces/${CALICO_NAMESPACE}`;
const CALICO_APPS = `/apis/apps/v1/namespaces/${CALICO_NAMESPACE}`;
const METALLB = `/apis/metallb.io/v1beta1/namespaces/${METALLB_NAMESPACE}`;

/**
 * Reads what the checks need, in parallel, each request bounded (see KubeReader). Objects and
 * custom resource types that do not exist (404) are `undefined`; any other failure stops the
 * doctor with the request named.
 */
export async function collectSnapshot(
  env: Environment,
  reader: KubeReader,
): Promise<ClusterSnapshot> {
  const all = async <T>(path: string, query?: Record<string, string>) =>
    (await reader.list<T>(path, query)) ?? [];
  const advertisements = async (kind: Advertisement["kind"], plural: string) =>
    (await all<Advertisement>(`${METALLB}/${plural}`)).map((a) => ({ ...a, kind }));

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
    all<V1Node>("/api/v1/nodes"),
    all<V1Pod>("/api/v1/pods", { fieldSelector: "status.phase=Pending" }),
    all<CoreV1Event>("/api/v1/events", { fieldSelector: "reason=FailedCreatePodSandBox" }),
    all<V1Pod>(`${CALICO}/pods`),
    all<CoreV1Event>(`${CALICO}/events`, { fieldSelector: "reason=Unhealthy" }),
    reader.get<V1DaemonSet>(`${CALICO_APPS}/daemonsets/calico-node`),
    reader.get<V1Deployment>(`${CALICO_APPS}/deployments/calico-typha`),
    reader.list<TigeraStatus>("/apis/operator.tigera.io/v1/tigerastatuses"),
    reader.get<Installation>("/apis/operator.tigera.io/v1/installations/default"),
    reader.list<IpPool>("/apis/crd.projectcalico.org/v1/ippools"),
    env.platform === "eks"
      ? reader.list<NodeClaim>("/apis/karpenter.sh/v1/nodeclaims")
      : Promise.resolve(undefined),
    all<V1Service>("/api/v1/services"),
    all<CoreV1Event>("/api/v1/events", { fieldSelector: "involvedObject.kind=Service" }),
    env.platform === "onprem"
      ? Promise.all([
          all<V1DaemonSet>(`/apis/apps/v1/namespaces/${METALLB_NAMESPACE}/daemonsets`, {
            labelSelector: "app.kubernetes.io/component=speaker",
          }),
          reader.list<IpAddressPool>(`${METALLB}/ipaddresspools`),
          advertisements("L2Advertisement", "l2advertisements"),
          advertisements("BGPAdvertisement", "bgpadvertisements"),
          reader.get<V1ConfigMap>("/api/v1/namespaces/kube-system/configmaps/kube-proxy"),
        ]).then(([speakers, pools, l2, bgp, kubeProxy]) => ({
          speakers,
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
