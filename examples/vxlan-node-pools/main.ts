/**
 * A new VPC and an EKS cluster with Calico VXLAN as the CNI (no BGP, nothing for the VPC to
 * route), and Karpenter node pools of your own: on-demand nodes for services, Spot nodes for
 * batch work that may not be consolidated during office hours. Two stacks, because the helm and
 * kubernetes providers cannot be configured from values the same plan creates:
 *
 *   vxlan-infra     keys, VPC, cluster, Karpenter's IAM roles and interruption queue
 *   vxlan-platform  Calico, then the system nodes (NotReady until Calico runs on them), a wait
 *                   for Calico, CoreDNS, Karpenter and its node pools, the ingress controller
 *
 * Deploy them in that order. Replace the account, admin ARN and state bucket (placeholders).
 */
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import {
  Calico,
  ClusterAccess,
  CorednsAddon,
  EksCluster,
  KarpenterAws,
  KarpenterController,
  KarpenterNodePoolOptions,
  KarpenterNodePools,
  KmsKey,
  NginxIngress,
  SystemNodeGroup,
  Vpc,
  applyPolicyPack,
} from "@platform/cdktf-toolkit";
import { awsProvider, configureBackend, kubernetesProviders } from "@platform/cdktf-toolkit/stacks";

const CLUSTER_NAME = "vxlan";
const KUBERNETES_VERSION = "1.35";
// Chosen once, for the cluster; every other construct takes the cluster's podNetworkMode.
const MODE = "vxlan";
const TARGET = { accountId: "111111111111", region: "eu-west-1" };
const ADMIN = "arn:aws:iam::111111111111:role/platform-admin";
const STATE = { bucket: "example-platform-tfstate", region: TARGET.region };
const VPC_CIDR = "10.30.0.0/16";

const NODE_POOLS: KarpenterNodePoolOptions[] = [
  {
    name: "services",
    capacityTypes: ["on-demand"],
    architectures: ["amd64"],
    instanceCategories: ["c", "m", "r"],
    minInstanceGeneration: 5,
    limits: { cpu: 64, memoryGi: 256 },
    expireAfter: "720h",
    consolidationPolicy: "WhenEmptyOrUnderutilized",
    consolidateAfter: "5m",
    budgets: [{ nodes: "10%" }],
    weight: 50,
  },
  {
    name: "batch-spot",
    capacityTypes: ["spot"],
    architectures: ["arm64", "amd64"],
    instanceCategories: ["c", "m"],
    minInstanceGeneration: 6,
    limits: { cpu: 32, memoryGi: 128 },
    expireAfter: "168h",
    terminationGracePeriod: "2h",
    consolidationPolicy: "WhenEmptyOrUnderutilized",
    consolidateAfter: "1m",
    budgets: [
      { nodes: "20%" },
      // Weekdays 08:00-18:00 UTC: no consolidation of running batch nodes.
      { nodes: "0", schedule: "0 8 * * mon-fri", duration: "10h", reasons: ["Underutilized"] },
    ],
  },
];

class InfraStack extends TerraformStack {
  readonly cluster: EksCluster;
  readonly karpenter: KarpenterAws;
  readonly key: KmsKey;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    awsProvider(this, {
      environment: CLUSTER_NAME,
      owner: "platform-team",
      target: TARGET,
      offline: false,
    });
    configureBackend(this, {
      environment: CLUSTER_NAME,
      stackName: id,
      state: STATE,
      offline: false,
    });

    this.key = new KmsKey(this, "kms", {
      ...TARGET,
      alias: `${CLUSTER_NAME}/eks`,
      description: `${CLUSTER_NAME}: secrets, node volumes and logs`,
      administrators: [ADMIN],
    });
    const vpc = new Vpc(this, "vpc", {
      ...TARGET,
      name: CLUSTER_NAME,
      cidr: VPC_CIDR,
      zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
      clusterName: CLUSTER_NAME,
      flowLogs: { kmsKeyArn: this.key.keyArn },
    });
    this.cluster = new EksCluster(this, "cluster", {
      ...TARGET,
      name: CLUSTER_NAME,
      kubernetesVersion: KUBERNETES_VERSION,
      vpcId: vpc.vpcId,
      vpcCidr: VPC_CIDR,
      controlPlaneSubnetIds: vpc.intraSubnetIds,
      nodeSubnetIds: vpc.privateSubnetIds,
      kmsKeyArn: this.key.keyArn,
      podNetworkMode: MODE,
      admins: [ADMIN],
    });
    this.karpenter = new KarpenterAws(this, "karpenter", {
      ...TARGET,
      clusterName: CLUSTER_NAME,
      cluster: this.cluster.cluster,
      clusterArn: this.cluster.clusterArn,
      podNetworkMode: this.cluster.podNetworkMode,
      kmsKeyArn: this.key.keyArn,
    });
    applyPolicyPack(this, { tier: "prod" });
  }
}

class PlatformStack extends TerraformStack {
  constructor(scope: Construct, id: string, infra: InfraStack) {
    super(scope, id);
    configureBackend(this, {
      environment: CLUSTER_NAME,
      stackName: id,
      state: STATE,
      offline: false,
    });
    // The system node group and CoreDNS are AWS resources created in this stack (after Calico).
    awsProvider(this, {
      environment: CLUSTER_NAME,
      owner: "platform-team",
      target: TARGET,
      offline: false,
    });
    const access: ClusterAccess = {
      kind: "eks",
      clusterName: CLUSTER_NAME,
      region: TARGET.region,
      endpoint: infra.cluster.endpoint,
      certificateAuthorityData: infra.cluster.certificateAuthorityData,
    };
    kubernetesProviders(this, access);

    const calico = new Calico(this, "calico", {
      platform: "eks",
      mode: infra.cluster.podNetworkMode,
      podCidr: "10.244.0.0/16",
      vpcCidr: VPC_CIDR,
    });
    const systemNodes = new SystemNodeGroup(this, "system-node-group", {
      ...infra.cluster.systemNodeGroupProps,
      dependsOn: [calico.release],
    });
    const podNetwork = calico.waitForReady({ access, dependsOn: [systemNodes.nodeGroup] });
    const coredns = new CorednsAddon(this, "coredns", {
      clusterName: CLUSTER_NAME,
      // CoreDNS runs its default version for this Kubernetes version and moves with upgrades.
      kubernetesVersion: KUBERNETES_VERSION,
      dependsOn: [podNetwork.resource],
    });

    const controller = new KarpenterController(this, "karpenter", {
      clusterName: infra.cluster.clusterName,
      clusterEndpoint: infra.cluster.endpoint,
      interruptionQueueName: infra.karpenter.queueName,
      dependsOn: [coredns.addon],
    });
    const nodePools = new KarpenterNodePools(this, "node-pools", {
      clusterName: CLUSTER_NAME,
      nodeRoleName: infra.karpenter.nodeRoleName,
      kmsKeyArn: infra.key.keyArn,
      kubernetesVersion: KUBERNETES_VERSION,
      podNetworkMode: infra.cluster.podNetworkMode,
      nodePools: NODE_POOLS,
      dependsOn: [controller.release],
    });
    new NginxIngress(this, "ingress", {
      tier: "prod",
      platform: "eks",
      podNetworkMode: infra.cluster.podNetworkMode,
      exposure: { type: "nlb", scheme: "internal" },
      dependsOn: [nodePools.release],
    });
    applyPolicyPack(this, { tier: "prod" });
  }
}

const app = new App();
const infra = new InfraStack(app, "vxlan-infra");
new PlatformStack(app, "vxlan-platform", infra);
app.synth();
