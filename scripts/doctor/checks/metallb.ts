import { parse as parseYaml } from "yaml";
import { parseAddressRange, parseIpv4 } from "../../../constructs/shared/cidr";
import type { V1Service } from "../../lib/cluster/kubernetes-client";
import { deploy, fail, listOf, pass, warn, type DoctorCheck, type Outcome } from "../check";
import { latestEvent, qualifiedName } from "../kube-facts";
import type { Advertisement, IpAddressPool } from "../resources";
import { METALLB_NAMESPACE, type MetalLbSnapshot } from "../snapshot";

const onPrem: DoctorCheck["appliesTo"] = ({ env }) => env.platform === "onprem";

/** An advertisement naming no pools and no pool selectors announces every pool. */
function announces(ad: Advertisement, pool: string): boolean {
  const named = ad.spec?.ipAddressPools ?? [];
  const selectors = ad.spec?.ipAddressPoolSelectors ?? [];
  return named.includes(pool) || (named.length === 0 && selectors.length === 0);
}

function unannounced(metallb: MetalLbSnapshot): IpAddressPool[] {
  return (metallb.pools ?? []).filter(
    (p) => !metallb.advertisements.some((a) => announces(a, p.metadata.name)),
  );
}

function poolOf(pools: readonly IpAddressPool[], address: string): IpAddressPool | undefined {
  const ip = parseIpv4(address);
  if (ip === undefined) return undefined;
  return pools.find((p) =>
    p.spec.addresses.some((text) => {
      const range = parseAddressRange(text);
      return range !== undefined && range.first <= ip && ip <= range.last;
    }),
  );
}

export function externalAddress(service: V1Service): string | undefined {
  const ingress = service.status?.loadBalancer?.ingress?.[0];
  return ingress?.ip ?? ingress?.hostname;
}

const announceFix = (env: Parameters<typeof deploy>[0], pool: string) =>
  `add "${pool}" to metallb.l2.pools (or metallb.bgp.pools) in the environment, then ${deploy(env, "platform")}`;

export const metallbSpeakers: DoctorCheck = {
  id: "metallb.speakers",
  description: "A MetalLB speaker is ready on every node it is scheduled to.",
  appliesTo: onPrem,
  run: ({ env, cluster }) => {
    const speakers = cluster.metallb?.speakers ?? [];
    if (speakers.length === 0) {
      return [
        fail(
          `no MetalLB speaker DaemonSet in ${METALLB_NAMESPACE}`,
          `${deploy(env, "platform")} installs MetalLB`,
        ),
      ];
    }
    return speakers.map((ds) => {
      const desired = ds.status?.desiredNumberScheduled ?? 0;
      const ready = ds.status?.numberReady ?? 0;
      if (ready >= desired) return pass(`MetalLB speaker ready on ${ready} of ${desired} nodes`);
      return fail(
        `MetalLB speaker ready on ${ready} of ${desired} nodes: addresses are not announced from the others`,
        `kubectl -n ${METALLB_NAMESPACE} describe pod -l app.kubernetes.io/component=speaker; ` +
          "speakers need host networking and NET_RAW, so the namespace must allow privileged pods",
      );
    });
  },
};

export const metallbAdvertisements: DoctorCheck = {
  id: "metallb.advertisements",
  description: "Every pool the environment defines exists and is announced (L2 or BGP).",
  appliesTo: onPrem,
  run: ({ env, cluster }) => {
    const metallb = cluster.metallb;
    if (env.platform !== "onprem" || !metallb) return [];
    if (metallb.pools === undefined) {
      return [
        fail(
          "IPAddressPool (metallb.io/v1beta1) is not installed",
          `${deploy(env, "platform")} installs MetalLB and its pools`,
        ),
      ];
    }
    const live = new Set(metallb.pools.map((p) => p.metadata.name));
    const outcomes: Outcome[] = env.metallb.pools
      .filter((p) => !live.has(p.name))
      .map((p) =>
        fail(
          `pool ${p.name} from the environment does not exist in the cluster`,
          `${deploy(env, "platform")} creates it`,
        ),
      );
    for (const pool of unannounced(metallb)) {
      outcomes.push(
        fail(
          `pool ${pool.metadata.name} is announced by no L2Advertisement or BGPAdvertisement: ` +
            "its addresses are handed out but unreachable",
          announceFix(env, pool.metadata.name),
        ),
      );
    }
    if (outcomes.length > 0) return outcomes;
    const kinds = [
      ...new Set(metallb.advertisements.map((a) => a.kind.replace("Advertisement", ""))),
    ];
    return [pass(`pools ${[...live].join(", ")} announced (${kinds.join(", ")})`)];
  },
};

