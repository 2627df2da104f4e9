/**
 * What the batched Terraform suites (validate.test.ts, offline-plans.test.ts) share: several
 * groups of stacks go through one Terraform run in the suite's `beforeAll`, and each group's tests
 * read back only its own part of the result, or fail with what its synthesis threw.
 */

/** A group's part of the batch's result, or what its synthesis threw (which fails its tests only). */
export type Outcome<T> = { readonly value: T } | { readonly failed: unknown };

/**
 * Registers each group's `describe` block with a getter for its outcome, which `beforeAll` fills
 * in (`outcomes[i]` is group `i`'s); `done` says what the run did, for the error when it did not.
 */
export function describeGroups<T>(
  groups: readonly { readonly describe: (result: () => T) => void }[],
  outcomes: readonly Outcome<T>[],
  done: string,
): void {
  groups.forEach((group, i) =>
    group.describe(() => {
      const outcome = outcomes[i];
      if (!outcome) throw new Error(`the stacks were not ${done} (see beforeAll)`);
      if ("failed" in outcome) throw outcome.failed;
      return outcome.value;
    }),
  );
}
