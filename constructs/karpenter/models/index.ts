/**
 * Typed, validating Karpenter v1 models from `@kubernetes-models/karpenter`, loaded from the
 * CommonJS bundle that `npm run prepare` builds (see scripts/build-karpenter-models.mjs for why).
 */
import type { NodePool as NodePoolModel } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePool" with { "resolution-mode": "import" };
import type { EC2NodeClass as EC2NodeClassModel } from "@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass" with { "resolution-mode": "import" };

export type { INodePool } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePool" with { "resolution-mode": "import" };
export type { IEC2NodeClass } from "@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass" with { "resolution-mode": "import" };

interface KarpenterModels {
  readonly NodePool: typeof NodePoolModel;
  readonly EC2NodeClass: typeof EC2NodeClassModel;
}

function load(): KarpenterModels {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("./generated/karpenter-models.cjs") as KarpenterModels;
  } catch (cause) {
    throw new Error(
      "Karpenter models are not built: run `npm install` (its prepare step builds " +
        "constructs/karpenter/models/generated/karpenter-models.cjs).",
      { cause },
    );
  }
}

export const { NodePool, EC2NodeClass } = load();
