import { closestMatch, editDistance } from "../../constructs/shared/validation/did-you-mean";

describe("editDistance", () => {
  test.each([
    ["single", "single", 0],
    ["singel", "single", 1], // two neighbours swapped: one edit, as a typist makes it
    ["natt", "nat", 1],
    ["sngle", "single", 1],
    ["per-zone", "none", 5],
    ["", "nat", 3],
  ])("%s → %s: %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe("closestMatch", () => {
  const NAT = ["none", "single", "per-zone"];

  test("suggests the candidate a typo was meant to be", () => {
    expect(closestMatch("singel", NAT)).toBe("single");
    expect(closestMatch("perzone", NAT)).toBe("per-zone");
  });

  test("ignores case, as JavaScript callers and YAML authors get it wrong", () => {
    expect(closestMatch("blocksize", ["blockSize", "natOutgoing"])).toBe("blockSize");
    expect(closestMatch("IRSA", ["pod-identity", "irsa"])).toBe("irsa");
  });

  test("suggests nothing for a different word", () => {
    expect(closestMatch("two", NAT)).toBeUndefined();
    expect(closestMatch("flannel", ["ipip", "vxlan", "direct"])).toBeUndefined();
  });

  test("allows one edit per three characters", () => {
    expect(closestMatch("adm", ["admins"])).toBeUndefined();
    expect(closestMatch("admns", ["admins"])).toBe("admins");
    expect(closestMatch("kubernetesVersoin", ["kubernetesVersion"])).toBe("kubernetesVersion");
  });

  test("suggests no version for a version: one digit off is another version", () => {
    expect(closestMatch("1.31", ["1.32", "1.33"])).toBeUndefined();
  });

  test("prefers the closest, then the earlier candidate", () => {
    expect(closestMatch("nodePool", ["nodePools", "nodeClassName"])).toBe("nodePools");
    expect(closestMatch("ab", ["ac", "ad"])).toBe("ac");
  });
});
