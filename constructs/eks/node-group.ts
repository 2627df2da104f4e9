import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";

/** Sizing of the managed node group that runs system pods. */
export interface SystemNodeGroupSizing {
  readonly instanceTypes: readonly string[];
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredSize: number;
  /** Root volume size. */
  readonly diskSizeGiB: number;
}

export interface SystemNodeGroupProps {
  readonly clusterName: string;
  /** Kubernetes version of the nodes; follows the cluster so upgrades roll the group. */
  readonly kubernetesVersion: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupId: string;
  readonly nodeRoleArn: string;
  /** Key encrypting the root volumes. */
  readonly kmsKeyArn: string;
  readonly sizing: SystemNodeGroupSizing;
  /** kubelet maxPods written into the node user data; undefined leaves EKS's value. */
  readonly maxPods?: number;
  /**
   * Resources that must exist before nodes join: the CNI (the VPC CNI add-on, or the Calico
   * release) and the node role's policies when they are in the same stack.
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** Label system workloads (Karpenter's controller) select with a nodeSelector. */
export const SYSTEM_NODE_LABEL = { "node-role.platform/system": "true" } as const;

/** AL2023 AMI type: Graviton when every instance type is a Graviton type (m7g, c6gn, ...). */
export function systemAmiType(instanceTypes: readonly string[]): string {
  const graviton = instanceTypes.every((type) => /^[a-z]\d+g/.test(type));
  return graviton ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

const BOUNDARY = "//platform-nodeadm//";

/**
 * AL2023 user data setting kubelet maxPods through a nodeadm `NodeConfig` part. EKS merges its
 * own part (cluster endpoint, CA) with this one. Needed when Calico is the CNI: the ENI-based
 * limit EKS computes for the VPC CNI does not apply to overlay pod addresses.
 *
 * Caveat: nodeadm lets the later part win on conflicts, and EKS appends its part after ours;
 * check `.status.capacity.pods` on a new node. If EKS's value wins, the fallback is an explicit
 * AMI (`image_id`), for which EKS adds no NodeConfig and the cluster block must be given here.
 */
export function maxPodsUserData(maxPods: number): string {
  return [
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${BOUNDARY}"`,
    "",
    `--${BOUNDARY}`,
    "Content-Type: application/node.eks.aws",
    "",
    "---",
    "apiVersion: node.eks.aws/v1alpha1",
    "kind: NodeConfig",
    "spec:",
    "  kubelet:",
    "    config:",
    `      maxPods: ${maxPods}`,
    "",
    `--${BOUNDARY}--`,
    "",
  ].join("\n");
}

/**
 * A small EKS managed node group for system pods (CoreDNS, Calico's control plane, Karpenter,
 * which must not run on nodes it manages), launched from a template that requires IMDSv2 and
 * encrypts the root volume with the environment's key.
 *
 * A change EKS cannot roll in place (instance types, subnets, AMI type) replaces the node group.
 * Named by prefix and created before the old group is destroyed, as terraform-aws-eks does, the
 * new nodes are up before the old ones drain; with a fixed name Terraform would destroy every
 * system node (CoreDNS, Karpenter, Typha) first. The launch template follows the same pattern.
 */
export class SystemNodeGroup extends Construct {
  public readonly launchTemplate: LaunchTemplate;
  public readonly nodeGroup: EksNodeGroup;

  constructor(scope: Construct, id: string, props: SystemNodeGroupProps) {
    super(scope, id);
    const name = `${props.clusterName}-system`;
    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      namePrefix: `${name}-`,
      description: `System nodes of EKS cluster ${props.clusterName}`,
      updateDefaultVersion: true,
      vpcSecurityGroupIds: [props.securityGroupId],
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        // One hop: host processes reach IMDS, containers in pod network namespaces do not.
        // Controllers get credentials from EKS Pod Identity, which does not use IMDS.
        httpPutResponseHopLimit: 1,
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeType: "gp3",
            volumeSize: props.sizing.diskSizeGiB,
            encrypted: "true",
            kmsKeyId: props.kmsKeyArn,
            deleteOnTermination: "true",
          },
        },
      ],
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
        resourceType,
        tags: { Name: name },
      })),
      userData:
        props.maxPods === undefined
          ? undefined
          : Buffer.from(maxPodsUserData(props.maxPods)).toString("base64"),
      lifecycle: { createBeforeDestroy: true },
    });

    this.nodeGroup = new EksNodeGroup(this, "node-group", {
      clusterName: props.clusterName,
      nodeGroupNamePrefix: "system-",
      version: props.kubernetesVersion,
      nodeRoleArn: props.nodeRoleArn,
      subnetIds: [...props.subnetIds],
      amiType: systemAmiType(props.sizing.instanceTypes),
      instanceTypes: [...props.sizing.instanceTypes],
      launchTemplate: {
        id: this.launchTemplate.id,
        version: Token.asString(this.launchTemplate.latestVersion),
      },
      scalingConfig: {
        minSize: props.sizing.minSize,
        maxSize: props.sizing.maxSize,
        desiredSize: props.sizing.desiredSize,
      },
      updateConfig: { maxUnavailable: 1 },
      // No taint: CoreDNS and other add-ons must schedule here; Karpenter pins itself with a
      // nodeSelector on this label.
      labels: { ...SYSTEM_NODE_LABEL },
      dependsOn: props.dependsOn,
      lifecycle: {
        createBeforeDestroy: true,
        // desired_size is only the starting size: an apply must not undo scaling done since (by
        // hand or by an autoscaler), as terraform-aws-eks does.
        ignoreChanges: ["scaling_config[0].desired_size"],
      },
    });
  }
}
