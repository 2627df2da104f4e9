import { ITerraformDependable, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Calico, CalicoBgp } from "../constructs/calico";
import { CorednsAddon } from "../constructs/eks";
import { NginxIngress } from "../constructs/ingress";
import { KarpenterController, KarpenterNodePools } from "../constructs/karpenter";
import { MetalLb } from "../constructs/metallb";
import { podNetworkTraits } from "../constructs/shared/pod-network";
import { awsProvider } from "./aws-provider";
import { configureBackend } from "./backend";
import type { Environment } from "./environment/schema";
import type { InfraStack } from "./infra-stack";
import { kubernetesProviders } from "./kubernetes-access";

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
 * first and destroy removes it last.
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

    if (env.platform === "onprem") {
      kubernetesProviders(this, { kind: "kubeconfig", ...env.kubeconfig });
      const calico = new Calico(this, "calico", {
        platform: "onprem",
        mode: env.podNetwork.mode,
        podCidr: env.podNetwork.podCidr,
        blockSize: env.podNetwork.blockSize,
        natOutgoing: env.podNetwork.natOutgoing,
        interfaceMtu: env.podNetwork.interfaceMtu,
        nodeCidrs: env.nodeSegments.map((segment) => segment.cidr),
        serviceCidr: env.serviceCidr,
      });
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
        dependsOn: [calico.release],
      });
      if (env.calicoBgp) {
        new CalicoBgp(this, "calico-bgp", {
          calico,
          asNumber: env.calicoBgp.asNumber,
          peers: env.calicoBgp.peers,
          serviceLoadBalancerCidrs: metallb.calicoAnnouncedCidrs,
          // Calico's CRDs come with its release; to be pointed at the gate on Calico reporting
          // Available once the bring-up rework lands.
          dependsOn: [calico.release],
        });
      }
      new NginxIngress(this, "ingress", {
        ...env.ingress,
        ...ingressDefaults,
        tier: env.tier,
        platform: "onprem",
        podNetworkMode: env.podNetwork.mode,
        dependsOn: [metallb.resources.release],
      });
      return;
    }

    const infra = props.infra;
    if (!infra) throw new Error(`${id}: an EKS platform stack needs its infra stack`);
    const { aws, cluster } = env;
    kubernetesProviders(this, {
      kind: "eks",
      clusterName: cluster.name,
      region: aws.region,
      endpoint: infra.cluster.endpoint,
      certificateAuthorityData: infra.cluster.certificateAuthorityData,
    });

    const calico = new Calico(this, "calico", {
      platform: "eks",
      mode: env.podNetwork.mode,
      podCidr: env.podNetwork.podCidr,
      blockSize: env.podNetwork.blockSize,
      natOutgoing: env.podNetwork.natOutgoing,
      interfaceMtu: env.podNetwork.interfaceMtu,
      vpcCidr: aws.vpcCidr,
      serviceCidr: env.serviceCidr,
    });

    // With Calico as the CNI, CoreDNS can only become healthy once Calico runs (see CorednsAddon).
    let clusterDns: ITerraformDependable = calico.release;
    if (podNetworkTraits(env.podNetwork.mode).cni === "calico") {
      awsProvider(this, {
        environment: env.name,
        owner: env.owner,
        target: aws,
        offline: props.offline,
      });
      clusterDns = new CorednsAddon(this, "coredns", {
        clusterName: cluster.name,
        dependsOn: [calico.release],
      }).addon;
    }

    const controller = new KarpenterController(this, "karpenter", {
      clusterName: infra.cluster.clusterName,
      clusterEndpoint: infra.cluster.endpoint,
      interruptionQueueName: infra.karpenter.queueName,
      identity: env.karpenter.identity,
      controllerRoleArn: infra.karpenter.controllerRoleArn,
      podNetworkMode: env.podNetwork.mode,
      dependsOn: [clusterDns],
    });
    const nodePools = new KarpenterNodePools(this, "node-pools", {
      clusterName: cluster.name,
      nodeRoleName: infra.karpenter.nodeRoleName,
      kmsKeyArn: infra.keys.ebs.keyArn,
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
    });
  }
}
