/**
 * Plan JSON of the shipped platform stacks' `helm_release`s, as `terraform show -json` gives it
 * with terraform-provider-helm v3.1.1: each release's state attributes from the synthesized
 * configuration (cross-stack references resolved to plausible values), and, optionally, the
 * `manifest` attribute the provider's `experiments { manifest = true }` adds (helm/manifest_json.go:
 * a JSON object from `[<namespace>/]<kind.group>/<apiVersion>/<name>` to each rendered object).
 * The helm provider is not in the offline mirror, so these plans are built, not run.
 */
import type { ResourceChangeJson, TerraformPlanJson } from "../../scripts/plan/plan-json";
import { stackConfig, type StackConfig } from "../../scripts/plan/stack-config";
import type { StackPlanInput } from "../../scripts/plan/summary";
import { shippedEnvironmentFiles } from "../../stacks/environments";
import { stackJson, synthEnvironments } from "../support/app";

/** Plausible values of the infra outputs a platform stack reads. */
const OUTPUT_VALUES: readonly [RegExp, string][] = [
  [/endpoint$/, "https://0123456789ABCDEF.gr7.ap-northeast-2.eks.amazonaws.com"],
  [/name$/, "dev-platform"],
  [/arn$/, "arn:aws:kms:ap-northeast-2:111111111111:key/0a1b2c3d-0000-4000-8000-000000000001"],
  [/version$/, "1.34"],
  [/data$/, "LS0tLS1CRUdJTi"],
];

function resolveOutputs(text: string): string {
  return text.replace(
    /\$\{data\.terraform_remote_state\.[\w-]+\.outputs\.([\w-]+)\}/g,
    (_, output: string) => {
      const found = OUTPUT_VALUES.find(([pattern]) => pattern.test(output));
      if (!found) throw new Error(`no fixture value for output ${output}`);
      return found[1];
    },
  );
}

/** CRDs as the ingress CRD release's `helm_template` documents hold them (YAML text). */
export const INGRESS_CRDS = [
  ["VirtualServer", "virtualservers"],
  ["TransportServer", "transportservers"],
  ["Policy", "policies"],
].map(([kind, plural]) =>
  [
    "apiVersion: apiextensions.k8s.io/v1",
    "kind: CustomResourceDefinition",
    "metadata:",
    `  name: ${plural}.k8s.nginx.org`,
    "spec:",
    "  group: k8s.nginx.org",
    `  names: { kind: ${kind}, plural: ${plural} }`,
    "  scope: Namespaced",
  ].join("\n"),
);

export type Release = Record<string, unknown>;

export interface PlatformFixture {
  readonly stack: string;
  readonly config: StackConfig;
  /** Every `helm_release` by construct path, as its state holds it (values resolved). */
  readonly releases: ReadonlyMap<string, { readonly address: string; readonly state: Release }>;
}

let shipped: string | undefined;

/** The shipped dev and onprem environments, synthesized once per test file. */
export function shippedOutdir(): string {
  shipped ??= synthEnvironments(
    shippedEnvironmentFiles()
      .filter((f) => ["dev", "onprem"].includes(f.environment.name))
      .map((f) => f.input),
    { offline: true },
  ).outdir;
  return shipped;
}

/** A platform stack's releases as the state of a deployed cluster holds them. */
export function platformFixture(stack: string): PlatformFixture {
  const json = stackJson(shippedOutdir(), stack);
  const config = stackConfig(json);
  const releases = new Map<string, { address: string; state: Release }>();
  const bodies = ((json.resource as Record<string, Record<string, Release>>).helm_release ??
    {}) as Record<string, Release>;
  for (const [id, body] of Object.entries(bodies)) {
    const address = `helm_release.${id}`;
    const values = ((body.values as string[] | undefined) ?? []).map((v) =>
      v.includes("data.helm_template")
        ? JSON.stringify({ documents: INGRESS_CRDS })
        : resolveOutputs(v),
    );
    releases.set(config.constructPaths[address], {
      address,
      state: {
        atomic: body.atomic ?? false,
        chart: body.chart,
        create_namespace: body.create_namespace ?? false,
        id: body.name,
        manifest: null,
        max_history: body.max_history ?? 0,
        metadata: {
          name: body.name,
          namespace: body.namespace,
          revision: 3,
          version: body.version ?? "1.1.0",
        },
        name: body.name,
        namespace: body.namespace,
        repository: body.repository ?? null,
        resources: null,
        status: "deployed",
        values,
        version: body.version ?? "1.1.0",
        wait: body.wait ?? true,
      },
    });
  }
  return { stack, config, releases };
}

