import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DefaultNetworkAcl } from "@cdktf/provider-aws/lib/default-network-acl";
import { DefaultRouteTable } from "@cdktf/provider-aws/lib/default-route-table";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc as VpcResource } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Construct } from "constructs";
import { policyDocument } from "../shared/aws-account";
import { parseProps } from "../shared/validation/parse-props";
import { NatMode, ResolvedVpcProps, vpcPropsSchema } from "./props";
import { SubnetPrefixes, ZoneSubnets } from "./subnet-plan";

export { NAT_MODES, type NatMode } from "./props";

/** Services reached through gateway endpoints (route table entries, free); all others get interface endpoints. */
const GATEWAY_ENDPOINT_SERVICES = new Set(["s3", "dynamodb"]);

export interface VpcFlowLogsProps {
  /** KMS key that encrypts the flow log group; its policy must let CloudWatch Logs use it. */
  readonly kmsKeyArn: string;
  /**
   * Days CloudWatch keeps flow log events (a value CloudWatch accepts, such as 30, 90, 365).
   * @default 90
   */
  readonly retentionDays?: number;
}

export interface VpcProps {
  /** Prefix of Name tags and of the flow log group and role names, e.g. the cluster name. */
  readonly name: string;
  /** VPC IPv4 CIDR block, /16 to /28. */
  readonly cidr: string;
  /** Availability zones (2 or 3) of the region; each gets a public, a private and an intra subnet. */
  readonly zones: readonly string[];
  /**
   * Prefix lengths of each zone's subnets, carved from `cidr` at synth time (each 16 to 28).
   * @default public /24, private /19, intra /26 (each prefix left out takes its default)
   */
  readonly subnetPrefixes?: Partial<SubnetPrefixes>;
  /**
   * NAT gateways for the private subnets' internet route.
   * @default "single": one NAT gateway in the first zone
   */
  readonly nat?: NatMode;
  /** Cluster that discovers the private subnets (Karpenter discovery tag). */
  readonly clusterName: string;
  readonly flowLogs: VpcFlowLogsProps;
  /**
   * Services to reach privately by short name: "s3" and "dynamodb" become gateway endpoints on the
   * private and intra route tables; others ("ecr.api", "ecr.dkr", "sts", ...) become interface
   * endpoints in the private subnets with private DNS.
   * @default no endpoints
   */
  readonly endpoints?: readonly string[];
  readonly region: string;
  /** @default "aws" */
  readonly partition?: string;
  readonly accountId: string;
}

/**
 * A VPC for an EKS cluster: per zone a public subnet (load balancers), a private subnet (nodes,
 * Karpenter discovery) and an intra subnet without an internet route (control-plane ENIs); NAT
 * per `nat`; flow logs to an encrypted log group; the default security group stripped of rules,
 * the default route table adopted with no routes, and the default network ACL adopted as is.
 *
 * Construct IDs carry the zone name, so adding a zone adds resources without renaming others.
 */
export class Vpc extends Construct {
  public readonly vpcId: string;
  public readonly cidr: string;
  /** Planned subnet blocks per zone, in `zones` order. */
  public readonly layout: ZoneSubnets[];
  /** Subnet IDs in `zones` order. */
  public readonly publicSubnetIds: string[];
  public readonly privateSubnetIds: string[];
  public readonly intraSubnetIds: string[];

  constructor(scope: Construct, id: string, props: VpcProps) {
    super(scope, id);
    const p = parseProps(vpcPropsSchema, props, "VpcProps", this);
    this.cidr = p.cidr;
    this.layout = p.layout;

    const vpc = new VpcResource(this, "vpc", {
      cidrBlock: p.cidr,
      // Private DNS of interface endpoints and the private EKS endpoint need both.
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: p.name },
    });
    this.vpcId = vpc.id;

    // Taking over the default group with empty rule lists removes its allow-all rules.
    new DefaultSecurityGroup(this, "default-security-group", {
      vpcId: vpc.id,
      ingress: [],
      egress: [],
      tags: { Name: `${p.name}-default` },
    });

