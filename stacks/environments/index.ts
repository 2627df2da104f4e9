/**
 * The environments this repository deploys: the `<name>.yaml` files in this folder (or in the
 * folder `PLATFORM_ENVIRONMENTS_DIR` names), validated, in promotion order. The one place the app,
 * the scripts and the tests find them. The package does not ship this folder: a team composes its
 * own environments (stacks/environment/load.ts).
 */
import { displayValue } from "../../constructs/shared/validation/display";
import { loadEnvironmentFiles } from "../environment/load";
import type { EnvironmentFile } from "../environment/file";
import type { Environment } from "../environment/schema";

/**
 * Names a folder to read the environment files from instead of this one: a set kept elsewhere,
 * or a copy of this one with a file added (how the tests try a new environment end to end).
 */
export const ENVIRONMENTS_DIR_VARIABLE = "PLATFORM_ENVIRONMENTS_DIR";

/** The folder the environment files are read from. */
export function environmentsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[ENVIRONMENTS_DIR_VARIABLE] || __dirname;
}

/** The environment files, validated, in promotion order. */
export function shippedEnvironmentFiles(): EnvironmentFile[] {
  return loadEnvironmentFiles(environmentsDir());
}

/** The environments, validated, in promotion order. */
export function shippedEnvironments(): Environment[] {
  return shippedEnvironmentFiles().map((f) => f.environment);
}

/** One environment's file, by environment name. */
export function findEnvironmentFile(name: string): EnvironmentFile {
  const files = shippedEnvironmentFiles();
  const found = files.find((f) => f.environment.name === name);
  if (!found) {
    throw new Error(
      `unknown environment ${displayValue(name)}; known: ${files.map((f) => f.environment.name).join(", ")}`,
    );
  }
  return found;
}

/** One environment, validated, by name. */
export function findEnvironment(name: string): Environment {
  return findEnvironmentFile(name).environment;
}
