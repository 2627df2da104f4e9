import {
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import type { Finding } from "../../scripts/doctor/check";
import { runDoctor, type DoctorReport } from "../../scripts/doctor/doctor";
import { findEnvironment, findEnvironmentFile } from "../../stacks/environments";
import type { Environment } from "../../stacks/environment/schema";
import { parseEnvironment } from "../../stacks/environment/validate";
import { startFakeApiServer, type ApiRequest } from "./fake-api-server";
import { loadScenario, scenarioNames } from "./scenarios";

const dev = findEnvironmentFile("dev").input;

const ec2 = mockClient(EC2Client);
afterEach(() => ec2.reset());

const environments = {
  dev: findEnvironment("dev"),
  onprem: findEnvironment("onprem"),
  // dev's cluster with a natively routed mode: the only way to exercise the source/destination
  // check against the dev fixtures (staging runs this mode, on another cluster).
  devCrossSubnet: parseEnvironment({
    ...dev,
    podNetwork: { ...dev.podNetwork, mode: "ipip-cross-subnet" },
  }),
};

/** Which environment each cluster fixture belongs to. */
function environmentOf(scenario: string): Environment {
  if (scenario === "src-dst-check-on") return environments.devCrossSubnet;
  return loadScenario(scenario).aws ? environments.dev : environments.onprem;
}

interface Run {
  readonly report: DoctorReport;
  readonly requests: readonly ApiRequest[];
}

/** Serves the scenario on loopback and runs the doctor through the real client over HTTP. */
async function diagnoseScenario(name: string): Promise<Run> {
  const scenario = loadScenario(name);
  const env = environmentOf(name);
  if (scenario.aws) {
    const clusterName = env.platform === "eks" ? env.cluster.name : "";
    ec2
      .on(DescribeSecurityGroupsCommand, {
        Filters: [{ Name: "tag:karpenter.sh/discovery", Values: [clusterName] }],
      })
      .resolves(scenario.aws.DescribeSecurityGroups);
    ec2.on(DescribeInstancesCommand).resolves(scenario.aws.DescribeInstances);
  }
  const server = await startFakeApiServer(scenario.objects);
  try {
    const report = await runDoctor(env, {
      kubeConfig: server.kubeConfig(),
      ec2: env.platform === "eks" ? new EC2Client({ region: "ap-northeast-2" }) : undefined,
    });
    return { report, requests: server.requests };
  } finally {
    await server.close();
  }
}

const problems = (report: DoctorReport): Finding[] =>
  report.findings.filter((f) => f.verdict !== "pass");

/** Every finding that is not ✔, exactly: verdict, message and fix. Everything else must pass. */
const EXPECTED: Record<string, readonly Finding[]> = {
  "bgp-not-established": [
    {
      check: "calico.node",
      verdict: "fail",
      message:
        "calico-node ready on 2 of 3 nodes; not ready: calico-node-t6wrc on ip-10-10-12-230.ap-northeast-2.compute.internal",
      fix: "its readiness probe says which part fails (BIRD/BGP or Felix): kubectl -n calico-system describe pod calico-node-t6wrc; BGP peers are in calico.bgp-sessions",
    },
    {
      check: "calico.bgp-sessions",
      verdict: "fail",
      message:
        "calico-node on ip-10-10-12-230.ap-northeast-2.compute.internal has no BGP session with 10.10.4.21, 10.10.37.102",
      fix: "the node security group must allow TCP 179 from itself (see aws.node-ports); and each node must announce the address its peers reach it on: kubectl get node ip-10-10-4-21.ap-northeast-2.compute.internal -o jsonpath='{.metadata.annotations.projectcalico\\.org/IPv4Address}' (the platform stack sets calicoNetwork.nodeAddressAutodetectionV4: the InternalIP on EKS, an address in the node segments on-prem)",
    },
  ],
  "bgp-not-established-onprem": [
    {
      check: "calico.node",
      verdict: "fail",
      message: "calico-node ready on 2 of 3 nodes; not ready: calico-node-8mfz2 on k8s-worker-2",
      fix: "its readiness probe says which part fails (BIRD/BGP or Felix): kubectl -n calico-system describe pod calico-node-8mfz2; BGP peers are in calico.bgp-sessions",
    },
    {
      check: "calico.bgp-sessions",
      verdict: "fail",
      message: "calico-node on k8s-worker-2 has no BGP session with 192.168.10.11, 192.168.10.13",
      fix: "TCP 179 must pass between the nodes (192.168.10.0/24) on host firewalls and switch ACLs; and each node must announce the address its peers reach it on: kubectl get node k8s-worker-1 -o jsonpath='{.metadata.annotations.projectcalico\\.org/IPv4Address}' (the platform stack sets calicoNetwork.nodeAddressAutodetectionV4: the InternalIP on EKS, an address in the node segments on-prem)",
    },
  ],
  "calico-config-drift": [
    {
      check: "calico.ip-pool",
      verdict: "fail",
      message: "pool default-ipv4-ippool encapsulates VXLAN, but mode ipip is IPIP",
      fix: 'kubectl patch ippool default-ipv4-ippool --type merge -p \'{"spec":{"ipipMode":"Always","vxlanMode":"Never"}}\' (Felix switches live), then npx cdktf deploy dev-platform so the Installation agrees',
    },
    {
      check: "calico.ip-pool",
      verdict: "fail",
      message: "pool default-ipv4-ippool hands out /24 blocks, the environment says /26",
      fix: 'a pool\'s block size is fixed at creation: add a pool with the new blockSize, disable this one (kubectl patch ippool default-ipv4-ippool --type merge -p \'{"spec":{"disabled":true}}\'), then recreate the pods',
    },
    {
      check: "calico.ip-pool",
      verdict: "fail",
      message: "pool default-ipv4-ippool has natOutgoing false, the environment says true",
      fix: 'kubectl patch ippool default-ipv4-ippool --type merge -p \'{"spec":{"natOutgoing":true}}\'',
    },
    {
      check: "calico.bgp",
      verdict: "fail",
      message: "BGP is disabled, but mode ipip distributes pod routes over BGP",
      fix: "npx cdktf deploy dev-platform sets calicoNetwork.bgp Enabled",
    },
  ],
  "first-deploy": [
    {
      check: "nodes.cni",
      verdict: "fail",
      message:
        "2 node(s) NotReady without a pod network: ip-10-10-4-21.ap-northeast-2.compute.internal, ip-10-10-37-102.ap-northeast-2.compute.internal (container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized)",
      fix: "Calico is not running on ip-10-10-4-21.ap-northeast-2.compute.internal, ip-10-10-37-102.ap-northeast-2.compute.internal: on a fresh cluster, npx cdktf deploy dev-platform installs it (nodes stay NotReady until then); otherwise see why calico-node is not running there: kubectl -n calico-system get pods -o wide --field-selector spec.nodeName=ip-10-10-4-21.ap-northeast-2.compute.internal",
    },
    {
      check: "calico.operator",
      verdict: "fail",
      message: "no TigeraStatus found: the tigera-operator is not installed or has not started",
      fix: "npx cdktf deploy dev-platform installs it; if it is installed: kubectl -n tigera-operator logs deploy/tigera-operator",
    },
    {
      check: "calico.node",
      verdict: "fail",
      message: "DaemonSet calico-system/calico-node not found: Calico has not been rolled out",
      fix: "see calico.operator; npx cdktf deploy dev-platform installs the operator that creates it",
    },
    {
      check: "calico.typha",
      verdict: "fail",
      message: "Deployment calico-system/calico-typha not found: Calico has not been rolled out",
      fix: "see calico.operator; npx cdktf deploy dev-platform installs the operator that creates it",
    },
    {
      check: "calico.cni",
      verdict: "fail",
      message: "Installation default (operator.tigera.io/v1) not found: Calico is not configured",
      fix: "npx cdktf deploy dev-platform renders it from the environment",
    },
    {
      check: "calico.ip-pool",
      verdict: "fail",
      message: "IPPool (crd.projectcalico.org/v1) is not installed",
      fix: "npx cdktf deploy dev-platform installs Calico with its CRDs",
    },
    {
      check: "karpenter.launch",
      verdict: "fail",
      message: "NodeClaim (karpenter.sh/v1) is not installed: Karpenter's CRDs are missing",
      fix: "npx cdktf deploy dev-platform installs the karpenter-crd chart and the controller",
    },
    {
      check: "ingress.address",
      verdict: "fail",
      message:
        "no LoadBalancer Service in namespace nginx-ingress: the ingress controller is not exposed",
      fix: "npx cdktf deploy dev-platform installs the f5-nginx controller and its Service",
    },
  ],
  "ingress-wrong-address": [
    {
      check: "ingress.address",
      verdict: "fail",
      message:
        "ingress Service nginx-ingress/nginx-ingress-controller got 192.168.10.241, but the environment expects 192.168.10.240",
      fix: "another Service probably holds 192.168.10.240 (kubectl get svc -A | grep 192.168.10.240); free it, then recreate nginx-ingress/nginx-ingress-controller so MetalLB assigns it",
    },
  ],
  "metallb-pool-exhausted": [
    {
      check: "metallb.services",
      verdict: "fail",
      message:
        'Service nginx-ingress/nginx-ingress-controller is pending an address: pool exhausted (Failed to allocate IP for "nginx-ingress/nginx-ingress-controller": no available IPs)',
      fix: "every address is taken: add addresses to metallb.pools[].addresses in the environment and npx cdktf deploy onprem-platform, or delete a LoadBalancer Service you no longer need",
    },
    {
      check: "ingress.address",
      verdict: "fail",
      message:
        "ingress Service nginx-ingress/nginx-ingress-controller has no external address; it should come from MetalLB pool ingress, address 192.168.10.240",
      fix: 'The last event says: AllocationFailed: Failed to allocate IP for "nginx-ingress/nginx-ingress-controller": no available IPs. The address comes from MetalLB: see the metallb.* findings',
    },
  ],
  "metallb-pool-not-advertised": [
    {
      check: "metallb.advertisements",
      verdict: "fail",
      message:
        "pool ingress is announced by no L2Advertisement or BGPAdvertisement: its addresses are handed out but unreachable",
      fix: 'add "ingress" to metallb.l2.pools (or metallb.bgp.pools) in the environment, then npx cdktf deploy onprem-platform',
    },
    {
      check: "metallb.services",
      verdict: "fail",
      message:
        "Service nginx-ingress/nginx-ingress-controller has 192.168.10.240 from pool ingress, which nothing announces",
      fix: 'add "ingress" to metallb.l2.pools (or metallb.bgp.pools) in the environment, then npx cdktf deploy onprem-platform',
    },
  ],
  "metallb-speaker-not-ready": [
    {
      check: "metallb.speakers",
      verdict: "fail",
      message: "MetalLB speaker ready on 2 of 3 nodes: addresses are not announced from the others",
      fix: "kubectl -n metallb-system describe pod -l app.kubernetes.io/component=speaker; speakers need host networking and NET_RAW, so the namespace must allow privileged pods",
    },
  ],
  "mtu-too-large": [
    {
      check: "calico.mtu",
      verdict: "fail",
      message:
        "pods use MTU 9001, above the 8981 that fits (9001 − 20 (IPIP)): encapsulated packets exceed the node MTU and large transfers between nodes stall",
      fix: "npx cdktf deploy dev-platform sets calicoNetwork.mtu 8981; running pods keep the MTU they started with, so restart them (kubectl rollout restart) afterwards",
    },
  ],
  "mtu-too-small": [
    {
      check: "calico.mtu",
      verdict: "warn",
      message:
        "pods use MTU 1480, below the 8981 that fits (9001 − 20 (IPIP)): works, but every packet carries less data",
      fix: "npx cdktf deploy dev-platform sets calicoNetwork.mtu 8981; running pods keep the MTU they started with, so restart them (kubectl rollout restart) afterwards",
    },
  ],
  "nlb-pending": [
    {
      check: "ingress.address",
      verdict: "fail",
      message:
        "ingress Service nginx-ingress/nginx-ingress-controller has no external address; it should come from an NLB (internet-facing)",
      fix: "The last event says: SyncLoadBalancerFailed: Error syncing load balancer: failed to ensure load balancer: could not find any suitable subnets for creating the ELB. The NLB is built by the AWS cloud provider inside EKS (aws-load-balancer-type: nlb), which needs subnets tagged kubernetes.io/role/elb=1 (public); npx cdktf deploy dev-infra tags them",
    },
  ],
  "node-sg-missing-ports": [
    {
      check: "aws.node-ports",
      verdict: "fail",
      message:
        "node security group sg-0c0ffee0000000001 (dev-platform-node) does not allow TCP 179 (Calico BGP), IP protocol 4 (Calico IP-in-IP) between nodes",
      fix: "npx cdktf deploy dev-infra adds one rule per port the pod network mode needs; or now: aws ec2 authorize-security-group-ingress --group-id sg-0c0ffee0000000001 --ip-permissions 'IpProtocol=tcp,FromPort=179,ToPort=179,UserIdGroupPairs=[{GroupId=sg-0c0ffee0000000001}]' 'IpProtocol=4,UserIdGroupPairs=[{GroupId=sg-0c0ffee0000000001}]'",
    },
  ],
  "nodeclaim-launch-failed": [
    {
      check: "karpenter.launch",
      verdict: "fail",
      message:
        "nodeclaim general-9qrtd not launched: LaunchFailed: creating instance, insufficient capacity, all requested instance types were unavailable during launch",
      fix: "Karpenter could not create the instance: kubectl describe ec2nodeclass shows whether its subnets, security groups and AMI resolve; details in kubectl -n kube-system logs deploy/karpenter",
    },
  ],
  "nodeclaim-without-cni": [
    {
      check: "nodes.cni",
      verdict: "fail",
      message:
        "1 node(s) NotReady without a pod network: ip-10-10-12-230.ap-northeast-2.compute.internal (container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized)",
      fix: "Calico is not running on ip-10-10-12-230.ap-northeast-2.compute.internal: on a fresh cluster, npx cdktf deploy dev-platform installs it (nodes stay NotReady until then); otherwise see why calico-node is not running there: kubectl -n calico-system get pods -o wide --field-selector spec.nodeName=ip-10-10-12-230.ap-northeast-2.compute.internal",
    },
    {
      check: "calico.node",
      verdict: "fail",
      message:
        "calico-node ready on 2 of 3 nodes; not ready: calico-node-t6wrc on ip-10-10-12-230.ap-northeast-2.compute.internal",
      fix: "its readiness probe says which part fails (BIRD/BGP or Felix): kubectl -n calico-system describe pod calico-node-t6wrc; BGP peers are in calico.bgp-sessions",
    },
    {
      check: "karpenter.initialization",
      verdict: "fail",
      message:
        "node ip-10-10-12-230.ap-northeast-2.compute.internal (nodeclaim general-x7k2p) joined without a pod network: container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
      fix: "calico-node is not running on it: see why with kubectl -n calico-system get pods -o wide --field-selector spec.nodeName=ip-10-10-12-230.ap-northeast-2.compute.internal (image pulls, tolerations of the node pool's taints); Karpenter counts the node initialized once it is Ready",
    },
  ],
  "sandbox-ipam-exhausted": [
    {
      check: "pods.sandbox",
      verdict: "fail",
      message:
        '1 pod(s) stuck in ContainerCreating: shop/cart-7d9f8c6b5-lx4tw on ip-10-10-4-21.ap-northeast-2.compute.internal: Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c": plugin type="calico" failed (add): failed to request 1 IPv4 addresses. IPAM allocated only 0',
      fix: "Calico IPAM has no address left: every node takes /26 blocks from 10.244.0.0/16; add an IP pool (or move to a larger podCidr) and recreate the pods",
    },
  ],
  "sandbox-missing-plugin": [
    {
      check: "pods.sandbox",
      verdict: "fail",
      message:
        '1 pod(s) stuck in ContainerCreating: kube-system/coredns-5c9b8f6d7c-m2xkq on ip-10-10-12-230.ap-northeast-2.compute.internal: Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "8f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4": plugin type="calico" failed (add): failed to find plugin "calico" in path [/opt/cni/bin]',
      fix: "the Calico CNI binary is missing on ip-10-10-12-230.ap-northeast-2.compute.internal: calico-node's install-cni init container has not run there; see that node's calico-node pod (kubectl -n calico-system get pods -o wide --field-selector spec.nodeName=ip-10-10-12-230.ap-northeast-2.compute.internal)",
    },
  ],
  "src-dst-check-on": [
    {
      check: "aws.source-dest-check",
      verdict: "fail",
      message:
        "source/destination check is on for i-0a1b2c3d4e5f60003 (ip-10-10-12-230.ap-northeast-2.compute.internal): EC2 drops the pod packets ipip-cross-subnet routes natively to and from them",
      fix: "Felix turns it off (FelixConfiguration awsSrcDstCheck: Disable) with the node role's ec2:ModifyNetworkInterfaceAttribute: look for UnauthorizedOperation in kubectl -n calico-system logs ds/calico-node -c calico-node; to unblock now: aws ec2 modify-instance-attribute --no-source-dest-check --instance-id i-0a1b2c3d4e5f60003",
    },
  ],
  "strict-arp-off": [
    {
      check: "metallb.strict-arp",
      verdict: "fail",
      message:
        "kube-proxy runs in IPVS mode with strictARP off: every node answers ARP for Service addresses, so MetalLB's L2 announcements break",
      fix: "kubectl -n kube-system edit configmap kube-proxy: set ipvs.strictARP: true, then kubectl -n kube-system rollout restart daemonset kube-proxy; and set metallb.kubeProxyIpvs: true in the environment",
    },
  ],
  "tigera-degraded": [
    {
      check: "calico.operator",
      verdict: "fail",
      message:
        "TigeraStatus calico is Degraded: ResourceReadError: Error querying installation: failed to get IP pool: 10.244.0.0/16 overlaps with another pool",
      fix: "the operator's message above names the failing object; more in kubectl -n tigera-operator logs deploy/tigera-operator",
    },
  ],
  "typha-not-ready": [
    {
      check: "calico.typha",
      verdict: "fail",
      message: "calico-typha 0/2 ready: calico-node cannot start without it",
      fix: "kubectl -n calico-system describe deploy calico-typha; Typha listens on TCP 5473 on the node network, so nodes must reach each other on it",
    },
  ],
};

describe("doctor against recorded clusters", () => {
  it("passes every check on the healthy EKS cluster (dev)", async () => {
    const { report, requests } = await diagnoseScenario("eks-healthy");
    expect(report.findings.map((f) => [f.check, f.verdict])).toEqual([
      ["nodes.cni", "pass"],
      ["pods.sandbox", "pass"],
      ["calico.operator", "pass"],
      ["calico.node", "pass"],
      ["calico.typha", "pass"],
      ["calico.cni", "pass"],
      ["calico.ip-pool", "pass"],
      ["calico.bgp", "pass"],
      ["calico.mtu", "pass"],
      ["calico.bgp-sessions", "pass"],
      ["aws.node-ports", "pass"],
      ["karpenter.launch", "pass"],
      ["karpenter.initialization", "pass"],
      ["ingress.address", "pass"],
    ]);
    expect(report.findings.find((f) => f.check === "calico.mtu")?.message).toBe(
      "pods use MTU 8981 = 9001 − 20 (IPIP)",
    );
    // The EC2 calls name the cluster's discovery tag and exactly the nodes' instances.
    expect(ec2.commandCalls(DescribeInstancesCommand)[0].args[0].input).toEqual({
      InstanceIds: ["i-0a1b2c3d4e5f60001", "i-0a1b2c3d4e5f60002", "i-0a1b2c3d4e5f60003"],
    });
    // Pods and events are narrowed on the server, not downloaded whole.
    const selectors = requests.map((r) => `${r.path}?${r.query.get("fieldSelector") ?? ""}`);
    expect(selectors).toEqual(
      expect.arrayContaining([
        "/api/v1/pods?status.phase=Pending",
        "/api/v1/events?reason=FailedCreatePodSandBox",
        "/api/v1/namespaces/calico-system/events?reason=Unhealthy",
      ]),
    );
  });

  it("passes every check on the healthy on-prem cluster", async () => {
    const { report } = await diagnoseScenario("onprem-healthy");
    expect(report.findings.map((f) => [f.check, f.verdict])).toEqual([
      ["nodes.cni", "pass"],
      ["pods.sandbox", "pass"],
      ["calico.operator", "pass"],
      ["calico.node", "pass"],
      ["calico.typha", "pass"],
      ["calico.cni", "pass"],
      ["calico.ip-pool", "pass"],
      ["calico.bgp", "pass"],
      ["calico.mtu", "pass"],
      ["calico.bgp-sessions", "pass"],
      ["metallb.speakers", "pass"],
      ["metallb.advertisements", "pass"],
      ["metallb.services", "pass"],
      ["metallb.strict-arp", "pass"],
      ["ingress.address", "pass"],
    ]);
    expect(ec2.calls()).toHaveLength(0);
  });

  it("has an expectation for every failure scenario", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(scenarioNames());
  });

  it.each(scenarioNames())("%s", async (name) => {
    const { report } = await diagnoseScenario(name);
    expect(problems(report)).toEqual(EXPECTED[name]);
    expect(report.summary.fail).toBe(EXPECTED[name].filter((f) => f.verdict === "fail").length);
  });
});
