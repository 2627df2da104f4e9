// @kubernetes/client-node 1.x ships ESM only ("type": "module", no `require` export), so neither
// tsx in CommonJS mode, jest nor a CommonJS caller can load it; 2.x also needs Node 22 (its
// undici 8 does). This bundles the classes the day-2 tools use into one CommonJS file, like
// scripts/build-karpenter-models.mjs. It runs from the `prepare` script (every `npm ci`).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

await build({
  stdin: {
    contents:
      "export { ApiException, AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } " +
      'from "@kubernetes/client-node";',
    resolveDir: fileURLToPath(new URL("../../..", import.meta.url)),
  },
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // Not minified: a stack trace from inside the client stays readable.
  minify: false,
  legalComments: "inline",
  outfile: fileURLToPath(new URL("./generated/kubernetes-client.cjs", import.meta.url)),
  logLevel: "warning",
});
