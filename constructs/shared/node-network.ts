/**
 * The on-prem node network: the L2 segments (subnets) nodes sit on and the addresses nodes take
 * inside them. A segment is not "reserved" as a whole: a MetalLB L2 address must sit inside it
 * (ARP only reaches the local segment) yet outside the nodes' addresses and the gateway.
 */
import {
  Ipv4Cidr,
  Ipv4Range,
  contains,
  formatIpv4,
  overlaps,
  parseAddressRange,
  parseCidr,
  parseIpv4,
} from "./cidr";

/** One L2 segment nodes sit on. */
export interface NodeSegment {
  /** The subnet, such as 192.168.10.0/24. */
  readonly cidr: string;
  /**
   * Addresses nodes take inside it: their static assignments or the DHCP scope, as CIDRs or
   * `a.b.c.d-e.f.g.h` ranges.
   */
  readonly nodeAddresses: readonly string[];
  /** The segment's router, reserved like a node address. @default none */
  readonly gateway?: string;
}

/** A problem found in a segment list, with a path relative to the list. */
export interface NodeSegmentProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** A parsed segment: its subnet and every address in it that something else already uses. */
export interface ParsedSegment {
  readonly index: number;
  readonly cidr: Ipv4Cidr;
  /** Node addresses, the gateway, and the network and broadcast addresses of the subnet. */
  readonly taken: readonly { readonly label: string; readonly range: Ipv4Range }[];
}

/**
 * Checks segments and returns the problems plus the segments that parsed (so callers can go on
 * checking pools against them). Paths are relative to the segment list, e.g. `[0, "gateway"]`.
 */
export function parseNodeSegments(segments: readonly NodeSegment[]): {
  problems: NodeSegmentProblem[];
  parsed: ParsedSegment[];
} {
  const problems: NodeSegmentProblem[] = [];
  const parsed: ParsedSegment[] = [];
  segments.forEach((segment, i) => {
    const cidr = parseCidr(segment.cidr);
    if (!cidr) {
      problems.push({
        path: [i, "cidr"],
        message: `must be an IPv4 CIDR with no host bits set, such as 192.168.10.0/24; got "${segment.cidr}"`,
      });
      return;
    }
    const clash = parsed.find((other) => overlaps(other.cidr, cidr));
    if (clash) {
      problems.push({
        path: [i, "cidr"],
        message: `${cidr.cidr} overlaps segment [${clash.index}] ${clash.cidr.cidr}; list each segment once`,
      });
    }
    if (segment.nodeAddresses.length === 0) {
      problems.push({
        path: [i, "nodeAddresses"],
        message: "is empty; list the addresses nodes take (static ones or the DHCP scope)",
      });
    }
    const taken: { label: string; range: Ipv4Range }[] = [];
    segment.nodeAddresses.forEach((text, j) => {
      const range = parseAddressRange(text);
      if (!range) {
        problems.push({
          path: [i, "nodeAddresses", j],
          message: `must be a CIDR or an ascending range such as 192.168.10.10-192.168.10.99; got "${text}"`,
        });
      } else if (!contains(cidr, range)) {
        problems.push({
          path: [i, "nodeAddresses", j],
          message: `${text} is not inside the segment ${cidr.cidr}; node addresses belong to their segment`,
        });
      } else {
        taken.push({ label: `node addresses ${text}`, range });
      }
    });
    if (segment.gateway !== undefined) {
      const gateway = parseIpv4(segment.gateway);
      if (gateway === undefined || !contains(cidr, { first: gateway, last: gateway })) {
        problems.push({
          path: [i, "gateway"],
          message: `must be an IPv4 address inside ${cidr.cidr}; got "${segment.gateway}"`,
        });
      } else {
        const range = { first: gateway, last: gateway };
        const nodes = taken.find((t) => overlaps(t.range, range));
        if (nodes) {
          problems.push({
            path: [i, "gateway"],
            message: `${segment.gateway} lies in the ${nodes.label}; a node could take the router's address`,
          });
        }
        taken.push({ label: `gateway ${segment.gateway}`, range });
      }
    }
    // Below /31 the first and last addresses are the network and broadcast addresses.
    if (cidr.prefix <= 30) {
      taken.push(
        { label: `network address ${formatIpv4(cidr.first)}`, range: single(cidr.first) },
        { label: `broadcast address ${formatIpv4(cidr.last)}`, range: single(cidr.last) },
      );
    }
    parsed.push({ index: i, cidr, taken });
  });
  return { problems, parsed };
}

function single(address: number): Ipv4Range {
  return { first: address, last: address };
}
