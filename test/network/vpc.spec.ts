import { Vpc, VpcProps } from "../../constructs/network";
import { SynthJson, onlyResource, resourcesOf, synthConstruct, policyJson } from "../support/synth";

const KEY_ARN = "arn:aws:kms:ap-northeast-2:111111111111:key/00000000-0000-0000-0000-000000000000";
const ZONES2 = ["ap-northeast-2a", "ap-northeast-2c"];
const ZONES3 = ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"];

const baseProps: VpcProps = {
  name: "dev-platform",
  cidr: "10.10.0.0/16",
  zones: ZONES2,
  clusterName: "dev-platform",
  flowLogs: { kmsKeyArn: KEY_ARN },
  region: "ap-northeast-2",
  accountId: "111111111111",
};

type Res = Record<string, unknown> & { tags?: Record<string, string> };

function synthVpc(overrides: Partial<VpcProps> = {}): { json: SynthJson; vpc: Vpc } {
  let vpc: Vpc | undefined;
  const json = synthConstruct((scope) => {
    vpc = new Vpc(scope, "network", { ...baseProps, ...overrides });
  });
  if (!vpc) throw new Error("Vpc was not built");
  return { json, vpc };
}

/** The resource of a type whose logical ID starts with the construct path `network_<id>_`. */
function byId(json: SynthJson, type: string, id: string): Res {
  const match = Object.entries(resourcesOf<Res>(json, type)).filter(([key]) =>
    key.startsWith(`network_${id}_`),
  );
  if (match.length !== 1)
    throw new Error(`expected one ${type} with ID ${id}, found ${match.length}`);
  return match[0][1];
}

/** Terraform reference `${type.<logical id>.<attr>}` to the resource with construct ID `id`. */
function ref(json: SynthJson, type: string, id: string, attr = "id"): string {
  const key = Object.keys(resourcesOf(json, type)).find((k) => k.startsWith(`network_${id}_`));
  return `\${${type}.${key}.${attr}}`;
}

const routes = (json: SynthJson) => Object.values(resourcesOf<Res>(json, "aws_route"));

