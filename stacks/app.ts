import { App, TerraformStack } from "cdktf";
import { applyPolicyPack } from "../constructs/policy";
import type { Environment } from "./environment/schema";
import { InfraStack } from "./infra-stack";
import { PlatformStack } from "./platform-stack";

export interface BuildOptions {
  /** Fake credentials and local state: see stacks/offline.ts. */
  readonly offline: boolean;
}

export interface EnvironmentStacks {
  readonly infra?: InfraStack;
  readonly platform: PlatformStack;
}

/** Stack names are part of the workflow (`cdktf deploy <env>-infra`): keep them stable. */
export const stackNames = (environment: string) => ({
  infra: `${environment}-infra`,
  platform: `${environment}-platform`,
  bootstrap: `${environment}-bootstrap`,
});

/** Adds every stack of each (already validated) environment to the app. */
export function buildApp(
  app: App,
  environments: readonly Environment[],
  options: BuildOptions,
): Map<string, EnvironmentStacks> {
  const built = new Map<string, EnvironmentStacks>();
  for (const environment of environments) {
    const names = stackNames(environment.name);
    const infra =
      environment.platform === "eks"
        ? new InfraStack(app, names.infra, { environment, offline: options.offline })
        : undefined;
    const platform = new PlatformStack(app, names.platform, {
      environment,
      infra,
      offline: options.offline,
    });
    // Aspects do not flow from the App to stacks in cdktf, so the pack goes on each stack.
    for (const stack of infra ? [infra, platform] : [platform]) {
      applyPolicyPack(stack, { tier: environment.tier });
    }
    built.set(environment.name, { infra, platform });
  }
  return built;
}

export function allStacks(built: Map<string, EnvironmentStacks>): TerraformStack[] {
  return [...built.values()].flatMap((s) => (s.infra ? [s.infra, s.platform] : [s.platform]));
}
