import { ITerraformDependable, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Calico, CalicoBgp } from "../constructs/calico";
import { CorednsAddon, SystemNodeGroup } from "../constructs/eks";
import { NginxIngress } from "../constructs/ingress";
import { KarpenterController, KarpenterNodePools } from "../constructs/karpenter";
import { MetalLb } from "../constructs/metallb";
import type { ClusterAccess } from "../constructs/shared/cluster-access";
import { podNetworkTraits } from "../constructs/shared/pod-network";
import { awsProvider } from "./aws-provider";
import { configureBackend } from "./backend";
import { PlanReaders, clusterAccess } from "./cluster-roles";
import type { Environment } from "./environment/schema";
import type { InfraStack } from "./infra-stack";
import { kubernetesProviders } from "./kubernetes-access";
import { recordPlatform } from "./platform-guard";

export interface PlatformStackProps {
  readonly environment: Environment;
  /** The environment's infra stack; required on EKS, absent on-prem. */
  readonly infra?: InfraStack;
  readonly offline: boolean;
}

/**
 * `<env>-platform`: what runs inside the cluster, with the helm and kubernetes providers. Kept apart
 * from the infra stack because those providers cannot be configured from values unknown at plan
 * time in the same stack. Add-ons are chained with explicit dependencies, so apply runs Calico
 * first and destroy removes it last. With Calico as the CNI the system node group lives here too,
 * created after Calico (see EksCluster.systemNodeGroupProps).
 */
