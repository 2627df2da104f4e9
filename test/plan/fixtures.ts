/**
 * Small Terraform JSON configurations and hand-written local state for real offline plans: an aws
 * provider with fake credentials, and state holding resources "already created" so that plans
 * (with -refresh=false) show replacements, updates and deletions.
 */
import * as fs from "fs";
import * as path from "path";

const PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]';
const ACCOUNT = "111111111111";
const REGION = "ap-northeast-2";

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
}

/** The configuration: VPC + subnet, two queues, and a protected KMS key. */
export function config(options: ConfigOptions): Record<string, unknown> {
  const prefix = options.vpcCidr.split(".").slice(0, 2).join(".");
  const resource: Resources = {
    aws_vpc: { main: { cidr_block: options.vpcCidr, tags: { Name: "main" } } },
    aws_subnet: {
      a: {
        vpc_id: "${aws_vpc.main.id}",
        cidr_block: `${prefix}.1.0/24`,
        availability_zone: `${REGION}a`,
      },
    },
    aws_sqs_queue: {
      // Exists in state with a 30 s visibility timeout: an in-place update.
      events: { name: "events", visibility_timeout_seconds: 60 },
      // Not in state: a create.
      jobs: { name: "jobs" },
    },
  };
  if (options.withKey) {
    resource.aws_kms_key = {
      state: {
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
) {
  return {
    mode: "managed",
    type,
    name,
    provider: PROVIDER,
    instances: [{ schema_version: schemaVersion, attributes, sensitive_attributes: [] }],
  };
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

/** Local state as if `events`, `legacy` (no longer configured), the VPC, subnet and key existed. */
export function existingState(): Record<string, unknown> {
  const vpcId = "vpc-0123456789abcdef0";
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "5f0c2a64-8d6e-4d5e-9a51-7c1e0d5e2a11",
    outputs: {},
    resources: [
      instance("aws_vpc", "main", 1, {
        id: vpcId,
        arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/${vpcId}`,
        cidr_block: "10.0.0.0/16",
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
        tags: { Name: "main" },
        tags_all: { Name: "main" },
      }),
      instance("aws_subnet", "a", 1, {
        id: "subnet-0123456789abcdef0",
        arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/subnet-0123456789abcdef0`,
        vpc_id: vpcId,
        cidr_block: "10.0.1.0/24",
        availability_zone: `${REGION}a`,
        availability_zone_id: "apne2-az1",
        ipv6_native: false,
        assign_ipv6_address_on_creation: false,
        enable_dns64: false,
        map_public_ip_on_launch: false,
        owner_id: ACCOUNT,
        tags: {},
        tags_all: {},
      }),
      queue("events", 30),
      queue("legacy", 30),
      instance("aws_kms_key", "state", 0, {
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
      }),
    ],
    check_results: null,
  };
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
