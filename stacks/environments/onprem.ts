import type { EnvironmentInput } from "../environment/schema";

/** An on-prem cluster reached by kubeconfig; addresses are examples for one rack's L2 network. */
export const onprem: EnvironmentInput = {
  platform: "onprem",
  name: "onprem",
  tier: "prod",
  owner: "platform-team",
  kubernetesVersion: "1.34",
  // All nodes share one L2 segment, so pod traffic is routed natively and announced over BGP.
  podNetwork: { mode: "direct", podCidr: "10.244.0.0/16", interfaceMtu: 1500 },
  serviceCidr: "10.96.0.0/12",
  kubeconfig: { path: "~/.kube/config", context: "onprem-admin" },
  nodeCidrs: ["192.168.10.0/25"],
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
