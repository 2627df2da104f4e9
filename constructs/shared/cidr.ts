/**
 * IPv4 address arithmetic done at synth time, so that subnets, pools and overlaps are checked
 * before Terraform ever sees them.
 */

/** An inclusive range of IPv4 addresses as 32-bit unsigned integers. */
export interface Ipv4Range {
  readonly first: number;
  readonly last: number;
}

/** A parsed IPv4 CIDR block. */
export interface Ipv4Cidr extends Ipv4Range {
  readonly cidr: string;
  readonly prefix: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses dotted-quad IPv4; returns undefined when the text is not one. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/**
 * Parses `a.b.c.d/n`. Returns undefined for malformed text or host bits set
 * (`10.0.0.1/16`), which AWS and Calico reject.
 */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const base = parseIpv4(match[1]);
  const prefix = Number(match[2]);
  if (base === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) return undefined;
  return { cidr: text, prefix, first: base, last: base + size - 1 };
}

/** Parses a MetalLB-style address entry: a CIDR or an `a.b.c.d-e.f.g.h` range. */
export function parseAddressRange(text: string): Ipv4Range | undefined {
  if (text.includes("/")) return parseCidr(text);
  const [from, to, ...rest] = text.split("-").map((s) => s.trim());
  if (rest.length > 0 || to === undefined) return undefined;
  const first = parseIpv4(from);
  const last = parseIpv4(to);
  if (first === undefined || last === undefined || last < first) return undefined;
  return { first, last };
}

export function overlaps(a: Ipv4Range, b: Ipv4Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function contains(outer: Ipv4Range, inner: Ipv4Range): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

export function rangeSize(range: Ipv4Range): number {
  return range.last - range.first + 1;
}

/**
 * Carves consecutive, aligned blocks of the given prefix lengths out of `parent`, in order,
 * aligning each block to its own size (as `cidrsubnet` would). Throws when they do not fit.
 */
export function carveSubnets(parent: Ipv4Cidr, prefixes: readonly number[]): Ipv4Cidr[] {
  let cursor = parent.first;
  return prefixes.map((prefix) => {
    if (prefix < parent.prefix || prefix > 28) {
      throw new RangeError(`/${prefix} cannot be carved from ${parent.cidr}`);
    }
    const size = 2 ** (32 - prefix);
    const first = Math.ceil(cursor / size) * size;
    const last = first + size - 1;
    if (last > parent.last) {
      throw new RangeError(`subnets do not fit in ${parent.cidr}`);
    }
    cursor = last + 1;
    return { cidr: `${formatIpv4(first)}/${prefix}`, prefix, first, last };
  });
}
