/**
 * The option matrix (test/terraform/validation/option-matrix.ts) covers every option and is valid
 * input; its stacks go through `terraform validate` in test/terraform/validate.test.ts.
 */
import { parseEnvironment } from "../../stacks/environment/validate";
import {
  CASES,
  EKS_MODES,
  ENDPOINT_SETTINGS,
  GOVCLOUD,
  IDENTITIES,
  NAT_MODES,
  SEOUL,
  TIERS,
  environmentInput,
} from "./validation/option-matrix";

describe("the option matrix", () => {
  it("covers mode × identity fully and every other option at least once", () => {
    const pairs = CASES.map((c) => `${c.mode}/${c.identity}`);
    expect(new Set(pairs).size).toBe(EKS_MODES.length * IDENTITIES.length);
    for (const mode of EKS_MODES) {
      for (const identity of IDENTITIES) expect(pairs).toContain(`${mode}/${identity}`);
    }
    expect(new Set(CASES.map((c) => c.nat))).toEqual(new Set(NAT_MODES));
    expect(new Set(CASES.map((c) => c.tier))).toEqual(new Set(TIERS));
    expect(new Set(CASES.map((c) => c.endpoint))).toEqual(new Set(Object.keys(ENDPOINT_SETTINGS)));
    expect(new Set(CASES.map((c) => c.region))).toEqual(new Set([SEOUL, GOVCLOUD]));
    const gatewayAndInterface = CASES.some(
      (c) => c.vpcEndpoints.includes("dynamodb") && c.vpcEndpoints.includes("ecr.api"),
    );
    expect(gatewayAndInterface).toBe(true);
    expect(CASES.some((c) => c.vpcEndpoints.length === 0)).toBe(true);
  });

  it("is valid input: each case passes parseEnvironment", () => {
    CASES.forEach((c, i) => expect(() => parseEnvironment(environmentInput(c, i))).not.toThrow());
  });
});