export const metallbServices: DoctorCheck = {
  id: "metallb.services",
  description: "Every LoadBalancer Service has an address from an announced pool.",
  appliesTo: onPrem,
  run: ({ env, cluster }) => {
    const metallb = cluster.metallb;
    if (!metallb) return [];
    const outcomes: Outcome[] = [];
    const silent = new Set(unannounced(metallb).map((p) => p.metadata.name));
    for (const service of cluster.loadBalancerServices) {
      const name = qualifiedName(service);
      const address = externalAddress(service);
      if (address !== undefined) {
        const pool = poolOf(metallb.pools ?? [], address)?.metadata.name;
        if (pool !== undefined && silent.has(pool)) {
          outcomes.push(
            fail(
              `Service ${name} has ${address} from pool ${pool}, which nothing announces`,
              announceFix(env, pool),
            ),
          );
        }
        continue;
      }
      const event = latestEvent(
        cluster.serviceEvents,
        "Service",
        service.metadata?.namespace,
        service.metadata?.name,
      );
      const said = event?.message ?? "";
      if (/no available IPs/i.test(said)) {
        outcomes.push(
          fail(
            `Service ${name} is pending an address: pool exhausted (${said})`,
            "every address is taken: add addresses to metallb.pools[].addresses in the " +
              `environment and ${deploy(env, "platform")}, or delete a LoadBalancer Service you no longer need`,
          ),
        );
      } else {
        outcomes.push(
          fail(
            `Service ${name} is pending an address` +
              (said ? `: ${said}` : " and MetalLB has said nothing about it"),
            said
              ? "MetalLB's event above says which annotation or pool stops it; pools: " +
                  `kubectl -n ${METALLB_NAMESPACE} get ipaddresspools`
              : `the MetalLB controller may not be running: kubectl -n ${METALLB_NAMESPACE} get pods`,
          ),
        );
      }
    }
    if (outcomes.length > 0) return outcomes;
    const services = cluster.loadBalancerServices;
    return [
      pass(
        services.length === 0
          ? "no LoadBalancer Services"
          : `${services.length} LoadBalancer Service(s) have announced addresses: ` +
              listOf(services.map((s) => `${qualifiedName(s)} ${externalAddress(s)}`)),
      ),
    ];
  },
};

interface KubeProxyConfiguration {
  readonly mode?: string;
  readonly ipvs?: { readonly strictARP?: boolean };
}

export const metallbStrictArp: DoctorCheck = {
  id: "metallb.strict-arp",
  description: "kube-proxy in IPVS mode has strictARP on, which MetalLB's L2 announcements need.",
  // strictARP matters to L2 announcements only; BGP announcements do not use ARP.
  appliesTo: ({ env }) => env.platform === "onprem" && env.metallb.l2 !== undefined,
  run: ({ env, cluster }) => {
    if (env.platform !== "onprem") return [];
    const text = cluster.metallb?.kubeProxy?.data?.["config.conf"];
    if (text === undefined) {
      return [
        warn(
          "kube-system/kube-proxy has no config.conf: cannot tell whether kube-proxy runs in IPVS mode",
        ),
      ];
    }
    const config = (parseYaml(text) ?? {}) as KubeProxyConfiguration;
    const ipvs = config.mode === "ipvs";
    if (ipvs && config.ipvs?.strictARP !== true) {
      return [
        fail(
          "kube-proxy runs in IPVS mode with strictARP off: every node answers ARP for Service " +
            "addresses, so MetalLB's L2 announcements break",
          "kubectl -n kube-system edit configmap kube-proxy: set ipvs.strictARP: true, then " +
            "kubectl -n kube-system rollout restart daemonset kube-proxy" +
            (env.metallb.kubeProxyIpvs
              ? ""
              : "; and set metallb.kubeProxyIpvs: true in the environment"),
        ),
      ];
    }
    if (ipvs !== env.metallb.kubeProxyIpvs) {
      return [
        warn(
          `kube-proxy runs in ${ipvs ? "IPVS" : config.mode || "iptables"} mode, but the environment says ` +
            `metallb.kubeProxyIpvs: ${env.metallb.kubeProxyIpvs}`,
          `set metallb.kubeProxyIpvs: ${ipvs} so synth warns about strictARP when it matters`,
        ),
      ];
    }
    return [
      pass(
        ipvs
          ? "kube-proxy in IPVS mode with strictARP on"
          : `kube-proxy in ${config.mode || "iptables"} mode: strictARP not needed`,
      ),
    ];
  },
};
