/**
 * What a change replaces, modelled offline: the EksCluster construct is planned with the real aws
 * provider against a hand-written prior state of a running cluster (its role, security groups,
 * system node group and launch template), so the provider itself decides which attribute forces
 * a replacement and Terraform orders it. A plan is not an apply, but it is where "destroy every
 * system node first" or "replace the cluster" would show. Planned with the other topics of
 * ../offline-plans.test.ts (topic.ts).
 */
import * as path from "path";
import { EksCluster, EksClusterProps } from "../../../constructs/eks";
import type { PlanTopic } from "./topic";
import {
  ACCOUNT,
  REGION,
  type PlannedTogether,
  type ResourceChange,
  type StateResource,
  defaultTags,
  synthStackDir,
} from "../support";
import { scratchDir } from "../../support/scratch";

const CLUSTER = "dev-platform";
const STACK = "replace";
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;
const VPC = "vpc-0123456789abcdef0";
const INTRA = ["subnet-0a000000000000001", "subnet-0c000000000000001"];
const PRIVATE = ["subnet-1a000000000000001", "subnet-1c000000000000001"];
const IDS = {
  clusterSg: "sg-0c000000000000001",
  nodeSg: "sg-0d000000000000001",
  launchTemplate: "lt-0123456789abcdef0",
};
const SUFFIX = "20251101000000000000000001";
const TAGS = defaultTags(STACK);

function props(overrides: Partial<EksClusterProps> = {}): EksClusterProps {
  return {
    name: CLUSTER,
    kubernetesVersion: "1.35",
    vpcId: VPC,
    vpcCidr: "10.10.0.0/16",
    controlPlaneSubnetIds: INTRA,
    nodeSubnetIds: PRIVATE,
    kmsKeyArn: KEY,
    // The AWS VPC CNI (as in prod): the cluster construct creates the system node group itself.
    // With a Calico CNI the group is built from its props in the platform stack instead.
    podNetworkMode: "policy-only",
    admins: [`arn:aws:iam::${ACCOUNT}:role/platform-admin`],
    // Offline plans may call no AWS API, and looking up add-on versions would.
    addonVersions: "unpinned",
    accountId: ACCOUNT,
    region: REGION,
    ...overrides,
  };
}

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** Terraform address of the one resource of `type` whose logical ID starts with `prefix`. */
function address(json: Record<string, unknown>, type: string, prefix: string): string {
  const names = Object.keys((json.resource as Resources)[type] ?? {}).filter((n) =>
    n.startsWith(prefix),
  );
  if (names.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${names}`);
  return `${type}.${names[0]}`;
}

/** The resources the prior state holds, by role, as Terraform addresses of the configuration. */
function subjects(json: Record<string, unknown>) {
  return {
    clusterRole: address(json, "aws_iam_role", "eks_cluster-role_"),
    nodeRole: address(json, "aws_iam_role", "eks_system-node-role_"),
    cluster: address(json, "aws_eks_cluster", "eks_cluster_"),
    clusterSg: address(json, "aws_security_group", "eks_security-groups_cluster_"),
    nodeSg: address(json, "aws_security_group", "eks_security-groups_node_"),
    launchTemplate: address(json, "aws_launch_template", "eks_system-node-group_"),
    nodeGroup: address(json, "aws_eks_node_group", "eks_system-node-group_"),
  };
}

function instance(addr: string, schemaVersion: number, attributes: Record<string, unknown>) {
  const [type, name] = addr.split(".");
  return {
    mode: "managed",
    type,
    name,
    provider: 'provider["registry.terraform.io/hashicorp/aws"]',
    instances: [{ schema_version: schemaVersion, attributes, sensitive_attributes: [] }],
  };
}

const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

function role(addr: string, name: string, service: string, actions: string[]) {
  return instance(addr, 0, {
    id: name,
    name,
    name_prefix: "",
    arn: roleArn(name),
    assume_role_policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }],
    }),
    force_detach_policies: true,
    path: "/",
    max_session_duration: 3600,
    description: "",
    permissions_boundary: "",
    create_date: "2025-11-01T00:00:00Z",
    unique_id: `AROA${name.toUpperCase().replace(/-/g, "")}`.slice(0, 21),
    managed_policy_arns: [],
    inline_policy: [],
    tags: {},
    tags_all: TAGS,
  });
}

function securityGroup(
  addr: string,
  id: string,
  fields: { name: string; namePrefix: string; description: string; tags: Record<string, string> },
) {
  return instance(addr, 1, {
    id,
    arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${id}`,
    name: fields.name,
    name_prefix: fields.namePrefix,
    description: fields.description,
    vpc_id: VPC,
    owner_id: ACCOUNT,
    ingress: [],
    egress: [],
    revoke_rules_on_delete: false,
    tags: fields.tags,
    tags_all: { ...TAGS, ...fields.tags },
    timeouts: null,
  });
}

