/**
 * Where MetalLB pools may lie and who announces them. Shared by the `MetalLb` props schema and the
 * environment checks, so the two cannot disagree. The pools are already valid field by field
 * (`metallbPoolsSchema`: names unique, addresses parse).
 */
import { Ipv4Range, contains, overlaps, parseAddressRange, parseCidr } from "../shared/cidr";
import { ParsedSegment } from "../shared/node-network";
import { formatPath } from "../shared/validation/issues";

/** Who makes a pool's addresses reachable. */
export type PoolAnnouncer = "l2" | "bgp" | "calico";

/** A problem with a path relative to the MetalLB configuration, e.g. `["pools", 0, "name"]`. */
export interface LayoutProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export interface MetalLbLayout {
  readonly pools: readonly { readonly name: string; readonly addresses: readonly string[] }[];
  /** Pools MetalLB announces with ARP; `pools` omitted means every pool Calico does not announce. */
  readonly l2?: { readonly pools?: readonly string[] };
  /** Pools MetalLB announces over BGP; `pools` omitted as for `l2`. */
  readonly bgp?: { readonly pools?: readonly string[] };
  /** Pools Calico announces over its BGP; `pools` omitted means every pool. */
  readonly calicoAnnounces?: { readonly pools?: readonly string[] };
  /** The node segments; without them L2 and BGP placement is not checked. */
  readonly segments?: readonly ParsedSegment[];
  /** Ranges no pool may touch (pods, services), labelled for messages. */
  readonly reserved?: readonly { readonly label: string; readonly range: Ipv4Range }[];
}

export interface ResolvedLayout {
  readonly problems: LayoutProblem[];
  readonly l2Pools: readonly string[];
  readonly bgpPools: readonly string[];
  readonly calicoPools: readonly string[];
}

export function checkMetalLbLayout(layout: MetalLbLayout): ResolvedLayout {
  const problems: LayoutProblem[] = [];
  const report = (path: (string | number)[], message: string) => problems.push({ path, message });
  const names = layout.pools.map((pool) => pool.name);

  const calicoPools = announced("calicoAnnounces", layout.calicoAnnounces, names, names, report);
  // MetalLB must not advertise what Calico announces, so its own advertisements default to the rest.
  const rest = names.filter((name) => !calicoPools.includes(name));
  const l2Pools = announced("l2", layout.l2, names, rest, report, calicoPools);
  const bgpPools = announced("bgp", layout.bgp, names, rest, report, calicoPools);

  const announcers = (name: string): PoolAnnouncer[] => [
    ...(l2Pools.includes(name) ? ["l2" as const] : []),
    ...(bgpPools.includes(name) ? ["bgp" as const] : []),
    ...(calicoPools.includes(name) ? ["calico" as const] : []),
  ];
  checkAddresses(layout, announcers, report);
  return { problems, l2Pools, bgpPools, calicoPools };
}

type Report = (path: (string | number)[], message: string) => void;

/** The pools one announcement covers: the ones it names, or `fallback` when it names none. */
function announced(
  field: "l2" | "bgp" | "calicoAnnounces",
  announcement: { readonly pools?: readonly string[] } | undefined,
  names: readonly string[],
  fallback: readonly string[],
  report: Report,
  calicoPools: readonly string[] = [],
): string[] {
  if (announcement === undefined) return [];
  const named = announcement.pools;
  if (named === undefined) {
    // An advertisement with an empty pool list would cover every pool, Calico's too.
    if (fallback.length === 0 && names.length > 0) {
      report(
        [field],
        "covers no pool: Calico announces them all (calicoAnnounces); name the pools to " +
          `announce in ${field}.pools and calicoAnnounces.pools, or remove ${field}`,
      );
    }
    return [...fallback];
  }
  if (named.length === 0) {
    report([field, "pools"], "is empty; omit it to cover every pool");
  }
  named.forEach((name, i) => {
    if (!names.includes(name)) {
      report(
        [field, "pools", i],
        `names pool "${name}", but no pool has that name (pools: ${names.join(", ")})`,
      );
    } else if (calicoPools.includes(name)) {
      report(
        [field, "pools", i],
        `names pool "${name}", which Calico announces (calicoAnnounces); MetalLB must only ` +
          "allocate from it, with no advertisement of its own: remove it here",
      );
    }
  });
  return named.filter((name) => names.includes(name));
}

function checkAddresses(
  layout: MetalLbLayout,
  announcers: (name: string) => PoolAnnouncer[],
  report: Report,
): void {
  const segments = layout.segments;
  const taken = (segments ?? []).flatMap((s) => s.taken.map((t) => ({ ...t, segment: s })));
  const claimed: { field: string; text: string; range: Ipv4Range }[] = [];
  layout.pools.forEach((pool, p) => {
    const by = announcers(pool.name);
    const l2 = by.includes("l2");
    const routed = by.includes("bgp") || by.includes("calico");
    if (segments && l2 && routed) {
      report(
        ["pools", p],
        `"${pool.name}" is announced both with L2 (which needs it inside a node segment) and ` +
          "over BGP (which needs it outside every node segment); split it into two pools",
      );
    }
    pool.addresses.forEach((text, a) => {
      const path = ["pools", p, "addresses", a];
      const field = formatPath(path);
      const range = parseAddressRange(text);
      if (!range) return;
      const clash = claimed.find((other) => overlaps(other.range, range));
      if (clash) {
        report(path, `${text} overlaps ${clash.field} ${clash.text}; pools must be disjoint`);
      }
      claimed.push({ field, text, range });
      for (const other of layout.reserved ?? []) {
        if (overlaps(other.range, range)) {
          report(path, `${text} overlaps ${other.label}; give MetalLB addresses nothing else uses`);
        }
      }
      for (const used of taken) {
        if (overlaps(used.range, range)) {
          report(
            path,
            `${text} overlaps the ${used.label} of node segment ${used.segment.cidr.cidr}; ` +
              "pick addresses no node or router uses",
          );
        }
      }
      if (by.includes("calico") && !parseCidr(text)) {
        report(
          path,
          `${text} is a range, but Calico announces CIDRs only (BGPConfiguration ` +
            "serviceLoadBalancerIPs); write the pool as CIDR blocks such as 192.168.20.0/28",
        );
      }
      if (!segments || (l2 && routed)) return;
      const home = segments.find((s) => contains(s.cidr, range));
      if (l2 && !home) {
        report(
          path,
          `${text} is announced with L2 but lies outside every node segment ` +
            `(${segments.map((s) => s.cidr.cidr).join(", ")}); ARP answers only reach the ` +
            "local segment, so routers would never find it: pick free addresses inside a node segment",
        );
      }
      const inside = segments.find((s) => overlaps(s.cidr, range));
      if (routed && inside) {
        report(
          path,
          `${text} is announced over BGP but lies in node segment ${inside.cidr.cidr}: hosts on ` +
            "that segment treat it as on-link and ARP for it, which nobody answers; pick " +
            "addresses outside the node segments (or announce this pool with L2)",
        );
      }
    });
  });
}
