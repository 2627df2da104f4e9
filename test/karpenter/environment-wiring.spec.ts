import { Testing } from "cdktf";
import { VERSIONS } from "../../constructs/versions";
import { buildApp } from "../../stacks/app";
import { parseEnvironment } from "../../stacks/environment/validate";
import type { EnvironmentInput } from "../../stacks/environment/schema";
import type { EC2NodeClassManifest, NodePoolManifest } from "../../constructs/karpenter";
import { HelmRelease, SynthJson, policyJson, resourcesOf, synthStack } from "../support/synth";
import { findEnvironmentFile } from "../../stacks/environments";

const dev = findEnvironmentFile("dev").input;

type EksInput = Extract<EnvironmentInput, { platform: "eks" }>;

function eksDev(): EksInput {
  if (dev.platform !== "eks") throw new Error("dev is expected to be an EKS environment");
  return dev;
}

/** dev's stacks, synthesized from an environment that sets Karpenter's options. */
function devStacks(karpenter: Partial<EksInput["karpenter"]>, kubernetesVersion: string) {
  const env = parseEnvironment({
    ...eksDev(),
    kubernetesVersion,
    karpenter: { ...eksDev().karpenter, ...karpenter },
  });
  const built = buildApp(Testing.app(), [env], { offline: true }).get("dev")!;
  return { infra: synthStack(built.infra!), platform: synthStack(built.platform) };
}

function release(json: SynthJson, name: string): Record<string, unknown> {
  const found = Object.values(resourcesOf<HelmRelease>(json, "helm_release")).find(
    (r) => r.name === name,
  );
  if (!found) throw new Error(`no release ${name}`);
  return JSON.parse(found.values[0]) as Record<string, unknown>;
}

function controllerSids(infra: SynthJson): string[] {
  const policy = Object.values(resourcesOf(infra, "aws_iam_role_policy")).find(
    (p) => p.name === "karpenter-controller",
  )!;
  return policyJson<{ Statement: { Sid: string }[] }>(policy.policy).Statement.map((s) => s.Sid);
}

type Manifest = EC2NodeClassManifest | NodePoolManifest;

function manifestsOf(platform: SynthJson) {
  const manifests = release(platform, "karpenter-node-pools").manifests as Manifest[];
  return {
    nodeClass: manifests.find((m): m is EC2NodeClassManifest => m.kind === "EC2NodeClass")!,
    nodePool: manifests.find((m): m is NodePoolManifest => m.kind === "NodePool")!,
  };
}

describe("an environment's Karpenter options reach both stacks", () => {
  test("zonal shift turns on the chart setting and grants its permission together", () => {
    for (const enableZonalShift of [false, true]) {
      const { infra, platform } = devStacks({ enableZonalShift }, "1.35");
      const settings = release(platform, "karpenter").settings as Record<string, unknown>;
      expect(settings.enableZonalShift).toBe(enableZonalShift);
      expect(controllerSids(infra).includes("AllowZonalShiftStatusReadOnly")).toBe(
        enableZonalShift,
      );
    }
  });

  test("a 1.35 cluster's nodes get the AMI release pinned for 1.35", () => {
    const { platform } = devStacks({}, "1.35");
    expect(manifestsOf(platform).nodeClass.spec.amiSelectorTerms).toEqual([
      { alias: `al2023@${VERSIONS.al2023Ami["1.35"]}` },
    ]);
  });

  test("node pools carry their termination grace period", () => {
    const pools = [{ ...eksDev().karpenter.nodePools[0], terminationGracePeriod: "6h" }];
    const { platform } = devStacks({ nodePools: pools }, "1.35");
    expect(manifestsOf(platform).nodePool.spec.template.spec.terminationGracePeriod).toBe("6h");
  });
});