interface StateOptions {
  /** Description the cluster group was created with. */
  readonly clusterSgDescription?: string;
  /** The node group as the construct created it before name prefixes: a fixed name. */
  readonly fixedNodeSgName?: boolean;
}

/**
 * The resources of a running cluster's prior state, as the base configuration (`props()`) created
 * them: only those whose replacement is in question and what their ForceNew attributes reference;
 * everything else in the configuration plans as a create, which does not matter here.
 */
function priorState(base: Record<string, unknown>, options: StateOptions = {}): StateResource[] {
  const s = subjects(base);
  const resources = base.resource as Resources;
  const { user_data: userData } = Object.values(resources.aws_launch_template)[0];
  const { scaling_config: scaling } = Object.values(resources.aws_eks_node_group)[0];
  const ltName = `${CLUSTER}-system-${SUFFIX}`;
  const nodeGroupName = `system-${SUFFIX}`;
  return [
    role(s.clusterRole, `${CLUSTER}-cluster`, "eks.amazonaws.com", [
      "sts:AssumeRole",
      "sts:TagSession",
    ]),
    role(s.nodeRole, `${CLUSTER}-system-node`, "ec2.amazonaws.com", ["sts:AssumeRole"]),
    securityGroup(s.clusterSg, IDS.clusterSg, {
      name: `${CLUSTER}-cluster-${SUFFIX}`,
      namePrefix: `${CLUSTER}-cluster-`,
      description: options.clusterSgDescription ?? `EKS control plane of ${CLUSTER}`,
      tags: { Name: `${CLUSTER}-cluster` },
    }),
    securityGroup(s.nodeSg, IDS.nodeSg, {
      name: options.fixedNodeSgName ? `${CLUSTER}-node` : `${CLUSTER}-node-${SUFFIX}`,
      namePrefix: options.fixedNodeSgName ? "" : `${CLUSTER}-node-`,
      description: `EKS nodes of ${CLUSTER}`,
      tags: { Name: `${CLUSTER}-node`, "karpenter.sh/discovery": CLUSTER },
    }),
    instance(s.cluster, 1, {
      id: CLUSTER,
      name: CLUSTER,
      arn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`,
      cluster_id: "",
      version: "1.35",
      platform_version: "eks.5",
      status: "ACTIVE",
      created_at: "2025-11-01T00:00:00Z",
      endpoint: `https://0123456789ABCDEF.gr7.${REGION}.eks.amazonaws.com`,
      certificate_authority: [{ data: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==" }],
      identity: [
        { oidc: [{ issuer: `https://oidc.eks.${REGION}.amazonaws.com/id/0123456789ABCDEF` }] },
      ],
      role_arn: roleArn(`${CLUSTER}-cluster`),
      enabled_cluster_log_types: ["api", "audit", "authenticator"],
      bootstrap_self_managed_addons: true,
      force_update_version: null,
      access_config: [
        { authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false },
      ],
      encryption_config: [{ resources: ["secrets"], provider: [{ key_arn: KEY }] }],
      kubernetes_network_config: [
        {
          ip_family: "ipv4",
          service_ipv4_cidr: "172.20.0.0/16",
          service_ipv6_cidr: "",
          elastic_load_balancing: [],
        },
      ],
      upgrade_policy: [{ support_type: "STANDARD" }],
      vpc_config: [
        {
          cluster_security_group_id: "sg-0e000000000000001",
          endpoint_private_access: true,
          endpoint_public_access: false,
          public_access_cidrs: ["0.0.0.0/0"],
          security_group_ids: [IDS.clusterSg],
          subnet_ids: INTRA,
          vpc_id: VPC,
        },
      ],
      compute_config: [],
      outpost_config: [],
      remote_network_config: [],
      storage_config: [],
      zonal_shift_config: [],
      tags: {},
      tags_all: TAGS,
      timeouts: null,
    }),
    instance(s.launchTemplate, 0, {
      id: IDS.launchTemplate,
      arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:launch-template/${IDS.launchTemplate}`,
      name: ltName,
      name_prefix: `${CLUSTER}-system-`,
      description: `System nodes of EKS cluster ${CLUSTER}`,
      default_version: 1,
      latest_version: 1,
      update_default_version: true,
      vpc_security_group_ids: [IDS.nodeSg],
      user_data: userData,
      metadata_options: [
        {
          http_endpoint: "enabled",
          http_tokens: "required",
          http_put_response_hop_limit: 1,
          http_protocol_ipv6: "",
          instance_metadata_tags: "",
        },
      ],
      block_device_mappings: [
        {
          device_name: "/dev/xvda",
          no_device: "",
          virtual_name: "",
          ebs: [
            {
              delete_on_termination: "true",
              encrypted: "true",
              kms_key_id: KEY,
              volume_size: 50,
              volume_type: "gp3",
              iops: 0,
              throughput: 0,
              snapshot_id: "",
              volume_initialization_rate: 0,
            },
          ],
        },
      ],
      tag_specifications: ["instance", "volume", "network-interface"].map((resource_type) => ({
        resource_type,
        tags: { Name: `${CLUSTER}-system` },
      })),
      tags: {},
      tags_all: TAGS,
    }),
    instance(s.nodeGroup, 0, {
      id: `${CLUSTER}:${nodeGroupName}`,
      arn: `arn:aws:eks:${REGION}:${ACCOUNT}:nodegroup/${CLUSTER}/${nodeGroupName}/0`,
      cluster_name: CLUSTER,
      node_group_name: nodeGroupName,
      node_group_name_prefix: "system-",
      version: "1.35",
      release_version: "1.34.1-20251108",
      ami_type: "AL2023_x86_64_STANDARD",
      capacity_type: "ON_DEMAND",
      disk_size: 0,
      instance_types: ["m6i.large"],
      labels: { "node-role.platform/system": "true" },
      node_role_arn: roleArn(`${CLUSTER}-system-node`),
      subnet_ids: PRIVATE,
      launch_template: [{ id: IDS.launchTemplate, name: ltName, version: "1" }],
      scaling_config: [scaling],
      update_config: [{ max_unavailable: 1, max_unavailable_percentage: 0 }],
      resources: [
        { autoscaling_groups: [{ name: "eks-system" }], remote_access_security_group_id: "" },
      ],
      status: "ACTIVE",
      force_update_version: null,
      node_repair_config: [],
      remote_access: [],
      taint: [],
      tags: {},
      tags_all: TAGS,
      timeouts: null,
    }),
  ];
}

interface Scenario {
  readonly name: string;
  readonly props?: Partial<EksClusterProps>;
  readonly state?: StateOptions;
}

const SCENARIOS: readonly Scenario[] = [
  { name: "unchanged" },
  // kubernetes_network_config forces a new cluster.
  { name: "cluster-replaced", props: { serviceCidr: "172.21.0.0/16" } },
  { name: "instance-types", props: { systemNodeGroup: { instanceTypes: ["m6i.xlarge"] } } },
  // One Kubernetes minor version up (docs/upgrades.md).
  { name: "kubernetes-minor", props: { kubernetesVersion: "1.36" } },
  {
    name: "security-groups",
    state: { clusterSgDescription: "EKS control plane (before)", fixedNodeSgName: true },
  },
];

/** Every scenario, a module with its own prior state. */
export function replacementPlans(): PlanTopic {
  let s: ReturnType<typeof subjects>;
  return {
    synth: () => {
      const root = scratchDir("platform-replace-");
      const synthesized = SCENARIOS.map((scenario) =>
        synthStackDir(path.join(root, scenario.name), STACK, (stack) => {
          new EksCluster(stack, "eks", props(scenario.props));
        }),
      );
      const base = synthesized[0].json;
      s = subjects(base);
      return {
        succeeding: SCENARIOS.map((scenario, i) => ({
          dir: synthesized[i].dir,
          state: priorState(base, scenario.state),
        })),
      };
    },
    describe: (plans) =>
      describe("what a change replaces (offline plans against a prior state)", () => {
        const byScenario = new Map<string, readonly ResourceChange[]>();
        beforeAll(() => {
          const planned: PlannedTogether = plans().succeeding;
          if (!planned.changes) throw new Error(JSON.stringify(planned.diagnostics, null, 2));
          SCENARIOS.forEach((scenario, i) => byScenario.set(scenario.name, planned.changes![i]));
        });

        function change(scenario: string, addr: string): ResourceChange {
          const found = byScenario.get(scenario)!.find((c) => c.address === addr);
          if (!found) throw new Error(`${addr} is not in the plan of ${scenario}`);
          return found;
        }

        /** The planned actions of each resource of the prior state ("create,delete", "no-op", ...). */
        function actions(scenario: string): Record<keyof typeof s, string> {
          const entries = Object.entries(s).map(([k, addr]) => [
            k,
            change(scenario, addr).change.actions.join(","),
          ]);
          return Object.fromEntries(entries) as Record<keyof typeof s, string>;
        }

        it("the prior state matches the configuration (nothing to change)", () => {
          // Guards the fixture: every other scenario differs from this one in one thing only.
          expect(actions("unchanged")).toEqual({
            clusterRole: "no-op",
            nodeRole: "no-op",
            cluster: "no-op",
            clusterSg: "no-op",
            nodeSg: "no-op",
            launchTemplate: "no-op",
            nodeGroup: "no-op",
          });
        });

        it("new instance types replace the system node group, new nodes first", () => {
          expect(actions("instance-types")).toMatchObject({
            cluster: "no-op",
            launchTemplate: "no-op",
            // create,delete: the new group is created before the old is destroyed.
            nodeGroup: "create,delete",
          });
          expect(change("instance-types", s.nodeGroup).change.replace_paths).toContainEqual([
            "instance_types",
          ]);
        });

        it("a Kubernetes minor upgrade updates the control plane, then the system nodes, in place", () => {
          expect(actions("kubernetes-minor")).toEqual({
            clusterRole: "no-op",
            nodeRole: "no-op",
            // UpdateClusterVersion, then UpdateNodegroupVersion: a rolling update of the same group.
            cluster: "update",
            clusterSg: "no-op",
            nodeSg: "no-op",
            launchTemplate: "no-op",
            nodeGroup: "update",
          });
          const before = (addr: string) =>
            change("kubernetes-minor", addr).change.before as { version: string };
          const after = (addr: string) =>
            change("kubernetes-minor", addr).change.after as { version: string };
          expect([before(s.cluster).version, after(s.cluster).version]).toEqual(["1.35", "1.36"]);
          // The node group's version follows the cluster's, so it is known only once the cluster is.
          expect(before(s.nodeGroup).version).toBe("1.35");
        });

        it("replaced security groups are created first and the cluster takes them in place", () => {
          expect(actions("security-groups")).toMatchObject({
            clusterSg: "create,delete",
            nodeSg: "create,delete",
            // vpc_config.security_group_ids is updatable in place with provider 5.100.0
            // (UpdateClusterConfig): no cluster replacement.
            cluster: "update",
            // A new launch template version with the new group, rolled out by the node group.
            launchTemplate: "update",
            nodeGroup: "update",
          });
          expect(change("security-groups", s.cluster).change.replace_paths).toBeUndefined();
        });

        it("with the node group in the same stack, a new cluster is planned create-before-destroy", () => {
          // Terraform makes what a create-before-destroy resource depends on create-before-destroy
          // too, so the node group carries it to the cluster: with its fixed name the create fails
          // (the name is taken) and the running cluster stays. Only where the group is in the
          // cluster's stack (the AWS VPC CNI); with a Calico CNI it is in the platform stack.
          expect(actions("cluster-replaced")).toMatchObject({ cluster: "create,delete" });
          expect(change("cluster-replaced", s.cluster).change.replace_paths).toContainEqual([
            "kubernetes_network_config",
            0,
            "service_ipv4_cidr",
          ]);
        });
      }),
  };
}
