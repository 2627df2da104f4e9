/**
 * An on-prem cluster (reached by kubeconfig) whose LoadBalancer Services get addresses from a
 * routed range that MetalLB announces to the two top-of-rack routers over BGP. Calico runs VXLAN,
 * without BGP: BGP allows one session per pair of hosts, so MetalLB's BGP cannot run beside
 * Calico's (MetalLb rejects that; in a BGP pod network mode let Calico announce the pool instead,
 * with `calicoAnnounces` and CalicoBgp).
 *
 * Network: the nodes sit on 192.168.20.0/24 (routers .2 and .3, gateway .1, nodes .10-.99);
 * 198.51.100.0/27 is routed to the cluster by the routers, so it lies outside the node segment.
 * Replace the kubeconfig context and state bucket (placeholders) before deploying.
 */
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import {
  Calico,
  ClusterAccess,
  MetalLb,
  NginxIngress,
  applyPolicyPack,
} from "@platform/cdktf-toolkit";
import { configureBackend, kubernetesProviders } from "@platform/cdktf-toolkit/stacks";

// One constant for every construct of the cluster: synth refuses two modes in one cluster.
const MODE = "vxlan";
const POD_CIDR = "10.244.0.0/16";
const SERVICE_CIDR = "10.96.0.0/12";
const NODE_SEGMENT = {
  cidr: "192.168.20.0/24",
  gateway: "192.168.20.1",
  nodeAddresses: ["192.168.20.10-192.168.20.99"],
};
const ROUTERS = [
  { name: "tor-a", peerAddress: "192.168.20.2" },
  { name: "tor-b", peerAddress: "192.168.20.3" },
];
const STATE = { bucket: "example-platform-tfstate", region: "eu-west-1" };

class OnpremPlatformStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    configureBackend(this, { environment: "lab", stackName: id, state: STATE, offline: false });
    const access: ClusterAccess = {
      kind: "kubeconfig",
      path: "~/.kube/config",
      context: "lab-admin",
    };
    kubernetesProviders(this, access);

    const calico = new Calico(this, "calico", {
      platform: "onprem",
      mode: MODE,
      podCidr: POD_CIDR,
      nodeCidrs: [NODE_SEGMENT.cidr],
      serviceCidr: SERVICE_CIDR,
    });
    // The nodes exist already, NotReady until calico-node runs on them.
    const podNetwork = calico.waitForReady({ access });

    const metallb = new MetalLb(this, "metallb", {
      platform: "onprem",
      pools: [{ name: "routed", addresses: ["198.51.100.0/27"] }],
      bgp: {
        peers: ROUTERS.map((router) => ({ ...router, myASN: 64512, peerASN: 64600 })),
      },
      calicoBgp: calico.bgp,
      nodeSegments: [NODE_SEGMENT],
      reservedCidrs: [POD_CIDR, SERVICE_CIDR],
      dependsOn: [podNetwork.resource],
    });

    new NginxIngress(this, "ingress", {
      tier: "prod",
      platform: "onprem",
      podNetworkMode: MODE,
      exposure: { type: "metallb", pool: "routed", address: "198.51.100.10" },
      dependsOn: [metallb.resources.release],
    });
    applyPolicyPack(this, { tier: "prod" });
  }
}

const app = new App();
new OnpremPlatformStack(app, "lab-platform");
app.synth();
