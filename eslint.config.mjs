import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "cdktf.out/",
      "cdktf.out.offline/",
      "coverage/",
      "lib/",
      ".chart-cache/",
      "constructs/karpenter/models/generated/",
      "scripts/lib/cluster/generated/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      // Provider package roots cost seconds and ~0.5 GB to load (docs/benchmark.md): submodule paths only.
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@cdktf/provider-aws",
              message: "Import from @cdktf/provider-aws/lib/<resource>.",
            },
            {
              name: "@cdktf/provider-kubernetes",
              message: "Import from @cdktf/provider-kubernetes/lib/<resource>.",
            },
            {
              name: "@cdktf/provider-helm",
              message: "Import from @cdktf/provider-helm/lib/<resource>.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    languageOptions: {
      globals: {
        URL: "readonly",
        require: "readonly",
        module: "writable",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
      },
    },
  },
  {
    // Plain CommonJS (scripts/ts-app.cjs runs before any TypeScript can): require is its import.
    files: ["**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
