/**
 * The validating Karpenter v1 models of `@kubernetes-models/karpenter`, which ships ESM only. They
 * are bundled into one CommonJS file (scripts/build-karpenter-models.mjs): next to this module in
 * the source tree by `npm install`, and into lib/ by `npm run build`.
 */

/** A model instance: JSON-schema validation of the data it was built from, and that data back. */
export interface ValidatingModel {
  validate(): void;
  toJSON(): unknown;
}

/**
 * The bundle's exports. Construction takes any object here; `KarpenterNodePools` checks its
 * objects against the models' own input types at compile time.
 */
export interface KarpenterModels {
  readonly NodePool: new (data: object) => ValidatingModel;
  readonly EC2NodeClass: new (data: object) => ValidatingModel;
}

let loaded: KarpenterModels | undefined;

/**
 * Loads the bundle on first use, not at import: importing the library then has no cost and
 * cannot fail, and only `KarpenterNodePools` pays for the models (about 200 kB of schema code).
 */
export function karpenterModels(): KarpenterModels {
  if (!loaded) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require("./generated/karpenter-models.cjs") as KarpenterModels;
    } catch (cause) {
      // Only a source checkout can get here (lib/ always carries the bundle).
      throw new Error(
        "Karpenter models are not built: run `npm install` in this repository (its prepare step " +
          "builds constructs/karpenter/models/generated/karpenter-models.cjs)",
        { cause },
      );
    }
  }
  return loaded;
}
