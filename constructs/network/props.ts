/** VpcProps: the one place their rules and defaults live. */
import { z } from "zod";
import { awsAccountId, awsPartition, awsRegion, kmsKeyArn } from "../shared/aws-account";
import { parseCidr } from "../shared/cidr";
import { logRetentionDays } from "../shared/log-retention";
import { isUnresolved, unique, withRules } from "../shared/validation/fields";
import { PropsShape } from "../shared/validation/parse-props";
import { DEFAULT_SUBNET_PREFIXES, planSubnets } from "./subnet-plan";
import type { VpcProps } from "./vpc";

/** NAT gateways: none, one shared by every zone, or one per zone (survives a zone outage). */
export const NAT_MODES = ["none", "single", "per-zone"] as const;
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

const shape = {
  name: z.string().refine(
    (name) => NAME_PATTERN.test(name) && name.length <= MAX_NAME_LENGTH,
    (name) => ({
      message: `"${name}" must be 1 to ${MAX_NAME_LENGTH} letters, digits and inner hyphens, such as dev-platform`,
    }),
  ),
  // Literal: subnets are planned from it at synth time.
  cidr: z.string().refine(
    (cidr) => {
      const block = parseCidr(cidr);
      return block !== undefined && block.prefix >= 16 && block.prefix <= 28;
    },
    (cidr) => ({
      message: `"${cidr}" must be an IPv4 CIDR block from /16 to /28 with no host bits set, such as 10.0.0.0/16`,
    }),
  ),
  zones: z
    .array(z.string())
    .refine(
      (zones) => zones.length >= 2 && zones.length <= 3,
      (zones) => ({
        message: `must list 2 or 3 availability zones (EKS needs subnets in at least two); got ${zones.length}`,
      }),
    )
    .superRefine(unique("zone")),
  subnetPrefixes: subnetPrefixesSchema.default({}),
  nat: natModeSchema.default("single"),
  clusterName: z.string(),
  flowLogs: z.object({ kmsKeyArn, retentionDays: logRetentionDays.default(90) }).strict(),
  endpoints: z
    .array(
      z.string().refine(
        (service) => /^[a-z0-9]+([.-][a-z0-9]+)*$/.test(service),
        (service) => ({
          message: `"${service}" is not a service short name; use names such as s3, ecr.api or sts`,
        }),
      ),
    )
    .superRefine(unique("service"))
    .default([]),
  region: awsRegion,
  partition: awsPartition.default("aws"),
  accountId: awsAccountId,
} satisfies PropsShape<VpcProps>;

export const vpcPropsSchema = withRules(z.object(shape).strict(), ({ zones, region }, ctx) => {
  if (isUnresolved(region)) return;
  zones.forEach((zone, i) => {
    if (!new RegExp(`^${region}[a-z]$`).test(zone)) {
      ctx.addIssue({
        code: "custom",
        path: ["zones", i],
        message: `${zone} is not a zone of ${region}; use zones such as ${region}a`,
      });
    }
  });
}).transform((props, ctx) => {
  try {
    return { ...props, layout: planSubnets(props.cidr, props.zones, props.subnetPrefixes) };
  } catch (error) {
    const { public: pub, private: priv, intra } = props.subnetPrefixes;
    ctx.addIssue({
      code: "custom",
      path: ["subnetPrefixes"],
      message:
        `cannot fit ${props.zones.length} zones of /${pub} public, /${priv} private and /${intra} intra ` +
        `subnets in ${props.cidr} (${(error as Error).message}); use a larger VPC CIDR or longer prefixes`,
    });
    return z.NEVER;
  }
});

export type ResolvedVpcProps = z.output<typeof vpcPropsSchema>;
