import { Annotations, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { EksCluster } from "../constructs/eks";
import { KarpenterAws } from "../constructs/karpenter";
import { KmsKey } from "../constructs/kms";
import { Vpc } from "../constructs/network";
import { partitionOfRegion } from "../constructs/shared/aws-account";
import { awsProvider } from "./aws-provider";
import { PLAN_READERS_GROUP, clusterAccess } from "./cluster-roles";
import { configureBackend } from "./backend";
import type { EksEnvironment } from "./environment/schema";
import { PlatformStateGuard } from "./platform-guard";

export interface InfraStackProps {
  readonly environment: EksEnvironment;
  /** The environment's platform stack, whose state the guard reads (stacks/platform-guard.ts). */
  readonly platformStack: string;
  /** See stacks/offline.ts. */
  readonly offline: boolean;
}

/**
 * `<env>-infra`: everything AWS (network, keys, cluster, system nodes, Karpenter's AWS side), with
 * the aws provider only. Its outputs configure the `<env>-platform` stack's providers.
 */
export class InfraStack extends TerraformStack {
  readonly environment: EksEnvironment;
  readonly vpc: Vpc;
  readonly keys: { readonly secrets: KmsKey; readonly ebs: KmsKey; readonly logs: KmsKey };
  readonly cluster: EksCluster;
  readonly karpenter: KarpenterAws;

  constructor(scope: Construct, id: string, props: InfraStackProps) {
    super(scope, id);
    const env = props.environment;
    this.environment = env;
    const { aws, cluster } = env;
    // The environment checks refuse regions of unsupported partitions.
    const account = {
      accountId: aws.accountId,
      region: aws.region,
      partition: partitionOfRegion(aws.region),
    };
    const protect = env.tier === "prod";

    awsProvider(this, {
      environment: env.name,
      owner: env.owner,
      target: aws,
      offline: props.offline,
    });
    configureBackend(this, {
      environment: env.name,
      stackName: id,
      state: env.state,
      offline: props.offline,
    });

    // One key per purpose, so that each key policy grants only what its service needs.
    const key = (purpose: string, description: string, usage: { ebs?: boolean; logs?: boolean }) =>
      new KmsKey(this, `kms-${purpose}`, {
        ...account,
        alias: `${env.name}/${purpose}`,
        description: `${env.name}: ${description}`,
        administrators: env.kms.administrators,
        rotationPeriodDays: env.kms.rotationPeriodDays,
        protect,
        usage: { ebs: false, logs: false, ...usage },
      });
    this.keys = {
      // Only the cluster role uses it, through its own IAM policy (EksCluster).
      secrets: key("eks-secrets", "EKS secrets envelope encryption", {}),
      ebs: key("ebs", "node root volumes", { ebs: true }),
      logs: key("logs", "control-plane and VPC flow logs", { logs: true }),
    };

    this.vpc = new Vpc(this, "vpc", {
      ...account,
      name: cluster.name,
      cidr: aws.vpcCidr,
      zones: aws.zones,
      subnetPrefixes: aws.subnetPrefixes,
      nat: aws.nat,
      clusterName: cluster.name,
      endpoints: aws.vpcEndpoints,
      flowLogs: { kmsKeyArn: this.keys.logs.keyArn, retentionDays: aws.flowLogRetentionDays },
    });

    const access = clusterAccess(env);
    this.cluster = new EksCluster(this, "cluster", {
      ...account,
      name: cluster.name,
      kubernetesVersion: env.kubernetesVersion,
      vpcId: this.vpc.vpcId,
      vpcCidr: aws.vpcCidr,
      controlPlaneSubnetIds: this.vpc.intraSubnetIds,
      nodeSubnetIds: this.vpc.privateSubnetIds,
      kmsKeyArn: this.keys.secrets.keyArn,
      volumeKmsKeyArn: this.keys.ebs.keyArn,
      logsKmsKeyArn: this.keys.logs.keyArn,
      podNetworkMode: env.podNetwork.mode,
      podNetworkMigratingFrom: env.podNetwork.migratingFrom,
      admins: access.admins,
      viewers: access.viewers,
      viewerGroups: access.viewers.length > 0 ? [PLAN_READERS_GROUP] : [],
      endpoint: cluster.endpoint,
      logRetentionDays: cluster.logRetentionDays,
      serviceCidr: env.serviceCidr,
      systemNodeGroup: cluster.systemNodeGroup,
      maxPods: cluster.maxPods,
      supportType: cluster.supportType,
      // Offline plans call no AWS API; the add-on versions are looked up only online.
      addonVersions: props.offline ? "unpinned" : "cluster-default",
      oidc: env.karpenter.identity === "irsa",
      protect,
    });

    this.karpenter = new KarpenterAws(this, "karpenter", {
      ...account,
      clusterName: cluster.name,
      cluster: this.cluster.cluster,
      clusterArn: this.cluster.clusterArn,
      podNetworkMode: env.podNetwork.mode,
      identity: env.karpenter.identity,
      oidc:
        env.karpenter.identity === "irsa"
          ? { providerArn: this.cluster.oidcProviderArn!, issuer: this.cluster.oidcIssuer! }
          : undefined,
      kmsKeyArn: this.keys.ebs.keyArn,
      enableZonalShift: env.karpenter.enableZonalShift,
    });

    new PlatformStateGuard(this, "platform-guard", {
      environment: env,
      platformStack: props.platformStack,
      offline: props.offline,
    });
    if (env.podNetwork.migratingFrom) {
      Annotations.of(this).addWarning(
        `podNetwork.migratingFrom keeps "${env.podNetwork.migratingFrom}"'s node ports open while ` +
          `nodes switch to "${env.podNetwork.mode}"; once ${props.platformStack} is deployed ` +
          "with the new mode, remove it in a later change",
      );
    }

    // Read by people and pipelines; the platform stack references the attributes directly.
    new TerraformOutput(this, "cluster_name", { value: this.cluster.clusterName });
    new TerraformOutput(this, "cluster_endpoint", { value: this.cluster.endpoint });
    new TerraformOutput(this, "karpenter_queue_name", { value: this.karpenter.queueName });
    new TerraformOutput(this, "karpenter_node_role_name", { value: this.karpenter.nodeRoleName });
  }

  /**
   * cdktf marks every output another stack reads as sensitive, which hides them in the platform
   * stack's plan and suppresses the output of every step that uses them (the Calico wait's
   * progress). The cluster's endpoint and CA certificate are not secrets: keep them visible.
   */
  override registerOutgoingCrossStackReference(identifier: string): TerraformOutput {
    const output = super.registerOutgoingCrossStackReference(identifier);
    if (NOT_SECRET.test(identifier)) output.sensitive = false;
    return output;
  }
}

/** Attributes of the cluster other stacks read that are not secrets (cdktf's identifiers). */
const NOT_SECRET = /^aws_eks_cluster\.[^.]+\.(endpoint|certificate_authority\[0\]\.data)$/;