/** The provider's `manifest` attribute for rendered `objects`. */
export function manifestAttribute(objects: readonly Record<string, unknown>[]): string {
  const entries = objects.map((o) => {
    const apiVersion = String(o.apiVersion);
    const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.lastIndexOf("/")) : "";
    const kind = String(o.kind).toLowerCase() + (group ? `.${group}` : "");
    const { name, namespace } = o.metadata as { name: string; namespace?: string };
    const key = `${namespace ? `${namespace}/` : ""}${kind}/${apiVersion}/${name}`;
    return [key, o] as const;
  });
  return JSON.stringify(Object.fromEntries(entries));
}

/** The values document of a release, parsed (every shipped release has one JSON document). */
export function valuesOf(release: Release): Record<string, unknown> {
  const [document] = release.values as string[];
  return JSON.parse(document) as Record<string, unknown>;
}

/** The release with `values` as its one document. */
export const withValues = (release: Release, values: unknown): Release => ({
  ...release,
  values: [JSON.stringify(values)],
});

export function releaseChange(
  address: string,
  actions: string[],
  before: Release | null,
  after: Release | null,
  afterUnknown: Record<string, unknown> = {},
): ResourceChangeJson {
  const [type, name] = address.split(".");
  return {
    address,
    type,
    name,
    mode: "managed",
    change: {
      actions,
      before,
      after,
      // Terraform marks metadata unknown whenever a release is upgraded.
      after_unknown: after ? { metadata: true, ...afterUnknown } : {},
      before_sensitive: before ? { metadata: {}, values: [] } : false,
      after_sensitive: after ? { values: [] } : false,
    },
  } as ResourceChangeJson;
}

/** A plan of `fixture`'s stack, made against its deployed state. */
export function platformPlan(changes: readonly ResourceChangeJson[]): TerraformPlanJson {
  return {
    resource_changes: changes,
    prior_state: { values: { root_module: { resources: [{ address: "helm_release.x" }] } } },
  };
}

export function plannedInput(fixture: PlatformFixture, plan: TerraformPlanJson): StackPlanInput {
  return {
    name: fixture.stack,
    status: "planned",
    dependencies: [],
    config: fixture.config,
    planJson: plan,
  };
}

interface InfraOutputs {
  readonly output: Record<string, { value: string; sensitive?: boolean }>;
}

/** dev-infra's plan against its deployed state, changing one attribute of the cluster. */
export function infraPlan(
  attribute: string,
  before: string,
  after: string | undefined,
): StackPlanInput {
  const json = stackJson(shippedOutdir(), "dev-infra");
  const config = stackConfig(json);
  const [cluster] = Object.keys(config.constructPaths).filter((a) =>
    a.startsWith("aws_eks_cluster."),
  );
  const outputs = (json as unknown as InfraOutputs).output;
  const [output] = Object.entries(outputs).find(
    ([name, o]) =>
      name.startsWith("cross-stack-output-") && o.value === `\${${cluster}.${attribute}}`,
  ) ?? [undefined];
  if (!output) throw new Error(`no cross-stack output of ${cluster}.${attribute}`);
  const plan: TerraformPlanJson = {
    resource_changes: [
      {
        address: cluster,
        type: "aws_eks_cluster",
        name: cluster.split(".")[1],
        change: {
          actions: ["update"],
          before: { [attribute]: before, name: "dev-platform" },
          after:
            after === undefined
              ? { name: "dev-platform" }
              : { [attribute]: after, name: "dev-platform" },
          after_unknown: after === undefined ? { [attribute]: true } : {},
          before_sensitive: {},
          after_sensitive: {},
        },
      },
    ],
    output_changes: {
      [output]: {
        actions: ["update"],
        before,
        after: after ?? null,
        after_unknown: after === undefined,
        before_sensitive: true,
        after_sensitive: true,
      },
      cluster_name: { actions: ["no-op"], before: "dev-platform", after: "dev-platform" },
    },
    prior_state: { values: { root_module: { resources: [{ address: cluster }] } } },
    configuration: {
      root_module: {
        outputs: Object.fromEntries(
          Object.entries(outputs).map(([name, o]) => {
            const reference = o.value.slice(2, -1);
            const [type, resource] = reference.split(".");
            return [
              name,
              {
                sensitive: o.sensitive,
                expression: { references: [reference, `${type}.${resource}`] },
              },
            ];
          }),
        ),
      },
    },
  };
  return { name: "dev-infra", status: "planned", dependencies: [], config, planJson: plan };
}

export const platform = (overrides: Partial<StackPlanInput> = {}): StackPlanInput => ({
  name: "dev-platform",
  status: "planned",
  dependencies: ["dev-infra"],
  config: stackConfig(stackJson(shippedOutdir(), "dev-platform")),
  planJson: {
    resource_changes: [],
    prior_state: { values: { root_module: { resources: [{ address: "helm_release.x" }] } } },
  },
  ...overrides,
});
