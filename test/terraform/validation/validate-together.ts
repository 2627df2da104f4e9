/**
 * `validateTogether` validates many stacks in one Terraform run: an error must still fail only
 * the stack it is in, also where stacks share a provider configuration in the root, and every
 * stack must be checked. These stacks are validated with all the others (validate.test.ts), so
 * the root holds several shared provider configurations.
 */
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { TerraformProvider, TerraformStack } from "cdktf";
import { errorsOf } from "../support";
import { type Cases, type ValidationGroup, synthCases } from "./group";

function bucket(stack: TerraformStack, options: { invalid: boolean }): void {
  const created = new S3Bucket(stack, "bucket", { bucket: `platform-${stack.node.id}` });
  if (options.invalid) created.addOverride("no_such_argument", true);
}

/** The stack's aws provider with one more argument: a configuration of another structure. */
function providerWith(stack: TerraformStack, argument: string, value: unknown): void {
  (stack.node.findChild("aws") as TerraformProvider).addOverride(argument, value);
}

const CASES = {
  first: (stack) => bucket(stack, { invalid: false }),
  second: (stack) => bucket(stack, { invalid: true }),
  third: (stack) => bucket(stack, { invalid: true }),
  "other-provider-valid": (stack) => {
    providerWith(stack, "max_retries", 5);
    bucket(stack, { invalid: false });
  },
  "other-provider-invalid": (stack) => {
    providerWith(stack, "max_retries", 5);
    bucket(stack, { invalid: true });
  },
  "bad-provider-a": (stack) => {
    providerWith(stack, "no_such_provider_argument", true);
    bucket(stack, { invalid: false });
  },
  "bad-provider-b": (stack) => {
    providerWith(stack, "no_such_provider_argument", true);
    bucket(stack, { invalid: false });
  },
} satisfies Cases<string>;
type CaseName = keyof typeof CASES;
const NAMES = Object.keys(CASES) as CaseName[];

export function validateTogetherCases(): ValidationGroup {
  return {
    synth: async () =>
      [...synthCases("platform-validate-together-", CASES).values()].map((c) => c.dir),
    describe: (validations) =>
      describe("validateTogether", () => {
        const of = (name: CaseName) => validations()[NAMES.indexOf(name)];
        const expectOnly = (names: CaseName[], error: string) => {
          for (const name of names) {
            expect([name, of(name).valid]).toEqual([name, false]);
            expect(errorsOf(of(name))).toEqual([expect.stringContaining(error)]);
          }
        };
        const expectNone = (names: CaseName[]) => {
          for (const name of names)
            expect([name, of(name).valid, errorsOf(of(name))]).toEqual([name, true, []]);
        };

        it("reports each stack's errors against that stack only", () => {
          expectNone(["first"]);
          expectOnly(["second", "third"], "no_such_argument");
        });

        it("does so too for stacks that share a second provider configuration (an alias)", () => {
          expectNone(["other-provider-valid"]);
          expectOnly(["other-provider-invalid"], "no_such_argument");
        });

        it("reports an error in a shared provider configuration against each stack sharing it", () => {
          expectOnly(["bad-provider-a", "bad-provider-b"], "no_such_provider_argument");
        });
      }),
  };
}
