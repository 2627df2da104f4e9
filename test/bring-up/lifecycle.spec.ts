/**
 * Day 2 to N for every shipped environment, walked over the synthesized stacks by the lifecycle
 * model (test/support/lifecycle.ts): a change either applies in the documented order without
 * breaking anything, or a plan refuses it and the documented path (docs/operations.md) does.
 */
import { nextKubernetesVersion } from "../../constructs/kubernetes-support";
import { deploySequence } from "../../stacks/app";
import { parseEnvironments } from "../../stacks/environment/validate";
import type { Environment } from "../../stacks/environment/schema";
import { shippedEnvironmentFiles } from "../../stacks/environments";
import { PodNetworkMode, podNetworkTraits } from "../../constructs/shared/pod-network";
import { stackJson, synthEnvironments } from "../support/app";
import { bringUpTraits } from "../support/bring-up";
import { Configuration, Operation, WalkResult, walk } from "../support/lifecycle";
import { variant } from "../support/variant";

function configuration(label: string, input: unknown): Configuration {
  const [env] = parseEnvironments([input]);
  const { outdir } = synthEnvironments([input], { offline: false });
  return {
    label,
    mode: env.podNetwork.mode,
    traits: bringUpTraits(env),
    stacks: deploySequence(env).map((stack) => ({ stack, json: stackJson(outdir, stack) })),
  };
}

/** The configuration with every `prevent_destroy` lifted, as the reviewed change that does it. */
function unprotected(config: Configuration): Configuration {
  const lift = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(lift);
    if (!value || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== "prevent_destroy")
        .map(([k, v]) => [k, lift(v)]),
    );
  };
  return {
    ...config,
    label: `${config.label} unprotected`,
    stacks: config.stacks.map((s) => ({ ...s, json: lift(s.json) as Record<string, unknown> })),
  };
}

/**
 * Namespaces the previous release had Helm create (`create_namespace` on Calico's and the ingress
 * controller's releases) before the stacks created them with Pod Security labels. MetalLB's was a
 * namespace resource already.
 */
const HELM_CREATED_BEFORE = new Set(["tigera-operator", "nginx-ingress", "ingress-nginx"]);

type Json = Record<string, Record<string, Record<string, Record<string, unknown>>>>;

/** A stack's configuration without import blocks (and the data source their conditions read). */
function withoutImports(json: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(json) as Json;
  delete copy.import;
  delete copy.data?.kubernetes_all_namespaces;
  return copy;
}

/** The configuration as the previous release synthesized it: Helm creates those namespaces. */
function previousRelease(config: Configuration): Configuration {
  const previous = (json: Record<string, unknown>) => {
    const copy = withoutImports(json) as Json;
    const namespaces = copy.resource?.kubernetes_namespace_v1 ?? {};
    for (const [id, body] of Object.entries(namespaces)) {
      const name = (body.metadata as { name: string }).name;
      if (HELM_CREATED_BEFORE.has(name)) delete namespaces[id];
    }
    for (const release of Object.values(copy.resource?.helm_release ?? {})) {
      if (HELM_CREATED_BEFORE.has(String(release.namespace))) release.create_namespace = true;
    }
    return copy;
  };
  return {
    ...config,
    label: `${config.label}, previous release`,
    stacks: config.stacks.map((s) => ({ ...s, json: previous(s.json) })),
  };
}

/** Another mode of the same encapsulation, and one of the other encapsulation. */
const WITHIN_FAMILY: Partial<Record<PodNetworkMode, PodNetworkMode>> = {
  ipip: "ipip-cross-subnet",
  "ipip-cross-subnet": "ipip",
  vxlan: "vxlan-cross-subnet",
  "vxlan-cross-subnet": "vxlan",
};
const ACROSS_FAMILY: Partial<Record<PodNetworkMode, PodNetworkMode>> = {
  ipip: "vxlan",
  "ipip-cross-subnet": "vxlan-cross-subnet",
  vxlan: "ipip",
  "vxlan-cross-subnet": "ipip-cross-subnet",
  direct: "vxlan",
};

const shipped = shippedEnvironmentFiles().map((f) => f.input as Record<string, unknown>);
const environments = parseEnvironments(shipped);

interface Fixture {
  readonly env: Environment;
  readonly input: Record<string, unknown>;
  readonly base: Configuration;
}

const fixtures = new Map<string, Fixture>();
beforeAll(() => {
  environments.forEach((env, i) => {
    fixtures.set(env.name, {
      env,
      input: shipped[i],
      base: configuration(env.name, shipped[i]),
    });
  });
}, 120_000);

const fixture = (name: string) => fixtures.get(name)!;
const destroyAll = (env: Environment): Operation => ({
  destroy: [...deploySequence(env)].reverse(),
});
const platformOnly = (env: Environment): Operation => ({ destroy: [`${env.name}-platform`] });
const CLEAN: WalkResult = { refused: [], violations: [] };

