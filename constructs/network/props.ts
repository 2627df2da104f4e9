/** VpcProps: the one place their rules and defaults live. */
import { z } from "zod";
import { awsAccountId, awsPartition, awsRegion, kmsKeyArn } from "../shared/aws-account";
import { parseCidr } from "../shared/cidr";
import { logRetentionDays } from "../shared/log-retention";
import { isUnresolved, unique, withJsonSchema, withRules } from "../shared/validation/fields";
import { PropsShape } from "../shared/validation/parse-props";
import { DEFAULT_SUBNET_PREFIXES, SubnetPrefixes, planSubnets } from "./subnet-plan";
import type { VpcProps } from "./vpc";

/** Every `NatMode`. */
export const NAT_MODES = ["none", "single", "per-zone"] as const;
/** NAT gateways: none, one shared by every zone, or one per zone (survives a zone outage). */
export type NatMode = (typeof NAT_MODES)[number];

export const natModeSchema = z.enum(NAT_MODES);

const subnetPrefix = z.number().int().min(16).max(28);

/** Each zone's subnet prefix lengths; each one left out takes its default. */
export const subnetPrefixesSchema = z
  .object({
    public: subnetPrefix.default(DEFAULT_SUBNET_PREFIXES.public),
    private: subnetPrefix.default(DEFAULT_SUBNET_PREFIXES.private),
    intra: subnetPrefix.default(DEFAULT_SUBNET_PREFIXES.intra),
  })
  .strict();

const NAME_PATTERN = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
/** IAM role names are at most 64 characters; the flow log role appends "-vpc-flow-logs". */
const MAX_NAME_LENGTH = 50;

/** The VPC block; literal, as subnets are planned from it at synth time. */
export const vpcCidrSchema = z.string().refine(
  (cidr) => {
    const block = parseCidr(cidr);
    return block !== undefined && block.prefix >= 16 && block.prefix <= 28;
  },
  (cidr) => ({
    message: `"${cidr}" must be an IPv4 CIDR block from /16 to /28 with no host bits set, such as 10.0.0.0/16`,
  }),
);

/** Two or three availability zones, each once; `zoneRegionProblems` relates them to the region. */
export const zonesSchema = z
  .array(z.string())
  .refine(
    (zones) => zones.length >= 2 && zones.length <= 3,
    (zones) => ({
      message: `must list 2 or 3 availability zones (EKS needs subnets in at least two); got ${zones.length}`,
    }),
  )
  .superRefine(unique("zone"));

/** The zones (by index) that are not zones of `region`, with what to write instead. */
export function zoneRegionProblems(
  zones: readonly string[],
  region: string,
): { index: number; message: string }[] {
  if (isUnresolved(region)) return [];
  const zoneOfRegion = new RegExp(`^${region}[a-z]$`);
  return zones.flatMap((zone, index) =>
    zoneOfRegion.test(zone)
      ? []
      : [{ index, message: `${zone} is not a zone of ${region}; use zones such as ${region}a` }],
  );
}

/** Why the zones' subnets do not fit in the VPC block, or undefined when they do. */
export function subnetFitProblem(
  cidr: string,
  zones: readonly string[],
  prefixes: SubnetPrefixes,
): string | undefined {
  try {
    planSubnets(cidr, zones, prefixes);
    return undefined;
  } catch (error) {
    const { public: pub, private: priv, intra } = prefixes;
    return (
      `${zones.length} zones of /${pub} public, /${priv} private and /${intra} intra subnets do ` +
      `not fit in ${cidr} (${(error as Error).message}); use a larger VPC CIDR or longer prefixes`
    );
  }
}

const SERVICE_NAME = /^[a-z0-9]+([.-][a-z0-9]+)*$/;

/** Services reached privately, by short name, each once. */
export const vpcEndpointsSchema = z
  .array(
    withJsonSchema(
      z.string().refine(
        (service) => SERVICE_NAME.test(service),
        (service) => ({
          message: `"${service}" is not a service short name; use names such as s3, ecr.api or sts`,
        }),
      ),
      { type: "string", pattern: SERVICE_NAME.source },
    ),
  )
  .superRefine(unique("service"));

const shape = {
  name: z.string().refine(
    (name) => NAME_PATTERN.test(name) && name.length <= MAX_NAME_LENGTH,
    (name) => ({
      message: `"${name}" must be 1 to ${MAX_NAME_LENGTH} letters, digits and inner hyphens, such as dev-platform`,
    }),
  ),
  cidr: vpcCidrSchema,
  zones: zonesSchema,
  subnetPrefixes: subnetPrefixesSchema.default({}),
  nat: natModeSchema.default("single"),
  clusterName: z.string(),
  flowLogs: z.object({ kmsKeyArn, retentionDays: logRetentionDays.default(90) }).strict(),
  endpoints: vpcEndpointsSchema.default([]),
  region: awsRegion,
  partition: awsPartition.default("aws"),
  accountId: awsAccountId,
} satisfies PropsShape<VpcProps>;

export const vpcPropsSchema = withRules(z.object(shape).strict(), (props, ctx) => {
  for (const { index, message } of zoneRegionProblems(props.zones, props.region)) {
    ctx.addIssue({ code: "custom", path: ["zones", index], message });
  }
  const fit = subnetFitProblem(props.cidr, props.zones, props.subnetPrefixes);
  if (fit) ctx.addIssue({ code: "custom", path: ["subnetPrefixes"], message: fit });
}).transform((props) => ({
  ...props,
  layout: planSubnets(props.cidr, props.zones, props.subnetPrefixes),
}));

export type ResolvedVpcProps = z.output<typeof vpcPropsSchema>;
