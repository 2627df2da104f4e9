/**
 * `@platform/cdktf-toolkit/stacks`: what a team needs to compose environments of its own with the
 * stacks this repository deploys. Validate environment data with `parseEnvironment(s)`, or read a
 * folder of environment files, one `<name>.yaml` each, with `loadEnvironmentFiles` (the layout of
 * this repository's stacks/environments/; the package ships their JSON Schema as
 * lib/stacks/environment/environment.schema.json, not the repository's environments). Add every
 * stack of each environment with `buildApp`, or build single stacks (`InfraStack`,
 * `PlatformStack`, `BootstrapStack`) and configure providers and backends of your own stacks the
 * same way (`awsProvider`, `kubernetesProviders`, `configureBackend`). Stack names
 * (`stackNames`) and construct IDs are Terraform state addresses: renaming one replaces resources.
 *
 * @module @platform/cdktf-toolkit/stacks
 */
export {
  EnvironmentValidationError,
  formatPath,
  parseEnvironment,
  parseEnvironments,
} from "./environment/validate";
export type { Problem } from "./environment/checks";
export { EnvironmentFilesError, loadEnvironmentFiles } from "./environment/load";
export type { EnvironmentFile, FileProblem } from "./environment/file";
export type {
  EksEnvironment,
  Environment,
  EnvironmentInput,
  NodePoolSpec,
  OnpremEnvironment,
} from "./environment/schema";
export {
  allStacks,
  buildApp,
  deploySequence,
  stackNames,
  type BuildOptions,
  type EnvironmentStacks,
} from "./app";
export { InfraStack, type InfraStackProps } from "./infra-stack";
export { PlatformStack, type PlatformStackProps } from "./platform-stack";
export { BootstrapStack, type BootstrapStackProps } from "./bootstrap-stack";
export { awsProvider, type AwsAccountTarget, type AwsProviderOptions } from "./aws-provider";
export { kubernetesProviders } from "./kubernetes-access";
export { configureBackend, stateKey, type BackendOptions, type StateLocation } from "./backend";
export { OFFLINE_VARIABLE, isOffline } from "./offline";