export class PlatformStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const env = props.environment;
    configureBackend(this, {
      environment: env.name,
      stackName: id,
      state: env.state,
      offline: props.offline,
    });
    const ingressDefaults = { replicas: env.ingress.replicas ?? (env.tier === "dev" ? 1 : 2) };
    // Enforce the Pod Security Standards of the cluster's own version; the API server's endpoints
    // are control-plane ENIs in the VPC on EKS, control-plane nodes of the node segments on-prem.
    const namespaceSecurity = {
      podSecurityVersion: `v${env.kubernetesVersion}`,
      networkPolicies: env.networkPolicies,
      apiServerCidrs:
        env.platform === "eks" ? [env.aws.vpcCidr] : env.nodeSegments.map((s) => s.cidr),
    };

    if (env.platform === "onprem") {
      const access: ClusterAccess = { kind: "kubeconfig", ...env.kubeconfig };
      kubernetesProviders(this, access);
      const calico = new Calico(this, "calico", {
        platform: "onprem",
        mode: env.podNetwork.mode,
        podCidr: env.podNetwork.podCidr,
        blockSize: env.podNetwork.blockSize,
        natOutgoing: env.podNetwork.natOutgoing,
        interfaceMtu: env.podNetwork.interfaceMtu,
        nodeCidrs: env.nodeSegments.map((segment) => segment.cidr),
        serviceCidr: env.serviceCidr,
        namespaceSecurity,
      });
      // The nodes exist already, NotReady until calico-node runs on them; they outlive the stack.
      calico.teardownOnDestroy({ access });
      const podNetwork = calico.waitForReady({ access });
      const metallb = new MetalLb(this, "metallb", {
        platform: "onprem",
        pools: env.metallb.pools,
        l2: env.metallb.l2,
        bgp: env.metallb.bgp,
        calicoAnnounces: env.metallb.calicoAnnounces,
        calicoBgp: calico.bgp,
        strictArp: env.metallb.kubeProxyIpvs,
        nodeSegments: env.nodeSegments,
        reservedCidrs: [env.podNetwork.podCidr, env.serviceCidr],
        dependsOn: [podNetwork.resource],
        namespaceSecurity,
      });
      if (env.calicoBgp) {
        new CalicoBgp(this, "calico-bgp", {
          calico,
          asNumber: env.calicoBgp.asNumber,
          peers: env.calicoBgp.peers,
          serviceLoadBalancerCidrs: metallb.calicoAnnouncedCidrs,
          // Calico's CRDs are there once Calico reports Available.
          dependsOn: [podNetwork.resource],
        });
      }
      new NginxIngress(this, "ingress", {
        ...env.ingress,
        ...ingressDefaults,
        tier: env.tier,
        platform: "onprem",
        podNetworkMode: env.podNetwork.mode,
        dependsOn: [metallb.resources.release],
        namespaceSecurity,
      });
      return;
    }

    const infra = props.infra;
    if (!infra) throw new Error(`${id}: an EKS platform stack needs its infra stack`);
    const { aws, cluster } = env;
    const access: ClusterAccess = {
      kind: "eks",
      clusterName: cluster.name,
      region: aws.region,
      endpoint: infra.cluster.endpoint,
      certificateAuthorityData: infra.cluster.certificateAuthorityData,
      // Tokens as the identity the aws provider acts as, which has the access entry.
      roleArn: aws.assumeRoleArn,
    };
    kubernetesProviders(this, access);

    const calico = new Calico(this, "calico", {
      platform: "eks",
      mode: env.podNetwork.mode,
      podCidr: env.podNetwork.podCidr,
      blockSize: env.podNetwork.blockSize,
      natOutgoing: env.podNetwork.natOutgoing,
      interfaceMtu: env.podNetwork.interfaceMtu,
      vpcCidr: aws.vpcCidr,
      serviceCidr: env.serviceCidr,
      namespaceSecurity,
    });

    // With the VPC CNI the infra stack brought up nodes and CoreDNS. With Calico as the CNI the
    // order is Calico, then the system nodes (which only become Ready once Calico runs on them),
    // then a wait for Calico to report Available, then CoreDNS and everything else. Either way
    // Calico's teardown step sits between Calico and everything after it, so destroy removes
    // Calico's resources after the rest and while the operator and the nodes still run.
    let clusterDns: ITerraformDependable;
    // What proves Calico runs as configured: the wait; with the VPC CNI, Helm's own wait (on the
    // release, which the teardown step comes after).
    let calicoProven: ITerraformDependable;
    if (podNetworkTraits(env.podNetwork.mode).cni === "calico") {
      awsProvider(this, {
        environment: env.name,
        owner: env.owner,
        target: aws,
        offline: props.offline,
      });
      const systemNodes = new SystemNodeGroup(this, "system-node-group", {
        ...infra.cluster.systemNodeGroupProps,
        dependsOn: [calico.release],
      });
      calico.teardownOnDestroy({ access, dependsOn: [systemNodes.nodeGroup] });
      const podNetwork = calico.waitForReady({ access, dependsOn: [systemNodes.nodeGroup] });
      calicoProven = podNetwork.resource;
      clusterDns = new CorednsAddon(this, "coredns", {
        clusterName: cluster.name,
        kubernetesVersion: env.kubernetesVersion,
        addonVersions: props.offline ? "unpinned" : "cluster-default",
        dependsOn: [podNetwork.resource],
      }).addon;
    } else {
      // The infra stack's system nodes outlive this stack.
      clusterDns = calico.teardownOnDestroy({ access }).resource;
      calicoProven = clusterDns;
    }
    recordPlatform(this, env, calicoProven);

    const controller = new KarpenterController(this, "karpenter", {
      clusterName: infra.cluster.clusterName,
      clusterEndpoint: infra.cluster.endpoint,
      interruptionQueueName: infra.karpenter.queueName,
      identity: env.karpenter.identity,
      controllerRoleArn: infra.karpenter.controllerRoleArn,
      enableZonalShift: env.karpenter.enableZonalShift,
      dependsOn: [clusterDns],
      networkPolicy: env.networkPolicies,
    });
    const nodePools = new KarpenterNodePools(this, "node-pools", {
      clusterName: cluster.name,
      nodeRoleName: infra.karpenter.nodeRoleName,
      kmsKeyArn: infra.keys.ebs.keyArn,
      kubernetesVersion: env.kubernetesVersion,
      amiVersion: env.karpenter.amiVersion,
      podNetworkMode: env.podNetwork.mode,
      maxPods: cluster.maxPods,
      nodePools: env.karpenter.nodePools,
      dependsOn: [controller.release],
    });
    new NginxIngress(this, "ingress", {
      ...env.ingress,
      ...ingressDefaults,
      tier: env.tier,
      platform: "eks",
      podNetworkMode: env.podNetwork.mode,
      dependsOn: [nodePools.release],
      namespaceSecurity,
    });
    // Last: it reads the namespace of every release above.
    if (clusterAccess(env).viewers.length > 0) new PlanReaders(this, "plan-readers");
  }
}
