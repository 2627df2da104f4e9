/**
 * Small Terraform JSON configurations and hand-written local state for real offline plans: an aws
 * provider with fake credentials, and state holding resources "already created" so that plans
 * (with -refresh=false) show replacements, updates and deletions. Nothing is ever applied.
 */
import * as fs from "fs";
import * as path from "path";

const PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]';
const ACCOUNT = "111111111111";
const REGION = "ap-northeast-2";
const CLUSTER_ROLE = `arn:aws:iam::${ACCOUNT}:role/cluster`;

export const OFFLINE_AWS_PROVIDER = {
  aws: [
    {
      region: REGION,
      access_key: "offline-access-key",
      secret_key: "offline-secret-key",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: "true",
      skip_region_validation: true,
    },
  ],
};

export const KEY_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "Root",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: "kms:*",
      Resource: "*",
    },
  ],
});

type Resources = Record<string, Record<string, Record<string, unknown>>>;

export interface ConfigOptions {
  /** CIDR of `aws_vpc.main`; the state holds 10.0.0.0/16. */
  readonly vpcCidr: string;
  /** Whether `aws_kms_key.state` (prevent_destroy) is still configured. */
  readonly withKey: boolean;
  /** `customer_master_key_spec` of the key; the state holds SYMMETRIC_DEFAULT. */
  readonly keySpec?: string;
  /** Value of the SecureString parameter; the state holds {@link OLD_SECRET}. */
  readonly secret?: string;
  /** The cluster's `bootstrap_self_managed_addons`; the state holds false (a Calico CNI mode). */
  readonly bootstrapSelfManagedAddons?: boolean;
}

/** Secret values in the state and configuration: a summary must never show them. */
export const OLD_SECRET = "old-secret-value-1";
export const NEW_SECRET = "new-secret-value-2";

/** cdktf's metadata on a synthesized resource: its construct path. */
const construct = (path: string) => ({ "//": { metadata: { path, uniqueId: path } } });

/**
 * The configuration of stack `fixture`: VPC + subnet, two queues, a SecureString parameter, an
 * EKS cluster and a protected KMS key, each with the construct path cdktf would write.
 */
export function config(options: ConfigOptions): Record<string, unknown> {
  const prefix = options.vpcCidr.split(".").slice(0, 2).join(".");
  const resource: Resources = {
    aws_vpc: {
      main: {
        ...construct("fixture/network/vpc"),
        cidr_block: options.vpcCidr,
        tags: { Name: "main" },
      },
    },
    aws_subnet: {
      a: {
        ...construct("fixture/network/subnet-a"),
        vpc_id: "${aws_vpc.main.id}",
        cidr_block: `${prefix}.1.0/24`,
        availability_zone: `${REGION}a`,
      },
    },
    aws_sqs_queue: {
      // Exists in state with a 30 s visibility timeout: an in-place update.
      events: { ...construct("fixture/events"), name: "events", visibility_timeout_seconds: 60 },
      // Not in state: a create.
      jobs: { ...construct("fixture/jobs"), name: "jobs" },
    },
    aws_ssm_parameter: {
      token: {
        ...construct("fixture/token"),
        name: "/fixture/token",
        type: "SecureString",
        value: options.secret ?? OLD_SECRET,
      },
    },
    aws_eks_cluster: {
      cluster: {
        ...construct("fixture/cluster/cluster"),
        name: "fixture",
        role_arn: CLUSTER_ROLE,
        bootstrap_self_managed_addons: options.bootstrapSelfManagedAddons ?? false,
        vpc_config: { subnet_ids: ["subnet-0123456789abcdef0"] },
      },
    },
  };
  if (options.withKey) {
    resource.aws_kms_key = {
      state: {
        ...construct("fixture/state-key/key"),
        description: "state key",
        enable_key_rotation: true,
        deletion_window_in_days: 30,
        customer_master_key_spec: options.keySpec ?? "SYMMETRIC_DEFAULT",
        policy: KEY_POLICY,
        lifecycle: { prevent_destroy: true },
      },
    };
  }
  return { provider: OFFLINE_AWS_PROVIDER, resource };
}

