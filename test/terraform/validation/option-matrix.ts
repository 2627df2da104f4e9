/**
 * Every option through Terraform: a covering matrix of environments (every pod network mode valid
 * on EKS with both Karpenter identities, each NAT mode, each endpoint setting, gateway and
 * interface VPC endpoints, each tier, both supported partitions) goes through the same path as the
 * shipped ones (`parseEnvironment`, `buildApp`, synth), and each `<env>-infra` stack through
 * `terraform validate` with the real aws provider. Validate checks what synth
 * cannot: that every expression parses and every attribute exists with the right type. That the
 * matrix covers every option is checked in option-matrix.spec.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { App } from "cdktf";
import { POD_NETWORK_MODES, podNetworkTraits } from "../../../constructs/shared/pod-network";
import { buildApp, stackNames } from "../../../stacks/app";
import { ENDPOINTS_REQUIRED_WITHOUT_NAT } from "../../../stacks/environment/checks";
import {
  eksEnvironmentSchema,
  type EksEnvironment,
  type EnvironmentInput,
} from "../../../stacks/environment/schema";
import { parseEnvironment } from "../../../stacks/environment/validate";
import { scratchDir } from "../../support/scratch";
import { type Json, type ValidationGroup, expectValid } from "./group";

/** Options as the schema defines them, so a new value shows up as a coverage failure. */
export const IDENTITIES =
  eksEnvironmentSchema.shape.karpenter.shape.identity.removeDefault().options;
export const NAT_MODES = eksEnvironmentSchema.shape.aws.shape.nat.options;
export const TIERS = eksEnvironmentSchema.shape.tier.options;
/** `direct` needs one L2 subnet; EKS nodes span a subnet per zone, so the schema rejects it. */
export const EKS_MODES = POD_NETWORK_MODES.filter(
  (mode) => !podNetworkTraits(mode).singleSubnetOnly,
);

type Mode = (typeof EKS_MODES)[number];
type Identity = (typeof IDENTITIES)[number];
type Nat = (typeof NAT_MODES)[number];
type Tier = (typeof TIERS)[number];
type EndpointSetting = "private" | "public-allowlist" | "public-open";

interface Case {
  readonly mode: Mode;
  readonly identity: Identity;
  readonly nat: Nat;
  readonly endpoint: EndpointSetting;
  readonly vpcEndpoints: readonly string[];
  readonly tier: Tier;
  readonly region: string;
}

export const SEOUL = "ap-northeast-2";
export const GOVCLOUD = "us-gov-west-1";
/** Gateway (s3, dynamodb) and interface endpoints: everything nodes need without NAT. */
const ALL_ENDPOINTS = [...ENDPOINTS_REQUIRED_WITHOUT_NAT, "dynamodb"];

// Mode × identity in full; NAT, endpoint setting, VPC endpoints, tier and partition rotate so
// each value appears at least once (an open public endpoint only outside prod, NAT "none" only
// with the endpoints nodes need).
export const CASES: readonly Case[] = [
  ["ipip", "pod-identity", "single", "public-allowlist", ["s3"], "dev", SEOUL],
  ["ipip", "irsa", "per-zone", "private", [], "prod", SEOUL],
  ["ipip-cross-subnet", "pod-identity", "none", "private", ALL_ENDPOINTS, "staging", SEOUL],
  ["ipip-cross-subnet", "irsa", "single", "public-open", [], "dev", SEOUL],
  ["vxlan", "pod-identity", "per-zone", "public-allowlist", ["s3", "ecr.api"], "staging", SEOUL],
  ["vxlan", "irsa", "none", "public-allowlist", ENDPOINTS_REQUIRED_WITHOUT_NAT, "prod", SEOUL],
  ["vxlan-cross-subnet", "pod-identity", "single", "public-open", ["s3", "sts"], "dev", GOVCLOUD],
  ["vxlan-cross-subnet", "irsa", "per-zone", "private", [], "staging", SEOUL],
  ["policy-only", "pod-identity", "per-zone", "private", ["s3", "ecr.api", "sqs"], "prod", SEOUL],
  ["policy-only", "irsa", "none", "public-open", ALL_ENDPOINTS, "dev", SEOUL],
].map(([mode, identity, nat, endpoint, vpcEndpoints, tier, region]) => ({
  mode: mode as Mode,
  identity: identity as Identity,
  nat: nat as Nat,
  endpoint: endpoint as EndpointSetting,
  vpcEndpoints: vpcEndpoints as readonly string[],
  tier: tier as Tier,
  region: region as string,
}));

