/**
 * Whether a list of source ranges lets the internet in, decided from the parsed ranges rather
 * than by looking for `0.0.0.0/0`: `0.0.0.0/1` with `128.0.0.0/1`, four `/2`s or `::/1` with
 * `8000::/1` are as open, and so is any range that takes in a large share of the public
 * addresses. Shared by the environment check of the cluster endpoint and the policy rules
 * PLT-EKS-3 (endpoint) and PLT-SG-1 (security group ingress).
 *
 * A list is open when its ranges together take in at least as many publicly routable addresses
 * as an IPv4 /8 (2^24) or an IPv6 /32 (2^96, a whole ISP's allocation). Private, shared,
 * loopback, link-local, documentation, multicast and reserved ranges do not count: 10.0.0.0/8
 * from inside a VPC is not the internet. IPv4-mapped (`::ffff:0:0/96`) and NAT64 (`64:ff9b::/96`)
 * IPv6 ranges count as the IPv4 addresses they stand for.
 */

interface Range {
  readonly first: bigint;
  readonly last: bigint;
}

interface Family {
  readonly bits: number;
  /** Publicly routable ranges, sorted and disjoint. */
  readonly public: readonly Range[];
  /** Addresses at or above which a list is open. */
  readonly threshold: bigint;
  readonly label: string;
}

function block(base: bigint, prefix: number, bits: number): Range {
  const size = 1n << BigInt(bits - prefix);
  const first = (base / size) * size;
  return { first, last: first + size - 1n };
}

/** `all` minus `excluded`, both as ranges; the result sorted and disjoint. */
function subtract(all: Range, excluded: readonly Range[]): Range[] {
  const result: Range[] = [];
  let cursor = all.first;
  for (const range of [...excluded].sort((a, b) => (a.first < b.first ? -1 : 1))) {
    if (range.first > cursor) result.push({ first: cursor, last: range.first - 1n });
    if (range.last + 1n > cursor) cursor = range.last + 1n;
  }
  if (cursor <= all.last) result.push({ first: cursor, last: all.last });
  return result;
}

const v4 = (cidr: string): Range => {
  const parsed = parseCidrLoose(cidr);
  if (!parsed) throw new Error(`bad built-in range ${cidr}`);
  return parsed.range;
};

/** IANA's special-purpose IPv4 ranges that are not globally reachable (RFC 6890 and later). */
const IPV4_NOT_PUBLIC = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4",
  "240.0.0.0/4",
].map(v4);

const IPV4: Family = {
  bits: 32,
  public: subtract(block(0n, 0, 32), IPV4_NOT_PUBLIC),
  threshold: 1n << 24n,
  label: "IPv4",
};

const IPV6: Family = {
  bits: 128,
  // Global unicast, less the documentation range.
  public: subtract(block(0x2n << 124n, 3, 128), [block(0x20010db8n << 96n, 32, 128)]),
  threshold: 1n << 96n,
  label: "IPv6",
};

/** IPv6 ranges that carry IPv4 addresses in their last 32 bits. */
const IPV4_IN_IPV6 = [block(0xffffn << 32n, 96, 128), block(0x64ff9bn << 96n, 96, 128)];

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(p))) {
    return undefined;
  }
  return parts.reduce((acc, p) => acc * 256n + BigInt(p), 0n);
}

/** Parses IPv6 text, with `::` and a dotted IPv4 tail; undefined when it is not one. */
export function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]{2,45}$/.test(text)) return undefined;
  let tail: bigint[] = [];
  let head = text;
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const ipv4 = parseIpv4(dotted[2]);
    if (ipv4 === undefined) return undefined;
    head = dotted[1].endsWith("::") ? dotted[1] : dotted[1].slice(0, -1);
    tail = [ipv4 >> 16n, ipv4 & 0xffffn];
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const before = groups(halves[0]);
  const after = halves.length === 2 ? groups(halves[1]) : [];
  if (![...before, ...after].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const given = before.length + after.length + tail.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const words = [
    ...before.map((g) => BigInt(`0x${g}`)),
    ...Array<bigint>(8 - given).fill(0n),
    ...after.map((g) => BigInt(`0x${g}`)),
    ...tail,
  ];
  return words.reduce((acc, word) => (acc << 16n) | word, 0n);
}