function instance(
  type: string,
  name: string,
  schemaVersion: number,
  attributes: Record<string, unknown>,
  sensitive: readonly string[] = [],
) {
  return {
    mode: "managed",
    type,
    name,
    provider: PROVIDER,
    instances: [
      {
        schema_version: schemaVersion,
        attributes,
        sensitive_attributes: sensitive.map((attribute) => [
          { type: "get_attr", value: attribute },
        ]),
      },
    ],
  };
}

export interface VpcState {
  readonly id: string;
  readonly cidr: string;
  readonly tags: Record<string, string>;
  /** `tags` with the provider's default tags. */
  readonly tagsAll: Record<string, string>;
}

/** An `aws_vpc` as the provider stores it after creating it. */
export function vpcInstance(name: string, vpc: VpcState) {
  return instance("aws_vpc", name, 1, {
    id: vpc.id,
    arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/${vpc.id}`,
    cidr_block: vpc.cidr,
    instance_tenancy: "default",
    enable_dns_support: true,
    enable_dns_hostnames: false,
    enable_network_address_usage_metrics: false,
    assign_generated_ipv6_cidr_block: false,
    default_network_acl_id: "acl-0123456789abcdef0",
    default_route_table_id: "rtb-0123456789abcdef0",
    default_security_group_id: "sg-0123456789abcdef0",
    dhcp_options_id: "dopt-0123456789abcdef0",
    main_route_table_id: "rtb-0123456789abcdef0",
    owner_id: ACCOUNT,
    ipv4_ipam_pool_id: null,
    ipv4_netmask_length: null,
    ipv6_association_id: "",
    ipv6_cidr_block: "",
    ipv6_cidr_block_network_border_group: "",
    ipv6_ipam_pool_id: "",
    ipv6_netmask_length: 0,
    tags: vpc.tags,
    tags_all: vpc.tagsAll,
  });
}

export interface SubnetState {
  readonly id: string;
  readonly vpcId: string;
  readonly cidr: string;
  readonly zone: string;
  readonly mapPublicIp: boolean;
  readonly tags: Record<string, string>;
  readonly tagsAll: Record<string, string>;
}

/** An `aws_subnet` as the provider stores it after creating it. */
export function subnetInstance(name: string, subnet: SubnetState) {
  return instance("aws_subnet", name, 1, {
    id: subnet.id,
    arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${subnet.id}`,
    vpc_id: subnet.vpcId,
    cidr_block: subnet.cidr,
    availability_zone: subnet.zone,
    availability_zone_id: "apne2-az1",
    ipv6_native: false,
    assign_ipv6_address_on_creation: false,
    enable_dns64: false,
    map_public_ip_on_launch: subnet.mapPublicIp,
    owner_id: ACCOUNT,
    tags: subnet.tags,
    tags_all: subnet.tagsAll,
  });
}

const queue = (name: string, visibility: number) =>
  instance("aws_sqs_queue", name, 0, {
    id: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`,
    arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
    url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`,
    name,
    name_prefix: "",
    content_based_deduplication: false,
    deduplication_scope: "",
    delay_seconds: 0,
    fifo_queue: false,
    fifo_throughput_limit: "",
    kms_data_key_reuse_period_seconds: 300,
    kms_master_key_id: "",
    max_message_size: 262144,
    message_retention_seconds: 345600,
    policy: "",
    receive_wait_time_seconds: 0,
    redrive_allow_policy: "",
    redrive_policy: "",
    sqs_managed_sse_enabled: true,
    tags: {},
    tags_all: {},
    timeouts: null,
    visibility_timeout_seconds: visibility,
  });

