/**
 * `<env>-infra` is applied before `<env>-platform`, so a change that only works once the platform
 * stack has moved (or is gone) fails halfway through the infra apply, minutes after a plan that
 * looked fine. The platform stack records what it was deployed against (outputs); the infra stack
 * reads that record from the platform's state while it plans, and refuses:
 *
 * - a change that replaces the EKS cluster while the platform stack holds resources: EKS refuses
 *   DeleteCluster while the platform's managed node group exists, and Karpenter's instances and
 *   every release would be orphaned. Destroy `<env>-platform` first.
 * - a pod network mode switch that closes node-to-node ports calico-node still uses: the infra
 *   apply would remove them before the platform apply rolls calico-node to the new mode. Switch
 *   with `podNetwork.migratingFrom` first (both modes' ports open), then drop it.
 *
 * The state is read as data, so a fresh account (no platform state yet) plans as before; with the
 * S3 backend the object is looked up by listing its key first, because `terraform_remote_state`
 * fails on a state that does not exist. Both roles need nothing new: `s3:ListBucket` on the state
 * bucket and `s3:GetObject` (with `kms:Decrypt`) on its objects are what the S3 backend needs.
 */
import {
  DataTerraformRemoteStateLocal,
  DataTerraformRemoteStateS3,
  Fn,
  ITerraformDependable,
  TerraformLocal,
  TerraformOutput,
  TerraformRemoteState,
  TerraformResource,
} from "cdktf";
import { Construct } from "constructs";
import { DataAwsS3Objects } from "@cdktf/provider-aws/lib/data-aws-s3-objects";
import { admitsPodNetwork, securityGroupRules } from "../constructs/eks/security-groups";
import { POD_NETWORK_MODES, podNetworkTraits } from "../constructs/shared/pod-network";
import { localStatePath, stateKey } from "./backend";
import type { EksEnvironment } from "./environment/schema";

/** The platform stack's outputs the guard reads. */
export const PLATFORM_RECORD = {
  /** `clusterIdentity` of the configuration the platform was last deployed with. */
  cluster: "cluster_identity",
  /** The pod network mode calico-node was last proven to run. */
  mode: "pod_network_mode",
} as const;

/**
 * What the EKS cluster is created from: the provider replaces the cluster when any of it changes
 * (its name, the service range, `bootstrap_self_managed_addons` through the CNI), and a cluster
 * cannot move to another VPC. Control-plane subnets of the same VPC are updated in place.
 */
export function clusterIdentity(env: EksEnvironment): string {
  return JSON.stringify({
    name: env.cluster.name,
    serviceCidr: env.serviceCidr,
    cni: podNetworkTraits(env.podNetwork.mode).cni,
    vpcCidr: env.aws.vpcCidr,
  });
}

/** Records, in the platform stack, what the guard compares; `proven` gates the mode. */
export function recordPlatform(
  scope: Construct,
  env: EksEnvironment,
  proven: ITerraformDependable,
): void {
  new TerraformOutput(scope, PLATFORM_RECORD.cluster, {
    value: clusterIdentity(env),
    description: `What the cluster was created from; ${env.name}-infra refuses to replace the cluster while this stack holds resources`,
  });
  // Written only once the step that proves the mode runs has passed. cdktf writes an output's
  // depends_on as an interpolation, which Terraform rejects: the address goes in as it is.
  if (!(proven instanceof TerraformResource)) {
    throw new Error(`${scope.node.path}: the pod network mode must be recorded after a resource`);
  }
  new TerraformOutput(scope, PLATFORM_RECORD.mode, {
    value: env.podNetwork.mode,
    description: `The pod network mode calico-node runs; ${env.name}-infra refuses to close ports it uses`,
  }).addOverride("depends_on", [`${proven.terraformResourceType}.${proven.friendlyUniqueId}`]);
}

/**
 * Modes the node security group of this configuration does not serve: while the platform runs
 * one of them, the infra apply would cut pod traffic.
 */
export function refusedRunningModes(env: EksEnvironment): string[] {
  const rules = securityGroupRules(env.podNetwork.mode, env.podNetwork.migratingFrom);
  return POD_NETWORK_MODES.filter(
    (mode) => podNetworkTraits(mode).cni === "calico" && !admitsPodNetwork(rules, mode),
  );
}

export interface PlatformStateGuardProps {
  readonly environment: EksEnvironment;
  /** The platform stack's name, whose state is read. */
  readonly platformStack: string;
  /** Offline (stacks/offline.ts): local state, as the backend. */
  readonly offline: boolean;
}

/** The refusals above, as postconditions on reading `<env>-platform`'s state. */
export class PlatformStateGuard extends Construct {
  constructor(scope: Construct, id: string, props: PlatformStateGuardProps) {
    super(scope, id);
    const env = props.environment;
    const platform = props.platformStack;
    // Plain data in the configuration: the condition reads it, and tests read what is refused.
    const guard = new TerraformLocal(this, "platform_guard", {
      platform_stack: platform,
      cluster: clusterIdentity(env),
      refused_running_modes: refusedRunningModes(env),
    });
    const local = `local.${guard.friendlyUniqueId}`;

    let state: TerraformRemoteState;
    let exists: unknown;
    if (env.state && !props.offline) {
      const key = stateKey(env.name, platform);
      const objects = new DataAwsS3Objects(this, "platform-state-object", {
        bucket: env.state.bucket,
        prefix: key,
      });
      exists = Fn.contains(objects.keys, key);
      state = new DataTerraformRemoteStateS3(this, "platform-state", {
        bucket: env.state.bucket,
        key,
        region: env.state.region,
      });
    } else {
      const path = localStatePath(platform);
      exists = Fn.fileexists(path);
      state = new DataTerraformRemoteStateLocal(this, "platform-state", { path });
    }
    state.addOverride("count", Fn.conditional(exists, 1, 0));
    const running = `try(self.outputs.${PLATFORM_RECORD.mode}, "")`;
    state.addOverride("lifecycle.postcondition", [
      {
        condition: `\${try(self.outputs.${PLATFORM_RECORD.cluster}, null) == null || try(self.outputs.${PLATFORM_RECORD.cluster}, null) == ${local}.cluster}`,
        error_message:
          `${env.name}-infra: this change replaces the EKS cluster (its name, service range, VPC or CNI ` +
          `differ from what ${platform} was deployed against), but ${platform} still holds ` +
          "resources: EKS refuses to delete a cluster while a managed node group exists, and " +
          `Karpenter's instances and every release would be orphaned. Destroy ${platform} ` +
          `first (npx cdktf destroy ${platform}), then deploy` +
          (podNetworkTraits(env.podNetwork.mode).cni === "aws-vpc-cni"
            ? "; with the AWS VPC CNI the system node group in this stack makes the replacement " +
              "create-before-destroy, so give the cluster a new cluster.name in the same change"
            : "") +
          "; see docs/operations.md.",
      },
      {
        condition: `\${!contains(${local}.refused_running_modes, ${running})}`,
        error_message:
          `${env.name}-infra: ${platform} runs pod network mode "\${${running}}", and this ` +
          `change removes node security group rules it uses before ${platform} moves ` +
          `calico-node to "${env.podNetwork.mode}", cutting pod traffic. Switch in two changes: ` +
          `first podNetwork.mode: ${env.podNetwork.mode} with podNetwork.migratingFrom: ` +
          `\${${running}}, then, once both stacks are deployed, remove migratingFrom; see ` +
          "docs/operations.md.",
      },
    ]);
  }
}
