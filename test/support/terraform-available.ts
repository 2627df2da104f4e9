import { terraformEnvironment } from "../../scripts/lib/terraform";
import { reportNotRun } from "./not-run";

/**
 * Terraform checks run wherever the CLI and an aws provider mirror exist (they do on the project's
 * machines and in CI). Elsewhere the suite is replaced by a `todo` that names what is missing,
 * so the run reports it; in CI a missing Terraform fails the run instead.
 */
export function describeWithTerraform(name: string, body: () => void): void {
  const tf = terraformEnvironment();
  const missing = !tf.cli
    ? "the terraform CLI is not installed"
    : !tf.mirroredProviders.includes("hashicorp/aws")
      ? "no hashicorp/aws provider mirror was found (set TF_PROVIDER_MIRROR)"
      : undefined;
  if (missing) {
    if (process.env.CI) throw new Error(`Terraform checks cannot run in CI: ${missing}`);
    reportNotRun(name, missing);
    describe(name, () => it.todo(`needs Terraform: ${missing}`));
  } else {
    describe(name, body);
  }
}