/** A CIDR of either family, host bits ignored (they do not change what the rule admits). */
function parseCidrLoose(text: string): { family: 4 | 6; range: Range } | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match) return undefined;
  const prefix = Number(match[2]);
  const ipv4 = parseIpv4(match[1]);
  if (ipv4 !== undefined) {
    return prefix <= 32 ? { family: 4, range: block(ipv4, prefix, 32) } : undefined;
  }
  const ipv6 = parseIpv6(match[1]);
  if (ipv6 !== undefined && prefix <= 128) return { family: 6, range: block(ipv6, prefix, 128) };
  return undefined;
}

/** Sorted, merged union of `ranges`. */
function union(ranges: readonly Range[]): Range[] {
  const merged: Range[] = [];
  for (const range of [...ranges].sort((a, b) => (a.first < b.first ? -1 : 1))) {
    const last = merged[merged.length - 1];
    if (last && range.first <= last.last + 1n) {
      if (range.last > last.last)
        merged[merged.length - 1] = { first: last.first, last: range.last };
    } else merged.push(range);
  }
  return merged;
}

/** How many addresses of `a` (disjoint) are also in `b` (disjoint). */
function overlapSize(a: readonly Range[], b: readonly Range[]): bigint {
  let total = 0n;
  for (const x of a) {
    for (const y of b) {
      const first = x.first > y.first ? x.first : y.first;
      const last = x.last < y.last ? x.last : y.last;
      if (first <= last) total += last - first + 1n;
    }
  }
  return total;
}

const size = (ranges: readonly Range[]) => ranges.reduce((n, r) => n + r.last - r.first + 1n, 0n);

/** The IPv4 addresses that the IPv4-carrying part of an IPv6 range stands for. */
function carriedIpv4(range: Range): Range[] {
  return IPV4_IN_IPV6.flatMap((carrier) => {
    const first = range.first > carrier.first ? range.first : carrier.first;
    const last = range.last < carrier.last ? range.last : carrier.last;
    return first <= last ? [{ first: first - carrier.first, last: last - carrier.first }] : [];
  });
}

/** 16,777,216; or, past what anyone reads as a number, about 2^96. */
function count(addresses: bigint): string {
  return addresses < 1n << 40n
    ? addresses.toLocaleString("en-US")
    : `about 2^${addresses.toString(2).length - 1}`;
}

export interface InternetExposure {
  /** The listed sources that admit public addresses, as written. */
  readonly sources: readonly string[];
  /** What they admit: `the whole IPv4 internet`, or a count with the family. */
  readonly reach: string;
}

/**
 * The part of the internet `sources` (CIDRs; anything else is ignored, for Terraform or AWS to
 * refuse) let in, when it is at least the threshold of either family; undefined when the list is
 * an allowlist.
 */
export function internetExposure(sources: readonly string[]): InternetExposure | undefined {
  const byFamily = new Map<Family, Range[]>([
    [IPV4, []],
    [IPV6, []],
  ]);
  const publicSources = sources.filter((source) => {
    const parsed = parseCidrLoose(source);
    if (!parsed) return false;
    const ranges =
      parsed.family === 4
        ? [{ family: IPV4, range: parsed.range }]
        : [
            { family: IPV6, range: parsed.range },
            ...carriedIpv4(parsed.range).map((range) => ({ family: IPV4, range })),
          ];
    for (const { family, range } of ranges) byFamily.get(family)?.push(range);
    return ranges.some(({ family, range }) => overlapSize([range], family.public) > 0n);
  });
  const reaches = [...byFamily].flatMap(([family, ranges]) => {
    const admitted = overlapSize(union(ranges), family.public);
    if (admitted < family.threshold) return [];
    return admitted === size(family.public)
      ? [`the whole ${family.label} internet`]
      : [`${count(admitted)} public ${family.label} addresses`];
  });
  return reaches.length > 0 ? { sources: publicSources, reach: reaches.join(" and ") } : undefined;
}