describe("Vpc", () => {
  test("VPC with DNS support and hostnames, named by `name`", () => {
    const { json } = synthVpc();
    expect(onlyResource(json, "aws_vpc")).toMatchObject({
      cidr_block: "10.10.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
      tags: { Name: "dev-platform" },
    });
  });

  test("two zones: public, private and intra subnet per zone with the planned CIDRs and tags", () => {
    const { json, vpc } = synthVpc();
    expect(Object.keys(resourcesOf(json, "aws_subnet"))).toHaveLength(6);
    expect(byId(json, "aws_subnet", "private-ap-northeast-2a")).toMatchObject({
      availability_zone: "ap-northeast-2a",
      cidr_block: "10.10.0.0/19",
      tags: {
        Name: "dev-platform-private-ap-northeast-2a",
        "kubernetes.io/role/internal-elb": "1",
        "karpenter.sh/discovery": "dev-platform",
      },
    });
    expect(byId(json, "aws_subnet", "private-ap-northeast-2c").cidr_block).toBe("10.10.32.0/19");
    const pub = byId(json, "aws_subnet", "public-ap-northeast-2c");
    expect(pub).toMatchObject({
      cidr_block: "10.10.66.0/24",
      availability_zone: "ap-northeast-2c",
    });
    expect(pub.tags).toEqual({
      Name: "dev-platform-public-ap-northeast-2c",
      "kubernetes.io/role/elb": "1",
    });
    const intra = byId(json, "aws_subnet", "intra-ap-northeast-2a");
    expect(intra.cidr_block).toBe("10.10.65.0/26");
    expect(intra.tags).toEqual({ Name: "dev-platform-intra-ap-northeast-2a" });

    expect(vpc.cidr).toBe("10.10.0.0/16");
    expect(vpc.layout.map((z) => z.zone)).toEqual(ZONES2);
    expect(vpc.publicSubnetIds).toHaveLength(2);
    expect(vpc.privateSubnetIds).toHaveLength(2);
    expect(vpc.intraSubnetIds).toHaveLength(2);
  });

  test("three zones with custom prefixes", () => {
    const { json } = synthVpc({
      cidr: "10.30.0.0/20",
      zones: ZONES3,
      subnetPrefixes: { public: 27, private: 22, intra: 28 },
    });
    const cidr = (id: string) => byId(json, "aws_subnet", id).cidr_block;
    expect(ZONES3.map((z) => cidr(`private-${z}`))).toEqual([
      "10.30.0.0/22",
      "10.30.4.0/22",
      "10.30.8.0/22",
    ]);
    expect(ZONES3.map((z) => cidr(`public-${z}`))).toEqual([
      "10.30.12.0/27",
      "10.30.12.64/27",
      "10.30.12.128/27",
    ]);
    expect(ZONES3.map((z) => cidr(`intra-${z}`))).toEqual([
      "10.30.12.32/28",
      "10.30.12.96/28",
      "10.30.12.160/28",
    ]);
  });

  test("adding a zone keeps the existing subnets' construct IDs", () => {
    const two = Object.keys(resourcesOf(synthVpc().json, "aws_subnet"));
    const three = Object.keys(resourcesOf(synthVpc({ zones: ZONES3 }).json, "aws_subnet"));
    expect(three).toEqual(expect.arrayContaining(two));
  });

  test("public route table sends 0.0.0.0/0 to the internet gateway", () => {
    const { json } = synthVpc();
    const igw = ref(json, "aws_internet_gateway", "igw");
    expect(byId(json, "aws_route", "public-default-route")).toMatchObject({
      route_table_id: ref(json, "aws_route_table", "public-rt"),
      destination_cidr_block: "0.0.0.0/0",
      gateway_id: igw,
    });
    for (const zone of ZONES2) {
      expect(byId(json, "aws_route_table_association", `public-rta-${zone}`)).toEqual({
        subnet_id: ref(json, "aws_subnet", `public-${zone}`),
        route_table_id: ref(json, "aws_route_table", "public-rt"),
      });
    }
  });

  test('nat "single" (default): one NAT in the first zone, every private table routes to it', () => {
    const { json } = synthVpc({ zones: ZONES3 });
    const nat = onlyResource<Res>(json, "aws_nat_gateway");
    expect(nat.subnet_id).toBe(ref(json, "aws_subnet", "public-ap-northeast-2a"));
    expect(nat.allocation_id).toBe(
      ref(json, "aws_eip", "nat-eip-ap-northeast-2a", "allocation_id"),
    );
    expect(onlyResource(json, "aws_eip")).toMatchObject({ domain: "vpc" });
    for (const zone of ZONES3) {
      expect(byId(json, "aws_route", `private-default-route-${zone}`)).toEqual({
        route_table_id: ref(json, "aws_route_table", `private-rt-${zone}`),
        destination_cidr_block: "0.0.0.0/0",
        nat_gateway_id: ref(json, "aws_nat_gateway", "nat-ap-northeast-2a"),
      });
      expect(byId(json, "aws_route_table_association", `private-rta-${zone}`).subnet_id).toBe(
        ref(json, "aws_subnet", `private-${zone}`),
      );
    }
  });

  test('nat "per-zone": one NAT and EIP per zone, each private table routes to its own zone', () => {
    const { json } = synthVpc({ zones: ZONES3, nat: "per-zone" });
    expect(Object.keys(resourcesOf(json, "aws_nat_gateway"))).toHaveLength(3);
    expect(Object.keys(resourcesOf(json, "aws_eip"))).toHaveLength(3);
    for (const zone of ZONES3) {
      expect(byId(json, "aws_nat_gateway", `nat-${zone}`).subnet_id).toBe(
        ref(json, "aws_subnet", `public-${zone}`),
      );
      expect(byId(json, "aws_route", `private-default-route-${zone}`).nat_gateway_id).toBe(
        ref(json, "aws_nat_gateway", `nat-${zone}`),
      );
    }
  });

  test('nat "none": no NAT, no EIP, and only the public default route', () => {
    const { json } = synthVpc({ nat: "none", endpoints: ["s3", "ecr.api", "ecr.dkr", "sts"] });
    expect(resourcesOf(json, "aws_nat_gateway")).toEqual({});
    expect(resourcesOf(json, "aws_eip")).toEqual({});
    expect(routes(json)).toHaveLength(1);
    expect(routes(json)[0].gateway_id).toBe(ref(json, "aws_internet_gateway", "igw"));
  });

  test("intra subnets share one route table without any route out of the VPC", () => {
    const { json } = synthVpc({ nat: "per-zone" });
    const intraTable = ref(json, "aws_route_table", "intra-rt");
    for (const zone of ZONES2) {
      expect(byId(json, "aws_route_table_association", `intra-rta-${zone}`)).toEqual({
        subnet_id: ref(json, "aws_subnet", `intra-${zone}`),
        route_table_id: intraTable,
      });
    }
    expect(routes(json).filter((r) => r.route_table_id === intraTable)).toEqual([]);
    // No inline routes either.
    expect(byId(json, "aws_route_table", "intra-rt").route).toBeUndefined();
  });

  test("default security group is taken over with no rules", () => {
    const { json } = synthVpc();
    const sg = onlyResource<Res>(json, "aws_default_security_group");
    expect(sg.vpc_id).toBe(ref(json, "aws_vpc", "vpc"));
    expect(sg.ingress).toEqual([]);
    expect(sg.egress).toEqual([]);
  });

  test("default route table is adopted with no routes", () => {
    const { json } = synthVpc();
    expect(onlyResource<Res>(json, "aws_default_route_table")).toEqual({
      default_route_table_id: ref(json, "aws_vpc", "vpc", "default_route_table_id"),
      route: [],
      tags: { Name: "dev-platform-default" },
    });
  });

  test("default network ACL is adopted allowing all, ignoring the subnets AWS associates", () => {
    const { json } = synthVpc();
    const allowAll = {
      rule_no: 100,
      action: "allow",
      protocol: "-1",
      from_port: 0,
      to_port: 0,
      cidr_block: "0.0.0.0/0",
    };
    expect(onlyResource<Res>(json, "aws_default_network_acl")).toEqual({
      default_network_acl_id: ref(json, "aws_vpc", "vpc", "default_network_acl_id"),
      ingress: [allowAll],
      egress: [allowAll],
      tags: { Name: "dev-platform-default" },
      lifecycle: { ignore_changes: ["subnet_ids"] },
    });
  });

  test("flow logs: ALL traffic at 60 s to an encrypted log group with retention", () => {
    const { json } = synthVpc({ flowLogs: { kmsKeyArn: KEY_ARN, retentionDays: 30 } });
    expect(onlyResource(json, "aws_cloudwatch_log_group")).toEqual({
      name: "/aws/vpc-flow-logs/dev-platform",
      retention_in_days: 30,
      kms_key_id: KEY_ARN,
    });
    const logGroupArn = ref(json, "aws_cloudwatch_log_group", "flow-logs", "arn");
    expect(onlyResource(json, "aws_flow_log")).toMatchObject({
      vpc_id: ref(json, "aws_vpc", "vpc"),
      traffic_type: "ALL",
      max_aggregation_interval: 60,
      log_destination_type: "cloud-watch-logs",
      log_destination: logGroupArn,
      iam_role_arn: ref(json, "aws_iam_role", "flow-logs-role", "arn"),
      depends_on: [expect.stringMatching(/^aws_iam_role_policy\.network_flow-logs-policy_/)],
    });
  });

  test("flow log retention defaults to 90 days", () => {
    const { json } = synthVpc();
    expect(onlyResource(json, "aws_cloudwatch_log_group")).toMatchObject({ retention_in_days: 90 });
  });

  test("flow log role: trusted by vpc-flow-logs for this account, writes only its log group, lists groups", () => {
    const { json } = synthVpc();
    const role = onlyResource<Res>(json, "aws_iam_role");
    expect(role.name).toBe("dev-platform-vpc-flow-logs");
    expect(role.force_detach_policies).toBe(true);
    expect(policyJson(role.assume_role_policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "vpc-flow-logs.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": "111111111111" },
            ArnLike: {
              "aws:SourceArn": "arn:aws:ec2:ap-northeast-2:111111111111:vpc-flow-log/*",
            },
          },
        },
      ],
    });
    const policy = onlyResource<Res>(json, "aws_iam_role_policy");
    expect(policy.role).toBe(ref(json, "aws_iam_role", "flow-logs-role"));
    const logGroupArn = ref(json, "aws_cloudwatch_log_group", "flow-logs", "arn");
    const statements = policyJson(policy.policy).Statement;
    expect(statements).toEqual([
      {
        Sid: "WriteFlowLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [logGroupArn, `${logGroupArn}:*`],
      },
      {
        Sid: "FindFlowLogGroup",
        Effect: "Allow",
        Action: "logs:DescribeLogGroups",
        Resource: "*",
      },
    ]);
  });

  test("no endpoints by default", () => {
    const { json } = synthVpc();
    expect(resourcesOf(json, "aws_vpc_endpoint")).toEqual({});
    expect(resourcesOf(json, "aws_security_group")).toEqual({});
  });

  test("gateway endpoints only: on private and intra route tables, no endpoint security group", () => {
    const { json } = synthVpc({ endpoints: ["s3", "dynamodb"] });
    const tables = [
      ...ZONES2.map((z) => ref(json, "aws_route_table", `private-rt-${z}`)),
      ref(json, "aws_route_table", "intra-rt"),
    ];
    expect(byId(json, "aws_vpc_endpoint", "endpoint-s3")).toMatchObject({
      vpc_id: ref(json, "aws_vpc", "vpc"),
      service_name: "com.amazonaws.ap-northeast-2.s3",
      vpc_endpoint_type: "Gateway",
      route_table_ids: tables,
    });
    expect(byId(json, "aws_vpc_endpoint", "endpoint-dynamodb").vpc_endpoint_type).toBe("Gateway");
    expect(resourcesOf(json, "aws_security_group")).toEqual({});
  });

  test("interface endpoints: private subnets, private DNS, HTTPS from the VPC CIDR only", () => {
    const { json } = synthVpc({ endpoints: ["s3", "ecr.api", "ecr.dkr", "sts"] });
    expect(Object.keys(resourcesOf(json, "aws_vpc_endpoint"))).toHaveLength(4);
    const sg = onlyResource<Res>(json, "aws_security_group");
    expect(sg.vpc_id).toBe(ref(json, "aws_vpc", "vpc"));
    // Replaced create-before-destroy: the endpoints' ENIs hold the old group until they move.
    expect(sg).toMatchObject({
      name_prefix: "dev-platform-vpc-endpoints-",
      lifecycle: { create_before_destroy: true },
    });
    expect(sg.name).toBeUndefined();
    expect(sg.ingress).toEqual([
      expect.objectContaining({
        protocol: "tcp",
        from_port: 443,
        to_port: 443,
        cidr_blocks: ["10.10.0.0/16"],
      }),
    ]);
    const ecrApi = byId(json, "aws_vpc_endpoint", "endpoint-ecr-api");
    expect(ecrApi).toMatchObject({
      service_name: "com.amazonaws.ap-northeast-2.ecr.api",
      vpc_endpoint_type: "Interface",
      private_dns_enabled: true,
      subnet_ids: ZONES2.map((z) => ref(json, "aws_subnet", `private-${z}`)),
      security_group_ids: [ref(json, "aws_security_group", "endpoints-sg")],
    });
    expect(ecrApi.route_table_ids).toBeUndefined();
    expect(byId(json, "aws_vpc_endpoint", "endpoint-s3").vpc_endpoint_type).toBe("Gateway");
  });

  describe("rejects bad input", () => {
    test.each<[string, Partial<VpcProps>, string | RegExp]>([
      [
        "malformed CIDR",
        { cidr: "10.10.0.0" },
        'VpcProps.cidr: "10.10.0.0" must be an IPv4 CIDR block from /16 to /28',
      ],
      ["host bits set", { cidr: "10.10.0.1/16" }, 'VpcProps.cidr: "10.10.0.1/16"'],
      ["CIDR larger than /16", { cidr: "10.0.0.0/8" }, "from /16 to /28"],
      [
        "one zone",
        { zones: ["ap-northeast-2a"] },
        "VpcProps.zones: must list 2 or 3 availability zones (EKS needs subnets in at least two); got 1",
      ],
      [
        "four zones",
        { zones: [...ZONES3, "ap-northeast-2d"] },
        "must list 2 or 3 availability zones",
      ],
      [
        "duplicate zone",
        { zones: ["ap-northeast-2a", "ap-northeast-2a"] },
        "VpcProps.zones[1]: ap-northeast-2a is listed twice; list each zone once",
      ],
      [
        "zone of another region",
        { zones: ["ap-northeast-2a", "us-east-1a"] },
        "VpcProps.zones[1]: us-east-1a is not a zone of ap-northeast-2",
      ],
      [
        "subnets that do not fit",
        { cidr: "10.10.0.0/18", zones: ZONES3 },
        "VpcProps.subnetPrefixes: 3 zones of /24 public, /19 private and /26 intra subnets do not fit in 10.10.0.0/18",
      ],
      [
        "bad endpoint name",
        { endpoints: ["com.amazonaws.ap-northeast-2.s3 "] },
        'VpcProps.endpoints[0]: "com.amazonaws.ap-northeast-2.s3 " is not a service short name',
      ],
      [
        "duplicate endpoint",
        { endpoints: ["sts", "s3", "sts"] },
        "VpcProps.endpoints[2]: sts is listed twice",
      ],
      [
        "retention CloudWatch does not accept",
        { flowLogs: { kmsKeyArn: KEY_ARN, retentionDays: 45 } },
        /VpcProps\.flowLogs\.retentionDays: must be a retention CloudWatch Logs accepts \(.*\); got 45/,
      ],
      [
        "key alias instead of ARN",
        { flowLogs: { kmsKeyArn: "alias/dev/eks" } },
        /VpcProps\.flowLogs\.kmsKeyArn: must be a KMS key ARN .*; got "alias\/dev\/eks"/,
      ],
      ["name with spaces", { name: "dev platform" }, 'VpcProps.name: "dev platform" must be'],
      [
        "unknown NAT mode",
        { nat: "two" as never },
        'VpcProps.nat: "two" is not one of none, single, per-zone',
      ],
      ["account ID", { accountId: "abc" }, "VpcProps.accountId: must be a 12-digit AWS account ID"],
      [
        "China partition",
        { partition: "aws-cn" },
        /VpcProps\.partition: "aws-cn" is not supported \(.*\); use "aws" or "aws-us-gov"/,
      ],
    ])("%s", (_name, overrides, message) => {
      expect(() => synthVpc(overrides)).toThrow(message);
    });
  });
});
