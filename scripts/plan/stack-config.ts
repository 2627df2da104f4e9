/** What the plan summary reads from a stack's synthesized `cdk.tf.json`. */
import * as fs from "fs";
import * as path from "path";
import { displayLine, displayName } from "../../constructs/shared/validation/display";
import { readBoundedFile } from "../lib/bounded-file";
import { NO_REFERENCES, referencesFromSynth, type StackReferences } from "./cross-stack";

interface ResourceJson {
  readonly "//"?: { readonly metadata?: { readonly path?: string } };
  readonly lifecycle?: { readonly prevent_destroy?: unknown };
  readonly provisioner?: readonly Readonly<Record<string, { readonly when?: unknown }>>[];
}

interface TerraformJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, ResourceJson>>>>;
  readonly terraform?: { readonly backend?: { readonly s3?: { readonly bucket?: string } } };
}

export interface StackConfig {
  /** Addresses (`aws_s3_bucket.state-bucket`) of resources with `lifecycle.prevent_destroy = true`. */
  readonly preventDestroy: readonly string[];
  /** Construct path of each resource address: `aws_vpc.vpc_6776A399` → `dev-infra/vpc/vpc`. */
  readonly constructPaths: Readonly<Record<string, string>>;
  /** Other stacks' outputs each resource reads, and the resources it reads (cross-stack effects). */
  readonly references?: StackReferences;
  /**
   * Addresses of resources with a destroy-time provisioner: replacing one runs that step. Unknown
   * (undefined) without the synthesized configuration.
   */
  readonly destroyTimeSteps?: readonly string[];
}

export const EMPTY_STACK_CONFIG: StackConfig = {
  preventDestroy: [],
  constructPaths: {},
  references: NO_REFERENCES,
};

function resources(config: unknown): [address: string, body: ResourceJson][] {
  return Object.entries((config as TerraformJson).resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, body]): [string, ResourceJson] => [`${type}.${name}`, body]),
  );
}

export function stackConfig(config: unknown): StackConfig {
  const all = resources(config);
  return {
    preventDestroy: all
      .filter(([, body]) => body.lifecycle?.prevent_destroy === true)
      .map(([address]) => address),
    constructPaths: Object.fromEntries(
      all.flatMap(([address, body]) => {
        const constructPath = body["//"]?.metadata?.path;
        return constructPath ? [[address, constructPath]] : [];
      }),
    ),
    references: referencesFromSynth(config),
    destroyTimeSteps: all
      .filter(([, body]) =>
        (body.provisioner ?? []).some((p) => Object.values(p).some((v) => v.when === "destroy")),
      )
      .map(([address]) => address),
  };
}

/** The most of a stack's cdk.tf.json read (the shipped stacks are a few megabytes at most). */
const MAX_STACK_BYTES = 256 * 1024 * 1024;

export function readStackConfig(file: string): StackConfig {
  return fromStackFile(file, stackConfig);
}

/** `read` of a stack's parsed cdk.tf.json; a file that is not one fails naming the file. */
export function fromStackFile<T>(file: string, read: (config: unknown) => T): T {
  // A file that cannot be read says so itself (named, with why); one that can is checked here.
  const text = readBoundedFile(file, MAX_STACK_BYTES, "stack");
  try {
    return read(JSON.parse(text));
  } catch (error) {
    throw new Error(
      `${displayName(file)}: not a synthesized stack (${displayLine((error as Error).message, 200)}); synthesize again (npm run synth)`,
    );
  }
}

/**
 * The stack as configured on the base branch too: a resource the change removes keeps its
 * construct path and its protection, so deleting it together with its `prevent_destroy` is still
 * caught. The current configuration wins where both name an address.
 */
export function withBaseline(current: StackConfig, baseline: StackConfig): StackConfig {
  return {
    preventDestroy: [...new Set([...current.preventDestroy, ...baseline.preventDestroy])],
    constructPaths: { ...baseline.constructPaths, ...current.constructPaths },
    references: current.references,
    destroyTimeSteps: current.destroyTimeSteps,
  };
}

/** The stack in a baseline synth output; empty when the stack is new there. */
export function baselineStackConfig(baselineOutdir: string, stack: string): StackConfig {
  const file = path.join(baselineOutdir, "stacks", stack, "cdk.tf.json");
  return fs.existsSync(file) ? readStackConfig(file) : EMPTY_STACK_CONFIG;
}

/** The bucket of the stack's S3 backend: a bucket holding Terraform state. */
export function stateBucketOf(config: unknown): string | undefined {
  return (config as TerraformJson).terraform?.backend?.s3?.bucket;
}