const parameter = instance(
  "aws_ssm_parameter",
  "token",
  0,
  {
    id: "/fixture/token",
    arn: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/fixture/token`,
    name: "/fixture/token",
    type: "SecureString",
    value: OLD_SECRET,
    insecure_value: null,
    tier: "Standard",
    data_type: "text",
    key_id: "alias/aws/ssm",
    version: 1,
    description: "",
    allowed_pattern: "",
    overwrite: null,
    value_wo: null,
    value_wo_version: null,
    has_value_wo: null,
    tags: {},
    tags_all: {},
  },
  // As the provider marks them; a state marking fewer would plan an update to fix the marks.
  ["value", "value_wo"],
);

/** A cluster created for a Calico CNI mode: without the VPC CNI. */
const cluster = instance("aws_eks_cluster", "cluster", 1, {
  id: "fixture",
  arn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/fixture`,
  name: "fixture",
  role_arn: CLUSTER_ROLE,
  bootstrap_self_managed_addons: false,
  version: "1.34",
  platform_version: "eks.1",
  status: "ACTIVE",
  endpoint: "https://fixture.eks.amazonaws.com",
  created_at: "2026-01-01T00:00:00Z",
  cluster_id: null,
  enabled_cluster_log_types: [],
  encryption_config: [],
  tags: {},
  tags_all: {},
  vpc_config: [
    {
      subnet_ids: ["subnet-0123456789abcdef0"],
      security_group_ids: [],
      cluster_security_group_id: "sg-0fedcba9876543210",
      endpoint_private_access: false,
      endpoint_public_access: true,
      public_access_cidrs: ["0.0.0.0/0"],
      vpc_id: "vpc-0123456789abcdef0",
    },
  ],
  access_config: [
    { authentication_mode: "CONFIG_MAP", bootstrap_cluster_creator_admin_permissions: true },
  ],
  certificate_authority: [{ data: "Zml4dHVyZQ==" }],
  identity: [{ oidc: [{ issuer: "https://oidc.eks.ap-northeast-2.amazonaws.com/id/FIXTURE" }] }],
  kubernetes_network_config: [
    {
      service_ipv4_cidr: "172.20.0.0/16",
      service_ipv6_cidr: "",
      ip_family: "ipv4",
      elastic_load_balancing: [],
    },
  ],
  outpost_config: [],
  remote_network_config: [],
  upgrade_policy: [{ support_type: "EXTENDED" }],
  zonal_shift_config: [],
  compute_config: [],
  storage_config: [],
  force_update_version: null,
  timeouts: null,
});

const key = instance("aws_kms_key", "state", 0, {
  id: "0b0b0b0b-1111-2222-3333-444444444444",
  key_id: "0b0b0b0b-1111-2222-3333-444444444444",
  arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b0b0b0b-1111-2222-3333-444444444444`,
  description: "state key",
  enable_key_rotation: true,
  rotation_period_in_days: 365,
  deletion_window_in_days: 30,
  customer_master_key_spec: "SYMMETRIC_DEFAULT",
  key_usage: "ENCRYPT_DECRYPT",
  is_enabled: true,
  multi_region: false,
  bypass_policy_lockout_safety_check: false,
  custom_key_store_id: "",
  xks_key_id: "",
  policy: KEY_POLICY,
  tags: {},
  tags_all: {},
});

/** A local state file (format version 4) holding `resources`. */
export function stateFile(resources: readonly unknown[]): Record<string, unknown> {
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "5f0c2a64-8d6e-4d5e-9a51-7c1e0d5e2a11",
    outputs: {},
    resources,
    check_results: null,
  };
}

/**
 * The state of stack `fixture` as if applied: the VPC and subnet, `events`, `legacy` (no longer
 * configured), the parameter, the cluster (without the VPC CNI) and the key.
 */
export function existingState(): Record<string, unknown> {
  const vpcId = "vpc-0123456789abcdef0";
  return stateFile([
    vpcInstance("main", {
      id: vpcId,
      cidr: "10.0.0.0/16",
      tags: { Name: "main" },
      tagsAll: { Name: "main" },
    }),
    subnetInstance("a", {
      id: "subnet-0123456789abcdef0",
      vpcId,
      cidr: "10.0.1.0/24",
      zone: `${REGION}a`,
      mapPublicIp: false,
      tags: {},
      tagsAll: {},
    }),
    queue("events", 30),
    queue("legacy", 30),
    parameter,
    cluster,
    key,
  ]);
}

/** Writes a stack directory (cdk.tf.json + terraform.tfstate) and returns its paths. */
export function writeStack(
  dir: string,
  body: Record<string, unknown>,
): { workingDirectory: string; synthesizedStackPath: string } {
  fs.mkdirSync(dir, { recursive: true });
  const synthesizedStackPath = path.join(dir, "cdk.tf.json");
  fs.writeFileSync(synthesizedStackPath, JSON.stringify(body, null, 2));
  fs.writeFileSync(path.join(dir, "terraform.tfstate"), JSON.stringify(existingState(), null, 2));
  return { workingDirectory: dir, synthesizedStackPath };
}
