import { SHIPPED_ENVIRONMENTS } from "../../../stacks/environments";
import type { Environment } from "../../../stacks/environment/schema";
import { parseEnvironments } from "../../../stacks/environment/validate";

/**
 * The environment the day-2 tools (doctor, netbench) work on, validated and with defaults filled.
 * The one place they look environments up: point it elsewhere when environments move out of code.
 */
export function loadEnvironment(name: string): Environment {
  const environments = parseEnvironments(SHIPPED_ENVIRONMENTS);
  const environment = environments.find((e) => e.name === name);
  if (!environment) {
    throw new Error(
      `unknown environment "${name}"; known: ${environments.map((e) => e.name).join(", ")}`,
    );
  }
  return environment;
}
