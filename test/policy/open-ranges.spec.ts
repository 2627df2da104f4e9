/**
 * "Open to the internet" decided from the parsed ranges: the environment check of a prod cluster's
 * public endpoint, PLT-EKS-3 and PLT-SG-1 all refuse a list that lets in the internet however it
 * is written (a union of halves, short prefixes, IPv6, IPv4-mapped IPv6), and keep accepting
 * allowlists and private ranges.
 */
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { internetExposure, parseIpv6 } from "../../constructs/shared/internet-exposure";
import { checkEnvironment } from "../../stacks/environment/validate";
import { findEnvironmentFile } from "../../stacks/environments";
import { findingsOf, runPolicy } from "./support";

/** Lists that let the internet in, and what the finding says they let in. */
const OPEN: [string[], RegExp][] = [
  [["0.0.0.0/0"], /the whole IPv4 internet/],
  [["0.0.0.0/1", "128.0.0.0/1"], /the whole IPv4 internet/],
  [["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"], /the whole IPv4 internet/],
  [["128.0.0.0/1"], /public IPv4 addresses/],
  [["11.0.0.0/8"], /16,777,216 public IPv4 addresses/],
  [["1.0.0.0/9", "1.128.0.0/9"], /16,777,216 public IPv4 addresses/],
  [["::/0"], /the whole IPv6 internet/],
  [["::/1", "8000::/1"], /the whole IPv6 internet/],
  [["2000::/3"], /the whole IPv6 internet/],
  [["2001:db8::/32", "2600::/16"], /about 2\^112 public IPv6 addresses/],
  [["2600:1f18::/32"], /about 2\^96 public IPv6 addresses/],
  [["::ffff:0:0/96"], /the whole IPv4 internet/],
  [["::ffff:0.0.0.0/97", "::ffff:128.0.0.0/97"], /the whole IPv4 internet/],
];

/** Allowlists and internal ranges. */
const CLOSED: string[][] = [
  [],
  ["203.0.113.0/24"],
  ["198.51.100.7/32", "192.0.2.0/24"],
  ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"],
  ["1.2.3.0/24", "5.6.0.0/16"],
  ["2001:db8::/32"],
  ["fc00::/7", "fe80::/10"],
  ["2600:1f18:abcd::/48"],
  ["not-a-cidr", "10.0.0.0/33"],
];

