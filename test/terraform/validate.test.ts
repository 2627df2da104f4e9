/**
 * Every stack the tests put through `terraform validate`, in one Terraform run (`validateTogether`,
 * each stack a module of one root): the option matrix, the token cases, the backend pair, the aws
 * part of the shipped platform stacks, the HCL exit and `validateTogether`'s own cases. Starting
 * the aws provider and decoding its schema costs the same for one stack as for all of them. Each
 * group's tests read only its own stacks' validations (test/terraform/validation/).
 */
import { describeWithTerraform } from "../support/terraform-available";
import { type Outcome, describeGroups } from "./batch";
import { type Validation, validateTogether } from "./support";
import { backend } from "./validation/backend";
import { eksTokens } from "./validation/eks-tokens";
import { type ValidationGroup } from "./validation/group";
import { hclExit } from "./validation/hcl-exit";
import { optionMatrix } from "./validation/option-matrix";
import { platformAws } from "./validation/platform-aws";
import { validateTogetherCases } from "./validation/validate-together";
import { vpcTokens } from "./validation/vpc-tokens";

describeWithTerraform(
  "terraform validate of every construct option, token case and exit path",
  () => {
    // The HCL exit first: its synthesis is a child process, which runs while the others synthesize.
    const groups: ValidationGroup[] = [
      hclExit(),
      optionMatrix(),
      platformAws(),
      eksTokens(),
      vpcTokens(),
      backend(),
      validateTogetherCases(),
    ];
    /** Each group's validations, or what its synthesis threw: that fails its tests only. */
    const outcomes: Outcome<readonly Validation[]>[] = [];

    beforeAll(async () => {
      const synthesized = await Promise.allSettled(groups.map((group) => group.synth()));
      const dirs = synthesized.flatMap((s) => (s.status === "fulfilled" ? s.value : []));
      const validations = await validateTogether(dirs);
      let next = 0;
      for (const s of synthesized) {
        if (s.status === "rejected") {
          outcomes.push({ failed: s.reason });
          continue;
        }
        outcomes.push({ value: validations.slice(next, next + s.value.length) });
        next += s.value.length;
      }
    }, 900_000);

    describeGroups(groups, outcomes, "validated");
  },
);
