import type { EnvironmentInput } from "../environment/schema";

/**
 * An on-prem cluster reached by kubeconfig; the addresses are examples for one rack's network.
 *
 * Layout of 192.168.10.0/24, the one L2 segment all nodes sit on:
 * - .1 is the router (gateway);
 * - .10 to .199 are what nodes take (static assignments or the DHCP scope);
 * - .240 to .250 are MetalLB's L2 pool. MetalLB answers ARP for these addresses from a node,
 *   and ARP only reaches the local segment: the router, whose interface is this /24, ARPs for
 *   them because they are on-link, and a node answers. A pool outside the segment would never be
 *   ARPed for, and the Service would show an address nobody can reach.
 *
 * Pods run "direct": one segment, so pod routes need no encapsulation and Calico's node-to-node
 * BGP mesh spreads them. For addresses on another subnet (routed to the cluster rather than on
 * the segment), let Calico announce a CIDR pool instead: `calicoBgp.peers` with the routers and
 * `metallb.calicoAnnounces`; MetalLB's own BGP cannot run beside Calico's.
 */
export const onprem: EnvironmentInput = {
  platform: "onprem",
  name: "onprem",
  tier: "prod",
  owner: "platform-team",
  kubernetesVersion: "1.34",
  podNetwork: { mode: "direct", podCidr: "10.244.0.0/16", interfaceMtu: 1500 },
  serviceCidr: "10.96.0.0/12",
  kubeconfig: { path: "~/.kube/config", context: "onprem-admin" },
  nodeSegments: [
    {
      cidr: "192.168.10.0/24",
      gateway: "192.168.10.1",
      nodeAddresses: ["192.168.10.10-192.168.10.199"],
    },
  ],
  metallb: {
    pools: [{ name: "ingress", addresses: ["192.168.10.240-192.168.10.250"] }],
    l2: { pools: ["ingress"] },
  },
  ingress: {
    controller: "f5-nginx",
    replicas: 2,
    exposure: { type: "metallb", pool: "ingress", address: "192.168.10.240" },
  },
};
