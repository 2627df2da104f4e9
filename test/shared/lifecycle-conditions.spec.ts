import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { IpPoolGuard } from "../../constructs/calico/pool-guard";
import {
  addLifecycleConditions,
  hclTemplateBody,
} from "../../constructs/shared/lifecycle-conditions";
import { runTerraform } from "../../scripts/lib/terraform";
import { describeWithTerraform } from "../support/terraform-available";

describe("hclTemplateBody", () => {
  it("escapes the literal text and keeps interpolations as they are", () => {
    expect(hclTemplateBody('say "hi"\n${a == "x}"} and ${b}')).toBe(
      'say \\"hi\\"\\n${a == "x}"} and ${b}',
    );
  });

  it("keeps escaped sequences literal", () => {
    expect(hclTemplateBody("$${not} %%{this}")).toBe("$${not} %%{this}");
  });

  it("refuses an unterminated interpolation", () => {
    expect(() => hclTemplateBody("${open")).toThrow(/unterminated interpolation/);
  });
});

function guardStack() {
  const stack = new TerraformStack(Testing.app(), "guard");
  new IpPoolGuard(stack, "pool-guard", {
    cidr: "10.244.0.0/16",
    blockSize: 26,
    fields: { cidr: "podNetwork.podCidr", blockSize: "podNetwork.blockSize" },
  });
  return stack;
}

describe("lifecycle conditions in both printers", () => {
  it("JSON: postcondition blocks under lifecycle, beside ignore_changes", () => {
    const resources = JSON.parse(Testing.synth(guardStack())).resource.terraform_data;
    const [body] = Object.values(resources) as { lifecycle: Record<string, unknown> }[];
    expect(body.lifecycle.ignore_changes).toEqual(["input"]);
    expect(body.lifecycle.postcondition).toEqual([
      expect.objectContaining({ condition: expect.stringContaining("self.output.cidr") }),
    ]);
  });

  it("refuses conditions added twice to one element (the second call would drop the first in HCL)", () => {
    const stack = new TerraformStack(new App(), "twice");
    const guard = new IpPoolGuard(stack, "pool-guard", {
      cidr: "10.244.0.0/16",
      blockSize: 26,
      fields: { cidr: "c", blockSize: "b" },
    });
    expect(() =>
      addLifecycleConditions(guard.resource, {
        precondition: [{ condition: "${true}", errorMessage: "x" }],
      }),
    ).toThrow(/every lifecycle condition in one call/);
  });
});

describeWithTerraform("lifecycle conditions in HCL (cdktf synth --hcl)", () => {
  it("writes postcondition blocks that Terraform validates", () => {
    const hcl = Testing.synthHcl(guardStack()) as string;
    expect(hcl).toMatch(/postcondition\s*\{/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-conditions-"));
    fs.writeFileSync(path.join(dir, "main.tf"), hcl);
    expect(runTerraform(dir, ["init", "-input=false", "-no-color"]).status).toBe(0);
    const validate = runTerraform(dir, ["validate", "-json", "-no-color"]);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, error_count: 0 });
  });
});
