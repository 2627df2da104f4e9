import { Ipv4Cidr, carveSubnets, parseCidr } from "../shared/cidr";

/** Prefix lengths of one zone's subnets. */
export interface SubnetPrefixes {
  readonly public: number;
  readonly private: number;
  readonly intra: number;
}

/** Subnet sizes when none are given: 254 public, 8190 private (node) and 62 intra addresses. */
export const DEFAULT_SUBNET_PREFIXES: SubnetPrefixes = { public: 24, private: 19, intra: 26 };

/** The subnets of one availability zone. */
export interface ZoneSubnets {
  readonly zone: string;
  readonly public: Ipv4Cidr;
  readonly private: Ipv4Cidr;
  readonly intra: Ipv4Cidr;
}

/**
 * Lays out subnets at synth time: the large private (node) subnets first, then public and intra
 * per zone, each aligned to its size. The order is part of the public API: changing it moves
 * subnets and replaces everything in them.
 */
export function planSubnets(
  vpcCidr: string,
  zones: readonly string[],
  prefixes: SubnetPrefixes,
): ZoneSubnets[] {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new RangeError(`${vpcCidr} is not an IPv4 CIDR block`);
  const blocks = carveSubnets(vpc, [
    ...zones.map(() => prefixes.private),
    ...zones.flatMap(() => [prefixes.public, prefixes.intra]),
  ]);
  return zones.map((zone, i) => ({
    zone,
    private: blocks[i],
    public: blocks[zones.length + 2 * i],
    intra: blocks[zones.length + 2 * i + 1],
  }));
}
