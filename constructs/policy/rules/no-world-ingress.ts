import {
  Attributes,
  blocks,
  isToken,
  knownStrings,
  referencedSubject,
  tagValue,
  violation,
} from "../attributes";
import { internetExposure } from "../../shared/internet-exposure";
import { PolicyContext, PolicyRule, PolicySubject, PolicyViolation } from "../types";

/**
 * Tag that marks a security group as a load balancer's: only such groups may take 80 and 443
 * from anywhere. Set it on the aws_security_group itself (value "true").
 */
export const LOAD_BALANCER_TAG = "platform.io/load-balancer";

const PUBLIC_WEB_PORTS = [80, 443];

interface IngressSpec {
  readonly sources: readonly string[];
  readonly protocol: unknown;
  readonly fromPort: unknown;
  readonly toPort: unknown;
}

function isLoadBalancerGroup(group: PolicySubject | undefined): boolean {
  return group !== undefined && tagValue(group.attributes, LOAD_BALANCER_TAG) === "true";
}

/** A single-port TCP rule on 80 or 443. Protocol -1 (all) opens every port whatever the range. */
function isWebPort(spec: IngressSpec): boolean {
  const tcp = spec.protocol === "tcp" || spec.protocol === "6" || spec.protocol === 6;
  return tcp && spec.fromPort === spec.toPort && PUBLIC_WEB_PORTS.includes(Number(spec.fromPort));
}

function check(spec: IngressSpec, loadBalancer: boolean, where: string): PolicyViolation[] {
  const exposure = internetExposure(spec.sources);
  if (!exposure) return [];
  if (isToken(spec.fromPort) || isToken(spec.toPort) || isToken(spec.protocol)) return [];
  if (loadBalancer && isWebPort(spec)) return [];
  const ports =
    spec.protocol === "-1" || spec.protocol === -1
      ? "all traffic"
      : `${String(spec.protocol)} ${String(spec.fromPort)}-${String(spec.toPort)}`;
  return [
    violation(`${where} allows ${ports} from ${exposure.sources.join(", ")} (${exposure.reach})`),
  ];
}

function sources(...lists: unknown[]): string[] {
  return lists.flatMap((list) => knownStrings(list) ?? []);
}

function inlineGroup(subject: PolicySubject): PolicyViolation[] {
  const loadBalancer = isLoadBalancerGroup(subject);
  return blocks(subject.attributes.ingress).flatMap((rule: Attributes, index) =>
    check(
      {
        sources: sources(rule.cidr_blocks, rule.ipv6_cidr_blocks),
        protocol: rule.protocol,
        fromPort: rule.from_port,
        toPort: rule.to_port,
      },
      loadBalancer,
      `ingress[${index}]`,
    ),
  );
}

function groupOf(attributes: Attributes, context: PolicyContext): PolicySubject | undefined {
  return referencedSubject(attributes.security_group_id, "aws_security_group", context);
}

function legacyRule({ attributes }: PolicySubject, context: PolicyContext): PolicyViolation[] {
  if (attributes.type !== "ingress") return [];
  return check(
    {
      sources: sources(attributes.cidr_blocks, attributes.ipv6_cidr_blocks),
      protocol: attributes.protocol,
      fromPort: attributes.from_port,
      toPort: attributes.to_port,
    },
    isLoadBalancerGroup(groupOf(attributes, context)),
    "rule",
  );
}

function vpcRule({ attributes }: PolicySubject, context: PolicyContext): PolicyViolation[] {
  return check(
    {
      sources: [attributes.cidr_ipv4, attributes.cidr_ipv6].filter(
        (source): source is string => typeof source === "string",
      ),
      protocol: attributes.ip_protocol,
      fromPort: attributes.from_port,
      toPort: attributes.to_port,
    },
    isLoadBalancerGroup(groupOf(attributes, context)),
    "rule",
  );
}

export const NO_WORLD_INGRESS: PolicyRule = {
  id: "PLT-SG-1",
  level: "error",
  explanation: `security groups must not accept traffic from the internet (0.0.0.0/0, ::/0, or ranges that together let in a large part of it, such as 0.0.0.0/1 and 128.0.0.0/1), except TCP 80 and 443 on load balancer groups (tagged ${LOAD_BALANCER_TAG}=true)`,
  fix: `narrow the source to known CIDRs or a security group; for a load balancer's group, open only 80/443 and tag the aws_security_group ${LOAD_BALANCER_TAG}=true`,
  appliesTo: [
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
  ],
  check: (subject, context) => {
    switch (subject.type) {
      case "aws_security_group":
        return inlineGroup(subject);
      case "aws_security_group_rule":
        return legacyRule(subject, context);
      default:
        return vpcRule(subject, context);
    }
  },
};
