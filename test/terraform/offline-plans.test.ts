/**
 * Offline plans with the real aws provider, of every topic below in one Terraform run (and the
 * cases that must make a plan fail in a second, beside it): the shipped infra stacks and the
 * guard, dev-infra with IRSA, and what a change to EksCluster replaces. Starting the aws provider
 * and decoding its schema costs the same for one stack as for all of them. Each topic's cases and
 * tests are in a module of its own (test/terraform/plans/, topic.ts there).
 */
import { describeWithTerraform } from "../support/terraform-available";
import { infraPlans } from "./plans/infra";
import { irsaPlans } from "./plans/irsa";
import { replacementPlans } from "./plans/replacement";
import { describePlannedTogether } from "./plans/topic";

describeWithTerraform("offline plans with the real aws provider", () => {
  describePlannedTogether([infraPlans(), irsaPlans(), replacementPlans()]);
});