    // Adopted as terraform-aws-vpc does, so nothing AWS created with the VPC is left unmanaged.
    // Every subnet here is associated with its own route table; the main table stays empty, so a
    // subnet added later without an association reaches nothing outside the VPC by accident.
    new DefaultRouteTable(this, "default-route-table", {
      defaultRouteTableId: vpc.defaultRouteTableId,
      route: [],
      tags: { Name: `${p.name}-default` },
    });
    // Every subnet is implicitly associated with the default network ACL, so it keeps its
    // allow-all rules: filtering is the security groups' job, and a stateless ACL that denied
    // return traffic would break nodes. subnet_ids is ignored because AWS maintains it.
    const allowAll = {
      ruleNo: 100,
      action: "allow",
      protocol: "-1",
      fromPort: 0,
      toPort: 0,
      cidrBlock: "0.0.0.0/0",
    };
    new DefaultNetworkAcl(this, "default-network-acl", {
      defaultNetworkAclId: vpc.defaultNetworkAclId,
      ingress: [allowAll],
      egress: [allowAll],
      tags: { Name: `${p.name}-default` },
      lifecycle: { ignoreChanges: ["subnet_ids"] },
    });

    const igw = new InternetGateway(this, "igw", { vpcId: vpc.id, tags: { Name: p.name } });
    const publicRouteTable = new RouteTable(this, "public-rt", {
      vpcId: vpc.id,
      tags: { Name: `${p.name}-public` },
    });
    new Route(this, "public-default-route", {
      routeTableId: publicRouteTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });
    // One table for every intra subnet: they route only inside the VPC.
    const intraRouteTable = new RouteTable(this, "intra-rt", {
      vpcId: vpc.id,
      tags: { Name: `${p.name}-intra` },
    });

    const subnet = (
      kind: "public" | "private" | "intra",
      zone: ZoneSubnets,
      tags: Record<string, string>,
    ) =>
      new Subnet(this, `${kind}-${zone.zone}`, {
        vpcId: vpc.id,
        availabilityZone: zone.zone,
        cidrBlock: zone[kind].cidr,
        tags: { Name: `${p.name}-${kind}-${zone.zone}`, ...tags },
      });

    const natGateways = new Map<string, NatGateway>();
    const privateRouteTables: RouteTable[] = [];
    this.publicSubnetIds = [];
    this.privateSubnetIds = [];
    this.intraSubnetIds = [];

    p.layout.forEach((zone, index) => {
      const z = zone.zone;
      const publicSubnet = subnet("public", zone, { "kubernetes.io/role/elb": "1" });
      const privateSubnet = subnet("private", zone, {
        "kubernetes.io/role/internal-elb": "1",
        "karpenter.sh/discovery": p.clusterName,
      });
      const intraSubnet = subnet("intra", zone, {});
      this.publicSubnetIds.push(publicSubnet.id);
      this.privateSubnetIds.push(privateSubnet.id);
      this.intraSubnetIds.push(intraSubnet.id);

      new RouteTableAssociation(this, `public-rta-${z}`, {
        subnetId: publicSubnet.id,
        routeTableId: publicRouteTable.id,
      });
      new RouteTableAssociation(this, `intra-rta-${z}`, {
        subnetId: intraSubnet.id,
        routeTableId: intraRouteTable.id,
      });

      // "single" puts its gateway in the first zone, where "per-zone" puts that zone's: switching
      // modes adds or removes the other zones' gateways and keeps the first.
      if (p.nat === "per-zone" || (p.nat === "single" && index === 0)) {
        const eip = new Eip(this, `nat-eip-${z}`, {
          domain: "vpc",
          tags: { Name: `${p.name}-nat-${z}` },
          dependsOn: [igw],
        });
        natGateways.set(
          z,
          new NatGateway(this, `nat-${z}`, {
            allocationId: eip.allocationId,
            subnetId: publicSubnet.id,
            tags: { Name: `${p.name}-${z}` },
            dependsOn: [igw],
          }),
        );
      }

      const privateRouteTable = new RouteTable(this, `private-rt-${z}`, {
        vpcId: vpc.id,
        tags: { Name: `${p.name}-private-${z}` },
      });
      privateRouteTables.push(privateRouteTable);
      new RouteTableAssociation(this, `private-rta-${z}`, {
        subnetId: privateSubnet.id,
        routeTableId: privateRouteTable.id,
      });
      const nat = natGateways.get(z) ?? natGateways.get(p.layout[0].zone);
      if (nat) {
        new Route(this, `private-default-route-${z}`, {
          routeTableId: privateRouteTable.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: nat.id,
        });
      }
    });

