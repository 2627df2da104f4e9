import { DEFAULT_SUBNET_PREFIXES, planSubnets } from "../../constructs/network/subnet-plan";

const cidrsOf = (layout: ReturnType<typeof planSubnets>) =>
  layout.map((z) => [z.zone, z.private.cidr, z.public.cidr, z.intra.cidr]);

describe("planSubnets", () => {
  test("two zones: private /19s first, then public /24 and intra /26 per zone", () => {
    const layout = planSubnets("10.10.0.0/16", ["a", "b"], DEFAULT_SUBNET_PREFIXES);
    expect(cidrsOf(layout)).toEqual([
      ["a", "10.10.0.0/19", "10.10.64.0/24", "10.10.65.0/26"],
      ["b", "10.10.32.0/19", "10.10.66.0/24", "10.10.67.0/26"],
    ]);
  });

  test("three zones: all private blocks first, so public and intra start after the third", () => {
    const layout = planSubnets("10.30.0.0/16", ["a", "b", "c"], DEFAULT_SUBNET_PREFIXES);
    expect(cidrsOf(layout)).toEqual([
      ["a", "10.30.0.0/19", "10.30.96.0/24", "10.30.97.0/26"],
      ["b", "10.30.32.0/19", "10.30.98.0/24", "10.30.99.0/26"],
      ["c", "10.30.64.0/19", "10.30.100.0/24", "10.30.101.0/26"],
    ]);
  });

  test("custom prefixes align each block to its size", () => {
    const layout = planSubnets("10.0.0.0/20", ["a", "b"], { public: 27, private: 22, intra: 28 });
    expect(cidrsOf(layout)).toEqual([
      ["a", "10.0.0.0/22", "10.0.8.0/27", "10.0.8.32/28"],
      ["b", "10.0.4.0/22", "10.0.8.64/27", "10.0.8.96/28"],
    ]);
  });

  test("rejects a malformed CIDR and subnets that do not fit", () => {
    expect(() => planSubnets("10.0.0.1/16", ["a", "b"], DEFAULT_SUBNET_PREFIXES)).toThrow(
      "10.0.0.1/16 is not an IPv4 CIDR block",
    );
    expect(() => planSubnets("10.0.0.0/20", ["a", "b"], DEFAULT_SUBNET_PREFIXES)).toThrow(
      /cannot be carved|do not fit/,
    );
    expect(() => planSubnets("10.0.0.0/18", ["a", "b", "c"], DEFAULT_SUBNET_PREFIXES)).toThrow(
      "subnets do not fit in 10.0.0.0/18",
    );
  });
});
