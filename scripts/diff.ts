/**
 * `npm run diff -- <stack>`: `cdktf diff` with the Terraform CLI configuration `npm run plan`
 * uses, so that providers come from the local mirror when there is one (offline, Terraform cannot
 * reach its registry) and Terraform's and cdktf's version checks stay off.
 */
import { spawnSync } from "child_process";
import { isOffline } from "../stacks/offline";
import { terraformEnvironment } from "./lib/terraform";

// On a stack without a lock file cdktf runs `terraform providers lock`, which asks the public
// registry for checksums whatever the CLI configuration says; offline that fails. The lock file
// `terraform init` writes from the mirror is enough for a plan.
const offlineArgs = isOffline() ? ["--skip-provider-lock"] : [];

const result = spawnSync("npx", ["cdktf", "diff", ...offlineArgs, ...process.argv.slice(2)], {
  stdio: "inherit",
  env: terraformEnvironment().env,
});
process.exitCode = result.status ?? 1;
