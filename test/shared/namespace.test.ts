import { Testing, TerraformStack } from "cdktf";
import { platformNamespace } from "../../constructs/shared/namespace";

describe("platformNamespace", () => {
  it("refuses a level below restricted without the reason for it", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    expect(() =>
      platformNamespace(stack, "namespace", {
        name: "system",
        level: "baseline",
        podSecurityVersion: "latest",
      }),
    ).toThrow(
      "test: namespace system at Pod Security level baseline needs a reason: say which pods need more than restricted, and what for",
    );
  });
});
