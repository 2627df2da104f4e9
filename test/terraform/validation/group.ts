/**
 * The groups of stacks that `validate.test.ts` validates in one Terraform run: each Terraform
 * command starts the aws provider and decodes its schema (about 3.5 CPU seconds) whatever it
 * validates, so the option matrix, the token cases, the backend pair, the platform stacks' aws
 * parts, the HCL exit and `validateTogether`'s own cases share one `terraform validate`.
 */
import * as path from "path";
import { TerraformStack } from "cdktf";
import { scratchDir } from "../../support/scratch";
import { type Validation, errorsOf, synthStackDir } from "../support";

export interface ValidationGroup {
  /**
   * Synthesizes the group's stacks, in the suite's `beforeAll`, and returns their directories.
   * Work in a child process runs while the other groups synthesize.
   */
  readonly synth: () => Promise<readonly string[]>;
  /**
   * Registers the group's `describe` block. In its tests `validations()` gives one validation per
   * directory `synth` returned, in that order (and throws what `synth` threw, if it did).
   */
  readonly describe: (validations: () => readonly Validation[]) => void;
}

/** The assertion of every "validates" test: no errors, listed so a failure reads well. */
export function expectValid(validation: Validation): void {
  expect(errorsOf(validation)).toEqual([]);
  expect(validation.valid).toBe(true);
}

export type Json = { resource: Record<string, Record<string, Record<string, unknown>>> };

/** Cases of a construct, each a function that adds it to a stack, by case name. */
export type Cases<Name extends string> = Readonly<Record<Name, (stack: TerraformStack) => void>>;

/** Each case's stack directory and synthesized JSON. */
export type SynthesizedCases<Name extends string> = ReadonlyMap<Name, { dir: string; json: Json }>;

/** Synthesizes each case into a stack of its own (`synthStackDir`) under a fresh folder. */
export function synthCases<Name extends string>(
  prefix: string,
  cases: Cases<Name>,
): SynthesizedCases<Name> {
  const root = scratchDir(prefix);
  return new Map(
    (Object.keys(cases) as Name[]).map((name) => {
      const { dir, json } = synthStackDir(path.join(root, name), name, cases[name]);
      return [name, { dir, json: json as Json }] as const;
    }),
  );
}

/** A construct's cases, each expected to validate: "<case>: terraform validate passes". */
export function caseGroup<Name extends string>(
  title: string,
  prefix: string,
  cases: Cases<Name>,
): ValidationGroup {
  const names = Object.keys(cases) as Name[];
  return {
    synth: async () => [...synthCases(prefix, cases).values()].map((c) => c.dir),
    describe: (validations) =>
      describe(title, () => {
        it.each(names.map((name, i) => [name, i] as const))(
          "%s: terraform validate passes",
          (_name, i) => expectValid(validations()[i]),
        );
      }),
  };
}
