/**
 * Offline plans with the real aws provider, of every topic below in one Terraform run (and the
 * cases that must make a plan fail in a second, beside it): see plan-topics.ts. Each topic's
 * cases and tests are in its own module.
 */
import { irsaPlans } from "../karpenter/irsa-cases";
import { describeWithTerraform } from "../support/terraform-available";
import { infraPlans } from "./infra-cases";
import { describePlannedTogether } from "./plan-topics";
import { replacementPlans } from "./replacement-cases";

describeWithTerraform("offline plans with the real aws provider", () => {
  describePlannedTogether([infraPlans(), irsaPlans(), replacementPlans()]);
});
