import { LocalBackend, S3Backend, TerraformBackend, TerraformStack } from "cdktf";

/** Where an environment keeps its Terraform state (the environment schema's `state`). */
export interface StateLocation {
  /** S3 bucket created by the bootstrap stack. */
  readonly bucket: string;
  readonly region: string;
  /**
   * Legacy DynamoDB lock table, for setups that still use one next to S3-native locking.
   * @default no table: S3-native locking (`use_lockfile`) alone
   */
  readonly dynamodbTable?: string;
  /**
   * KMS key (ARN, or `alias/<name>`) Terraform encrypts state objects with, such as the bootstrap
   * stack's `alias/<environment>/tfstate`.
   * @default none: with `encrypt` on, Terraform uploads state with SSE-S3 (AES256), which
   * overrides the bucket's default SSE-KMS encryption
   */
  readonly kmsKeyId?: string;
}

export interface BackendOptions {
  /** Environment name: the first segment of the state key. */
  readonly environment: string;
  /** Stack name (`dev-infra`): the state key is `<environment>/<stackName>.tfstate`. */
  readonly stackName: string;
  /**
   * Remote state location.
   * @default no remote state: a local backend
   */
  readonly state?: StateLocation;
  /** Offline mode (stacks/offline.ts) always uses a local backend, whatever `state` says. */
  readonly offline: boolean;
}

/** The state key of one stack in the environment's bucket. */
export function stateKey(environment: string, stackName: string): string {
  return `${environment}/${stackName}.tfstate`;
}

/**
 * Where a local backend keeps a stack's state, relative to the stack's working directory
 * (cdktf.out/stacks/<stack>): the project root, as cdktf's default, but without baking this
 * machine's absolute path into the configuration. Other stacks read it from a sibling directory.
 */
export function localStatePath(stackName: string): string {
  return `../../../terraform.${stackName}.tfstate`;
}

/** The alias (without `alias/`) of the KMS key `<environment>-bootstrap` encrypts state with. */
export function stateKeyAlias(environment: string): string {
  return `${environment}/tfstate`;
}

/**
 * Gives `stack` its backend: S3 with encryption and S3-native locking when the environment names a
 * bucket (and we are not offline), otherwise a local backend (`terraform.<stack>.tfstate` in
 * the project root, three levels above the stack's working directory, where cross-stack `terraform_remote_state` also looks).
 */
export function configureBackend(stack: TerraformStack, options: BackendOptions): TerraformBackend {
  const { environment, stackName, state, offline } = options;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(environment) || !/^[a-z0-9][a-z0-9-]*$/.test(stackName)) {
    throw new Error(
      `BackendOptions.environment ("${environment}") and stackName ("${stackName}") must be ` +
        "lowercase letters, digits and hyphens: they form the state key",
    );
  }
  if (offline || !state) {
    return new LocalBackend(stack, { path: localStatePath(stackName) });
  }

  const backend = new S3Backend(stack, {
    bucket: state.bucket,
    region: state.region,
    key: stateKey(environment, stackName),
    encrypt: true,
    dynamodbTable: state.dynamodbTable,
    kmsKeyId: state.kmsKeyId,
  });
  // S3-native locking (Terraform 1.10+). cdktf 0.21's S3BackendConfig has no field for it, and an
  // override on the stack keeps it out of the `terraform_remote_state` sources that other stacks
  // derive from this backend's props (they only read state, so they take no lock).
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
  return backend;
}
