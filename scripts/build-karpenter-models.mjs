// @kubernetes-models/karpenter ships ESM only, with an `exports` map that has no `require`
// condition, so neither tsx (CommonJS mode), jest nor a CommonJS consumer can load it. This
// bundles the two models the toolkit validates with into one CommonJS file. It runs from the
// `prepare` script (every `npm ci` / `npm install`, and before packing the library).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const outfile = fileURLToPath(
  new URL("../constructs/karpenter/models/generated/karpenter-models.cjs", import.meta.url),
);

await build({
  stdin: {
    contents: [
      'export { NodePool } from "@kubernetes-models/karpenter/karpenter.sh/v1/NodePool";',
      'export { EC2NodeClass } from "@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass";',
    ].join("\n"),
    resolveDir: fileURLToPath(new URL("..", import.meta.url)),
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
