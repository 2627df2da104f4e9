/**
 * `npm run diff -- <stack>`: `cdktf diff` with the Terraform CLI configuration `npm run plan`
 * uses, so that providers come from the local mirror when there is one (offline, Terraform cannot
 * reach its registry) and Terraform's and cdktf's version checks stay off.
 */
import { spawnSync } from "child_process";
import { terraformEnvironment } from "./lib/terraform";

const result = spawnSync("npx", ["cdktf", "diff", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: terraformEnvironment().env,
});
process.exitCode = result.status ?? 1;
