import { App, TerraformStack } from "cdktf";
import { applyPolicyPack } from "../constructs/policy";
import { partitionOfRegion } from "../constructs/shared/aws-account";
import { createsSpotServiceLinkedRole, type Environment } from "./environment/schema";
import { BootstrapStack } from "./bootstrap-stack";
import { InfraStack } from "./infra-stack";
import { PlatformStack } from "./platform-stack";

export interface BuildOptions {
  /** Fake credentials and local state: see stacks/offline.ts. */
  readonly offline: boolean;
}

export interface EnvironmentStacks {
  /** The state bucket's stack; only for EKS environments that name a bucket. */
  readonly bootstrap?: BootstrapStack;
  readonly infra?: InfraStack;
  readonly platform: PlatformStack;
}

/** Stack names are part of the workflow (`cdktf deploy <env>-infra`): keep them stable. */
export const stackNames = (environment: string) => ({
  infra: `${environment}-infra`,
  platform: `${environment}-platform`,
  bootstrap: `${environment}-bootstrap`,
});

/**
 * The stacks `cdktf deploy` runs for an environment, in order (the one-off `<env>-bootstrap`
 * comes before them, once per account). Destroy runs them in reverse.
 */
export function deploySequence(environment: Pick<Environment, "name" | "platform">): string[] {
  const names = stackNames(environment.name);
  return environment.platform === "eks" ? [names.infra, names.platform] : [names.platform];
}

/** Adds every stack of each (already validated) environment to the app. */
export function buildApp(
  app: App,
  environments: readonly Environment[],
  options: BuildOptions,
): Map<string, EnvironmentStacks> {
  const built = new Map<string, EnvironmentStacks>();
  for (const environment of environments) {
    const names = stackNames(environment.name);
    const bootstrap =
      environment.platform === "eks" && environment.state
        ? new BootstrapStack(app, names.bootstrap, {
            environment: environment.name,
            owner: environment.owner,
            target: environment.aws,
            partition: partitionOfRegion(environment.aws.region),
            state: environment.state,
            stateInBucket: environment.state.bootstrapStateInBucket,
            kmsAdministrators: environment.kms.administrators,
            spotServiceLinkedRole: createsSpotServiceLinkedRole(environment),
            offline: options.offline,
          })
        : undefined;
    const infra =
      environment.platform === "eks"
        ? new InfraStack(app, names.infra, {
            environment,
            platformStack: names.platform,
            offline: options.offline,
          })
        : undefined;
    const platform = new PlatformStack(app, names.platform, {
      environment,
      infra,
      offline: options.offline,
    });
    // Aspects do not flow from the App to stacks in cdktf, so the pack goes on each stack.
    const stacks = [bootstrap, infra, platform].filter((s): s is TerraformStack => s !== undefined);
    for (const stack of stacks) applyPolicyPack(stack, { tier: environment.tier });
    built.set(environment.name, { bootstrap, infra, platform });
  }
  return built;
}

export function allStacks(built: Map<string, EnvironmentStacks>): TerraformStack[] {
  return [...built.values()].flatMap((s) =>
    [s.bootstrap, s.infra, s.platform].filter((x): x is TerraformStack => x !== undefined),
  );
}