    this.addEndpoints(p, vpc, [...privateRouteTables, intraRouteTable]);
    this.addFlowLogs(p, vpc);
  }

  private addEndpoints(p: ResolvedVpcProps, vpc: VpcResource, routeTables: RouteTable[]): void {
    // Created with the first interface endpoint; gateway endpoints need no security group.
    let securityGroup: SecurityGroup | undefined;
    const endpointSecurityGroup = () =>
      (securityGroup ??= new SecurityGroup(this, "endpoints-sg", {
        // By prefix and created first when replaced: the endpoints' ENIs hold the old group, so
        // destroying it first fails with DependencyViolation.
        namePrefix: `${p.name}-vpc-endpoints-`,
        description: "HTTPS from the VPC to interface endpoints",
        vpcId: vpc.id,
        ingress: [
          {
            description: "HTTPS from the VPC",
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: [p.cidr],
          },
        ],
        tags: { Name: `${p.name}-vpc-endpoints` },
        lifecycle: { createBeforeDestroy: true },
      }));

    for (const service of p.endpoints) {
      const common = {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${p.region}.${service}`,
        tags: { Name: `${p.name}-${service}` },
      };
      new VpcEndpoint(
        this,
        `endpoint-${service.replace(/\./g, "-")}`,
        GATEWAY_ENDPOINT_SERVICES.has(service)
          ? {
              ...common,
              vpcEndpointType: "Gateway",
              routeTableIds: routeTables.map((table) => table.id),
            }
          : {
              ...common,
              vpcEndpointType: "Interface",
              subnetIds: this.privateSubnetIds,
              securityGroupIds: [endpointSecurityGroup().id],
              privateDnsEnabled: true,
            },
      );
    }
  }

  private addFlowLogs(p: ResolvedVpcProps, vpc: VpcResource): void {
    const logGroup = new CloudwatchLogGroup(this, "flow-logs", {
      name: `/aws/vpc-flow-logs/${p.name}`,
      retentionInDays: p.flowLogs.retentionDays,
      kmsKeyId: p.flowLogs.kmsKeyArn,
    });
    const role = new IamRole(this, "flow-logs-role", {
      name: `${p.name}-vpc-flow-logs`,
      assumeRolePolicy: policyDocument([
        {
          Effect: "Allow",
          Principal: { Service: "vpc-flow-logs.amazonaws.com" },
          Action: "sts:AssumeRole",
          // Confused-deputy guard: only flow logs of this account may assume the role.
          Condition: {
            StringEquals: { "aws:SourceAccount": p.accountId },
            ArnLike: {
              "aws:SourceArn": `arn:${p.partition}:ec2:${p.region}:${p.accountId}:vpc-flow-log/*`,
            },
          },
        },
      ]),
      // Destroy detaches what is still attached instead of failing with DeleteConflict.
      forceDetachPolicies: true,
    });
    const rolePolicy = new IamRolePolicy(this, "flow-logs-policy", {
      name: "write-flow-logs",
      role: role.id,
      policy: policyDocument([
        {
          Sid: "WriteFlowLogGroup",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: [logGroup.arn, `${logGroup.arn}:*`],
        },
        {
          // What terraform-aws-vpc and AWS's flow log guide grant too. IAM offers it on "*" only.
          Sid: "FindFlowLogGroup",
          Effect: "Allow",
          Action: "logs:DescribeLogGroups",
          Resource: "*",
        },
      ]),
    });
    new FlowLog(this, "flow-log", {
      vpcId: vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      tags: { Name: p.name },
      // Created before the role may write, the flow log reports delivery errors until it can.
      dependsOn: [rolePolicy],
    });
  }
}