export const ENDPOINT_SETTINGS: Record<
  EndpointSetting,
  { public: boolean; publicAccessCidrs?: string[] }
> = {
  private: { public: false },
  "public-allowlist": { public: true, publicAccessCidrs: ["203.0.113.0/24"] },
  "public-open": { public: true },
};

const caseName = (i: number) => `opt-${String(i + 1).padStart(2, "0")}`;

export function environmentInput(c: Case, i: number): EnvironmentInput {
  const name = caseName(i);
  const partition = c.region === GOVCLOUD ? "aws-us-gov" : "aws";
  const admin = `arn:${partition}:iam::111111111111:role/platform-admin`;
  // Three zones where NAT is per zone, so several gateways are planned; two elsewhere.
  const zones = (c.nat === "per-zone" ? ["a", "b", "c"] : ["a", "b"]).map((z) => c.region + z);
  return {
    platform: "eks",
    name,
    tier: c.tier,
    owner: "platform-team",
    kubernetesVersion: "1.35",
    podNetwork: { mode: c.mode },
    aws: {
      accountId: "111111111111",
      region: c.region,
      zones,
      vpcCidr: "10.40.0.0/16",
      nat: c.nat,
      vpcEndpoints: [...c.vpcEndpoints],
    },
    cluster: { name: `${name}-platform`, endpoint: ENDPOINT_SETTINGS[c.endpoint], admins: [admin] },
    kms: { administrators: [admin] },
    karpenter: {
      identity: c.identity,
      nodePools: [{ name: "general", limits: { cpu: 16, memoryGi: 64 } }],
    },
    ingress: { exposure: { type: "nlb" } },
    // Runners inside the cluster's network where GitHub's cannot reach its endpoint.
    ...(c.endpoint === "public-open"
      ? {}
      : {
          pipeline: {
            plan: { runsOn: ["self-hosted", `${name}-plan`] },
            deploy: { runsOn: ["self-hosted", `${name}-deploy`] },
          },
        }),
  };
}

const describeCase = (c: Case) =>
  `${c.mode}, ${c.identity}, NAT ${c.nat}, ${c.endpoint} endpoint, ` +
  `${c.vpcEndpoints.length} VPC endpoints, ${c.tier}, ${c.region}`;

export function optionMatrix(): ValidationGroup {
  let outdir: string;
  const infraDir = (i: number) => path.join(outdir, "stacks", stackNames(caseName(i)).infra);
  const infraJson = (i: number) =>
    JSON.parse(fs.readFileSync(path.join(infraDir(i), "cdk.tf.json"), "utf8")) as Json;
  return {
    synth: async () => {
      outdir = scratchDir("platform-matrix-");
      const app = new App({ outdir });
      const environments = CASES.map(
        (c, i) => parseEnvironment(environmentInput(c, i)) as EksEnvironment,
      );
      buildApp(app, environments, { offline: true });
      app.synth();
      return CASES.map((_, i) => infraDir(i));
    },
    describe: (validations) =>
      describe("every option through terraform validate", () => {
        CASES.forEach((c, i) => {
          const stack = stackNames(caseName(i)).infra;
          it(`${stack} (${describeCase(c)}) initializes and validates`, () =>
            expectValid(validations()[i]));
        });

        it("every IAM role the stacks create detaches its policies on destroy", () => {
          CASES.forEach((_, i) => {
            const roles = Object.values(infraJson(i).resource.aws_iam_role);
            expect(roles.length).toBeGreaterThanOrEqual(4);
            for (const role of roles) expect(role).toMatchObject({ force_detach_policies: true });
          });
        });

        it("every cluster states its upgrade policy", () => {
          CASES.forEach((_, i) => {
            const [cluster] = Object.values(infraJson(i).resource.aws_eks_cluster);
            expect(cluster.upgrade_policy).toEqual({ support_type: "STANDARD" });
          });
        });

        it("a GovCloud environment names no ARN in the aws partition", () => {
          const i = CASES.findIndex((c) => c.region === GOVCLOUD);
          const text = JSON.stringify(infraJson(i));
          expect(text).toContain("arn:aws-us-gov:iam::aws:policy/AmazonEKSWorkerNodePolicy");
          expect(text).not.toMatch(/arn:aws:/);
        });
      }),
  };
}
