// @kubernetes-models/karpenter ships ESM only, with an `exports` map that has no `require`
// condition, so neither tsx (CommonJS mode), jest nor a CommonJS consumer can load it. This
// bundles the two models the toolkit validates with into one self-contained CommonJS file, which
// constructs/karpenter/models loads on first use. Run as a script (the `prepare` step of every
// `npm ci` / `npm install`) it writes the source tree's copy; `npm run build` (scripts/build.mjs)
// writes lib/'s, so the package needs no @kubernetes-models dependency.
import { build } from "esbuild";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Relative to the compiled or source `constructs/` directory. */
export const KARPENTER_MODELS_BUNDLE = "karpenter/models/generated/karpenter-models.cjs";

export async function bundleKarpenterModels(outfile) {
  await build({
    stdin: {
      contents: [
        'export { NodePool } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePool";',
        'export { EC2NodeClass } from "@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass";',
      ].join("\n"),
      resolveDir: ROOT,
    },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    minify: true,
    legalComments: "inline",
    outfile,
    logLevel: "warning",
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bundleKarpenterModels(`${ROOT}constructs/${KARPENTER_MODELS_BUNDLE}`);
}