const names = environments.map((e) => e.name);
const eksNames = environments.filter((e) => e.platform === "eks").map((e) => e.name);
const modeChanges = environments.flatMap((env) =>
  [WITHIN_FAMILY[env.podNetwork.mode], ACROSS_FAMILY[env.podNetwork.mode]]
    .filter((to): to is PodNetworkMode => to !== undefined)
    .map((to) => [env.name, env.podNetwork.mode, to] as const),
);

describe("the lifecycle of every shipped environment, in the documented order", () => {
  it.each(modeChanges)(
    "%s: pod network %s → %s applies, or is refused and the migration in two changes does",
    (name, from, to) => {
      const { env, input, base } = fixture(name);
      const target = variant(input, { podNetwork: { mode: to } });
      const changed = configuration(`${name} with ${to}`, target);
      const direct = walk(base, [{ deploy: changed }]);
      expect(direct.violations).toEqual([]);
      if (direct.refused.length === 0) return;
      expect(direct.refused).toEqual([expect.stringMatching(/removes ports it uses/)]);
      // The refusal is needed: without it the change cuts traffic.
      expect(walk(base, [{ deploy: changed }], { guards: false }).violations).not.toEqual([]);
      const migrating = configuration(
        `${name} migrating from ${from} to ${to}`,
        variant(target, { podNetwork: { migratingFrom: env.podNetwork.mode } }),
      );
      expect(walk(base, [{ deploy: migrating }, { deploy: changed }])).toEqual(CLEAN);
    },
  );

  it.each(eksNames)("%s: a Kubernetes minor upgrade applies", (name) => {
    // From the shipped version to the next: the version before it is past EKS standard support,
    // which synth refuses (docs/versions.md).
    const { env, input, base } = fixture(name);
    const next = nextKubernetesVersion(env.kubernetesVersion)!;
    const newer = configuration(`${name} on ${next}`, variant(input, { kubernetesVersion: next }));
    expect(walk(base, [{ deploy: newer }])).toEqual(CLEAN);
  });

  it.each(eksNames)("%s: replacing the system node group applies", (name) => {
    const { input, base } = fixture(name);
    const larger = configuration(
      `${name} on m6i.xlarge`,
      variant(input, { cluster: { systemNodeGroup: { instanceTypes: ["m6i.xlarge"] } } }),
    );
    expect(walk(base, [{ deploy: larger }])).toEqual(CLEAN);
  });

  it.each(eksNames)(
    "%s: a change that replaces the cluster is refused; destroying the platform first works",
    (name) => {
      const { env, input, base } = fixture(name);
      const replaced = configuration(
        `${name} with another service range`,
        variant(input, { serviceCidr: "172.21.0.0/16" }),
      );
      const direct = walk(base, [{ deploy: replaced }]);
      expect(direct.violations).toEqual([]);
      expect(direct.refused).toContainEqual(expect.stringMatching(/replaces the cluster/));
      const unguarded = walk(unprotected(base), [{ deploy: unprotected(replaced) }], {
        guards: false,
      });
      expect(unguarded.violations).not.toEqual([]);
      // With the VPC CNI the system node group is in the infra stack and makes the replacement
      // create-before-destroy: the new cluster needs a new name. Protected resources (prod's
      // cluster, the F5 CRD release outside dev) first need the reviewed change that lifts their
      // prevent_destroy.
      const target =
        podNetworkTraits(env.podNetwork.mode).cni === "aws-vpc-cni"
          ? configuration(
              `${name} with another service range and cluster name`,
              variant(input, {
                serviceCidr: "172.21.0.0/16",
                cluster: { name: `${(input.cluster as { name: string }).name}-b` },
              }),
            )
          : replaced;
      expect(
        walk(base, [
          { deploy: unprotected(base) },
          platformOnly(env),
          { deploy: unprotected(target) },
        ]),
      ).toEqual(CLEAN);
    },
  );

  it.each(names)(
    "%s: the upgrade from the previous release adopts the namespaces Helm created",
    (name) => {
      const { base } = fixture(name);
      const previous = previousRelease(base);
      expect(walk(previous, [{ deploy: base }])).toEqual(CLEAN);
      // The adoption is needed: without it, creating those namespaces fails.
      const unadopted = {
        ...base,
        stacks: base.stacks.map((s) => ({ ...s, json: withoutImports(s.json) })),
      };
      const failed = walk(previous, [{ deploy: unadopted }]);
      expect(failed.violations).not.toEqual([]);
      expect(failed.violations).toEqual(
        failed.violations.map(() => expect.stringMatching(/already exists$/)),
      );
      // The import blocks stay: the next deploy, with the namespaces in the state, is clean too.
      expect(walk(previous, [{ deploy: base }, { deploy: base }])).toEqual(CLEAN);
    },
  );

  it.each(names)("%s: destroy completes in reverse order (protection lifted first)", (name) => {
    const { env, base } = fixture(name);
    const direct = walk(base, [destroyAll(env)]);
    expect(direct.violations).toEqual([]);
    if (direct.refused.length === 0) return;
    expect(direct.refused).toEqual(
      direct.refused.map(() => expect.stringMatching(/has prevent_destroy$/)),
    );
    const lifted = unprotected(base);
    expect(walk(base, [{ deploy: lifted }, destroyAll(env)])).toEqual(CLEAN);
  });
});