describe("internetExposure", () => {
  it.each(OPEN)("finds %j open", (cidrs, reach) => {
    expect(internetExposure(cidrs)?.reach).toMatch(reach);
  });

  it.each(CLOSED.map((c) => [c]))("finds %j closed", (cidrs) => {
    expect(internetExposure(cidrs)).toBeUndefined();
  });

  it("names only the sources that let public addresses in", () => {
    expect(internetExposure(["10.0.0.0/8", "0.0.0.0/1", "128.0.0.0/1"])?.sources).toEqual([
      "0.0.0.0/1",
      "128.0.0.0/1",
    ]);
  });

  it("parses IPv6 text in every form", () => {
    expect(parseIpv6("::")).toBe(0n);
    expect(parseIpv6("::1")).toBe(1n);
    expect(parseIpv6("2001:db8::1")).toBe((0x20010db8n << 96n) + 1n);
    expect(parseIpv6("::ffff:1.2.3.4")).toBe((0xffffn << 32n) + 0x01020304n);
    expect(parseIpv6("1:2:3:4:5:6:7:8")).toBe(0x00010002000300040005000600070008n);
    for (const bad of ["1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "::ffff:1.2.3.256", ":"]) {
      expect(parseIpv6(bad)).toBeUndefined();
    }
  });
});

describe("a prod environment's public endpoint", () => {
  const prod = findEnvironmentFile("prod").input;
  if (prod.platform !== "eks") throw new Error("prod is an EKS environment");
  const withCidrs = (publicAccessCidrs: string[]) => ({
    ...prod,
    cluster: { ...prod.cluster, endpoint: { public: true, publicAccessCidrs } },
  });

  it.each([
    [["0.0.0.0/1", "128.0.0.0/1"]],
    [["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"]],
    [["64.0.0.0/2"]],
  ])("is refused when %j let the internet in", (cidrs) => {
    expect(checkEnvironment(withCidrs(cidrs)).problems).toContainEqual({
      path: ["cluster", "endpoint", "publicAccessCidrs"],
      message: expect.stringMatching(/must not be open to the internet/),
    });
  });

  it("is accepted with an allowlist", () => {
    expect(checkEnvironment(withCidrs(["203.0.113.0/24", "198.51.100.0/24"])).problems).toEqual([]);
  });
});

describe("PLT-EKS-3", () => {
  /** One prod stack with a public cluster endpoint per list of CIDRs. */
  const endpoints = (lists: readonly string[][]) =>
    runPolicy(
      (scope) =>
        lists.forEach(
          (publicAccessCidrs, i) =>
            new EksCluster(scope, `cluster${i}`, {
              name: `c${i}`,
              roleArn: "arn:aws:iam::111111111111:role/c",
              vpcConfig: { subnetIds: ["subnet-1"], endpointPublicAccess: true, publicAccessCidrs },
            }),
        ),
      { tier: "prod" },
    );

  it("is an error in prod for every list that lets the internet in", () => {
    const findings = findingsOf(endpoints(OPEN.map(([cidrs]) => cidrs)), "PLT-EKS-3");
    expect(findings.map((f) => [f.path, f.level])).toEqual(
      OPEN.map((_, i) => [`test/cluster${i}`, "error"]),
    );
    OPEN.forEach(([, reach], i) => expect(findings[i].detail).toMatch(reach));
  });

  it("passes allowlists", () => {
    const lists = CLOSED.filter((cidrs) => cidrs.length > 0 && !cidrs.includes("not-a-cidr"));
    expect(findingsOf(endpoints(lists), "PLT-EKS-3")).toEqual([]);
  });
});

describe("PLT-SG-1", () => {
  it("refuses SSH from every list that lets the internet in", () => {
    const run = runPolicy(
      (scope) =>
        new SecurityGroup(scope, "sg", {
          name: "sg",
          ingress: OPEN.map(([cidrs]) => ({
            fromPort: 22,
            toPort: 22,
            protocol: "tcp",
            cidrBlocks: cidrs.filter((c) => !c.includes(":")),
            ipv6CidrBlocks: cidrs.filter((c) => c.includes(":")),
          })),
        }),
    );
    expect(findingsOf(run, "PLT-SG-1").map((f) => f.detail)).toEqual(
      OPEN.map((_, i) =>
        expect.stringMatching(new RegExp(`^ingress\\[${i}\\] allows tcp 22-22 from`)),
      ),
    );
  });

  it("refuses each half of the internet in rules of their own", () => {
    const run = runPolicy((scope) => {
      const group = new SecurityGroup(scope, "sg", { name: "sg" });
      for (const [id, cidrIpv4] of [
        ["low", "0.0.0.0/1"],
        ["high", "128.0.0.0/1"],
      ]) {
        new VpcSecurityGroupIngressRule(scope, id, {
          securityGroupId: group.id,
          ipProtocol: "tcp",
          fromPort: 5432,
          toPort: 5432,
          cidrIpv4,
        });
      }
    });
    expect(findingsOf(run, "PLT-SG-1").map((f) => f.path)).toEqual(["test/low", "test/high"]);
  });

  it("accepts private sources and allowlists", () => {
    const run = runPolicy(
      (scope) =>
        new SecurityGroup(scope, "sg", {
          name: "sg",
          ingress: CLOSED.filter((c) => c.length > 0).map((cidrs) => ({
            fromPort: 22,
            toPort: 22,
            protocol: "tcp",
            cidrBlocks: cidrs.filter((c) => !c.includes(":")),
            ipv6CidrBlocks: cidrs.filter((c) => c.includes(":")),
          })),
        }),
    );
    expect(findingsOf(run, "PLT-SG-1")).toEqual([]);
  });
});
