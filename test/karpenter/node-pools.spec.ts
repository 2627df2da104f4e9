import { TerraformVariable } from "cdktf";
import {
  DEFAULT_TERMINATION_GRACE_PERIOD,
  KarpenterNodePoolOptions,
  KarpenterNodePools,
  KarpenterNodePoolsProps,
  NODE_POOLS_DESTROY_TIMEOUT_SECONDS,
} from "../../constructs/karpenter/node-pools";
import { POD_NETWORK_MODES } from "../../constructs/shared/pod-network";
import { KubernetesVersion, VERSIONS } from "../../constructs/versions";
import { AL2023_AMI_RELEASE, al2023AmiProblem } from "../../constructs/karpenter/ami";
import type { EC2NodeClassManifest, NodePoolManifest } from "../../constructs/karpenter";
import type { NodePoolSpec } from "../../stacks/environment/schema";
import { parseEnvironment } from "../../stacks/environment/validate";
import { findEnvironmentFile } from "../../stacks/environments";
import { variant } from "../support/variant";
import { onlyResource, synthConstruct, SynthJson, HelmRelease } from "../support/synth";

const KEY_ARN = "arn:aws:kms:ap-northeast-2:111111111111:key/0a1b2c3d-1111-2222-3333-444455556666";

const GENERAL: KarpenterNodePoolOptions = {
  name: "general",
  capacityTypes: ["on-demand"],
  architectures: ["amd64"],
  instanceCategories: ["c", "m", "r"],
  minInstanceGeneration: 5,
  limits: { cpu: 256, memoryGi: 1024 },
  expireAfter: "720h",
  consolidationPolicy: "WhenEmptyOrUnderutilized",
  consolidateAfter: "5m",
  budgets: [
    { nodes: "10%" },
    {
      nodes: "0",
      schedule: "0 0 * * mon-fri",
      duration: "10h",
      reasons: ["Underutilized", "Drifted"],
    },
  ],
};

const SPOT: KarpenterNodePoolOptions = {
  ...GENERAL,
  name: "spot-arm",
  capacityTypes: ["spot", "on-demand"],
  architectures: ["arm64"],
  instanceCategories: ["c"],
  minInstanceGeneration: 6,
  limits: { cpu: 64, memoryGi: 128 },
  expireAfter: "Never",
  consolidationPolicy: "WhenEmpty",
  consolidateAfter: "30s",
  budgets: [{ nodes: "2" }],
  weight: 50,
};

const BASE: KarpenterNodePoolsProps = {
  clusterName: "dev-platform",
  nodeRoleName: "dev-platform-karpenter-node",
  kmsKeyArn: KEY_ARN,
  kubernetesVersion: "1.34",
  podNetworkMode: "vxlan",
  nodePools: [GENERAL, SPOT],
};

type Manifest = EC2NodeClassManifest | NodePoolManifest;

function synth(overrides: Partial<KarpenterNodePoolsProps> = {}): SynthJson {
  return synthConstruct(
    (scope) => new KarpenterNodePools(scope, "node-pools", { ...BASE, ...overrides }),
  );
}

/** The objects the manifests release installs, as Helm receives them. */
function manifests(overrides: Partial<KarpenterNodePoolsProps> = {}): Manifest[] {
  const release = onlyResource<HelmRelease>(synth(overrides), "helm_release");
  return (JSON.parse(release.values[0]) as { manifests: Manifest[] }).manifests;
}

function nodeClass(overrides: Partial<KarpenterNodePoolsProps> = {}): EC2NodeClassManifest {
  const found = manifests(overrides).filter((m) => m.kind === "EC2NodeClass");
  expect(found).toHaveLength(1);
  return found[0] as EC2NodeClassManifest;
}

function nodePools(overrides: Partial<KarpenterNodePoolsProps> = {}): NodePoolManifest[] {
  return manifests(overrides).filter((m): m is NodePoolManifest => m.kind === "NodePool");
}

function nodePool(
  name: string,
  overrides: Partial<KarpenterNodePoolsProps> = {},
): NodePoolManifest {
  const found = nodePools(overrides).filter((m) => m.metadata?.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

describe("KarpenterNodePools", () => {
  test("the environment schema's node pools are accepted as they are", () => {
    // Compile-time check: the construct's options stay structurally compatible with the schema.
    const fromSchema: NodePoolSpec = {
      name: "general",
      capacityTypes: ["spot"],
      architectures: ["amd64"],
      instanceCategories: ["m"],
      minInstanceGeneration: 5,
      limits: { cpu: 16, memoryGi: 64 },
      expireAfter: "720h",
      terminationGracePeriod: "24h",
      consolidationPolicy: "WhenEmpty",
      consolidateAfter: "1m",
      budgets: [{ nodes: "1", reasons: ["Empty"] }],
      weight: 10,
    };
    const options: KarpenterNodePoolOptions = fromSchema;
    expect(
      nodePool("general", { nodePools: [options] }).spec.template.spec.requirements[0],
    ).toEqual({
      key: "karpenter.sh/capacity-type",
      operator: "In",
      values: ["spot"],
    });
  });

  test("a pool of only a name and limits gets the defaults an environment's pool gets", () => {
    const pool = { name: "minimal", limits: { cpu: 8, memoryGi: 32 } };
    const dev = findEnvironmentFile("dev").input;
    const env = parseEnvironment(variant(dev, { karpenter: { nodePools: [pool] } }));
    if (env.platform !== "eks") throw new Error("dev is an EKS environment");
    const [filled] = env.karpenter.nodePools;
    expect(nodePool("minimal", { nodePools: [pool] })).toEqual(
      nodePool("minimal", { nodePools: [filled] }),
    );
  });

  describe("EC2NodeClass", () => {
    test("pins the AL2023 alias and selects subnets and security groups by discovery tag", () => {
      const nc = nodeClass();
      expect(nc.apiVersion).toBe("karpenter.k8s.aws/v1");
      expect(nc.metadata).toEqual({ name: "default" });
      expect(nc.spec.role).toBe("dev-platform-karpenter-node");
      expect(nc.spec.amiSelectorTerms).toEqual([{ alias: `al2023@${VERSIONS.al2023Ami["1.34"]}` }]);
      const byTag = [{ tags: { "karpenter.sh/discovery": "dev-platform" } }];
      expect(nc.spec.subnetSelectorTerms).toEqual(byTag);
      expect(nc.spec.securityGroupSelectorTerms).toEqual(byTag);
    });

    test("requires IMDSv2 with a hop limit of 1", () => {
      expect(nodeClass().spec.metadataOptions).toEqual({
        httpEndpoint: "enabled",
        httpProtocolIPv6: "disabled",
        httpPutResponseHopLimit: 1,
        httpTokens: "required",
      });
    });

    test("encrypts the root volume with the KMS key", () => {
      expect(nodeClass().spec.blockDeviceMappings).toEqual([
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: "50Gi",
            volumeType: "gp3",
            encrypted: true,
            kmsKeyID: KEY_ARN,
            deleteOnTermination: true,
          },
        },
      ]);
    });

    test("a custom AMI release and node class name are used", () => {
      const overrides = { amiVersion: "v20991231", nodeClassName: "general-purpose" };
      const nc = nodeClass(overrides);
      expect(nc.metadata?.name).toBe("general-purpose");
      expect(nc.spec.amiSelectorTerms).toEqual([{ alias: "al2023@v20991231" }]);
      for (const pool of nodePools(overrides)) {
        expect(pool.spec.template.spec.nodeClassRef.name).toBe("general-purpose");
      }
    });

    // The alias resolves per Kubernetes version, so the release follows the cluster's version.
    test.each(VERSIONS.kubernetes)("Kubernetes %s gets the release pinned for it", (version) => {
      expect(nodeClass({ kubernetesVersion: version }).spec.amiSelectorTerms).toEqual([
        { alias: `al2023@${VERSIONS.al2023Ami[version]}` },
      ]);
    });

    test.each(VERSIONS.kubernetes)("the release pinned for %s passes its own check", (version) => {
      expect(VERSIONS.al2023Ami[version]).toMatch(AL2023_AMI_RELEASE);
      expect(al2023AmiProblem(VERSIONS.al2023Ami[version], version)).toBeUndefined();
    });

    test("v20251108, which has no Kubernetes 1.35 images, is refused for 1.35", () => {
      expect(() => synth({ kubernetesVersion: "1.35", amiVersion: "v20251108" })).toThrow(
        /KarpenterNodePoolsProps\.amiVersion: v20251108 is older than v\d{8}, the release checked to hold Kubernetes 1\.35 images .*; use v\d{8} or later, or leave it unset to follow kubernetesVersion/,
      );
    });

    test("an AMI release given as a token is not checked at synth", () => {
      const json = synthConstruct((scope) => {
        const ami = new TerraformVariable(scope, "ami", { type: "string" });
        new KarpenterNodePools(scope, "node-pools", { ...BASE, amiVersion: ami.stringValue });
      });
      expect(onlyResource<HelmRelease>(json, "helm_release").values[0]).toContain(
        '"alias":"al2023@${var.ami}"',
      );
    });

    // maxPods only where Calico is the CNI; the VPC CNI's ENI-based limit stays Karpenter's.
    test.each(
      POD_NETWORK_MODES.map((mode) => [
        mode,
        mode === "policy-only" ? undefined : { maxPods: 110 },
      ]),
    )("%s: kubelet is %j", (mode, kubelet) => {
      expect(nodeClass({ podNetworkMode: mode }).spec.kubelet).toEqual(kubelet);
    });

    test("maxPods can be overridden for Calico modes", () => {
      expect(nodeClass({ podNetworkMode: "ipip", maxPods: 200 }).spec.kubelet).toEqual({
        maxPods: 200,
      });
    });
  });

  describe("NodePool", () => {
    test("one NodePool per entry, referencing the node class", () => {
      const pools = nodePools();
      expect(pools.map((p) => p.metadata?.name)).toEqual(["general", "spot-arm"]);
      for (const pool of pools) {
        expect(pool.apiVersion).toBe("karpenter.sh/v1");
        expect(pool.spec.template.spec.nodeClassRef).toEqual({
          group: "karpenter.k8s.aws",
          kind: "EC2NodeClass",
          name: "default",
        });
      }
    });

    test("requirements come from capacity types, architectures, categories and generation", () => {
      expect(nodePool("spot-arm").spec.template.spec.requirements).toEqual([
        { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
        { key: "kubernetes.io/arch", operator: "In", values: ["arm64"] },
        { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c"] },
        { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["6"] },
        { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
      ]);
    });

    test("expireAfter and the termination grace period sit in the template", () => {
      expect(nodePool("general").spec.template.spec).toMatchObject({
        expireAfter: "720h",
        terminationGracePeriod: DEFAULT_TERMINATION_GRACE_PERIOD,
      });
      expect(DEFAULT_TERMINATION_GRACE_PERIOD).toBe("24h");
      const custom = nodePool("spot-arm", {
        nodePools: [GENERAL, { ...SPOT, terminationGracePeriod: "2h30m" }],
      });
      expect(custom.spec.template.spec).toMatchObject({
        expireAfter: "Never",
        terminationGracePeriod: "2h30m",
      });
    });

    test("disruption, limits and weight sit in the spec", () => {
      const general = nodePool("general").spec;
      expect(general.disruption).toEqual({
        consolidationPolicy: "WhenEmptyOrUnderutilized",
        consolidateAfter: "5m",
        budgets: [
          { nodes: "10%" },
          {
            nodes: "0",
            schedule: "0 0 * * mon-fri",
            duration: "10h",
            reasons: ["Underutilized", "Drifted"],
          },
        ],
      });
      expect(general.limits).toEqual({ cpu: "256", memory: "1024Gi" });
      expect(general.weight).toBeUndefined();

      const spot = nodePool("spot-arm").spec;
      expect(spot.disruption).toEqual({
        consolidationPolicy: "WhenEmpty",
        consolidateAfter: "30s",
        budgets: [{ nodes: "2" }],
      });
      expect(spot.limits).toEqual({ cpu: "64", memory: "128Gi" });
      expect(spot.weight).toBe(50);
    });
  });

  test("one manifests release after the controller, and no kubernetes_manifest", () => {
    const json = synthConstruct((scope) => {
      const controller = new TerraformVariable(scope, "controller", { type: "string" });
      new KarpenterNodePools(scope, "node-pools", { ...BASE, dependsOn: [controller] });
    });
    const release = onlyResource<HelmRelease>(json, "helm_release");
    expect(release.name).toBe("karpenter-node-pools");
    expect(release.namespace).toBe("kube-system");
    expect(release.depends_on).toEqual(["var.controller"]);
    const kinds = JSON.parse(release.values[0]).manifests.map((m: { kind: string }) => m.kind);
    expect(kinds).toEqual(["EC2NodeClass", "NodePool", "NodePool"]);
    expect(json.resource?.kubernetes_manifest).toBeUndefined();
  });

  test("destroy waits for Karpenter to drain and terminate the fleet, not Helm's 300 s", () => {
    const release = onlyResource<HelmRelease & { timeout: number; timeouts: { delete: string } }>(
      synth(),
      "helm_release",
    );
    // Helm waits (wait = true) for the NodePools to go, which their finalizers hold until every
    // node is terminated; the provider's own delete deadline must outlast Helm's wait.
    expect(release.wait).toBe(true);
    expect(release.timeout).toBe(NODE_POOLS_DESTROY_TIMEOUT_SECONDS);
    expect(NODE_POOLS_DESTROY_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(1800);
    const deleteMinutes = Number(/^(\d+)m$/.exec(release.timeouts.delete)![1]);
    expect(deleteMinutes * 60).toBeGreaterThan(NODE_POOLS_DESTROY_TIMEOUT_SECONDS);
  });

  test("apply-time values (tokens) pass validation and reach the objects", () => {
    const json = synthConstruct((scope) => {
      const role = new TerraformVariable(scope, "role", { type: "string" });
      const key = new TerraformVariable(scope, "key", { type: "string" });
      const cluster = new TerraformVariable(scope, "cluster", { type: "string" });
      new KarpenterNodePools(scope, "node-pools", {
        ...BASE,
        clusterName: cluster.stringValue,
        nodeRoleName: role.stringValue,
        kmsKeyArn: key.stringValue,
      });
    });
    const raw = onlyResource<HelmRelease>(json, "helm_release").values[0];
    expect(raw).toContain('"role":"${var.role}"');
    expect(raw).toContain('"kmsKeyID":"${var.key}"');
    expect(raw).toContain('"karpenter.sh/discovery":"${var.cluster}"');
  });

  describe("rejects bad input", () => {
    const withPool = (
      pool: Partial<KarpenterNodePoolOptions>,
    ): Partial<KarpenterNodePoolsProps> => ({
      nodePools: [GENERAL, { ...SPOT, ...pool }],
    });

    test.each<[string, Partial<KarpenterNodePoolsProps>, RegExp]>([
      [
        "a misspelled consolidation policy",
        withPool({
          consolidationPolicy:
            "WhenEmptyOrUnderutilised" as KarpenterNodePoolOptions["consolidationPolicy"],
        }),
        /KarpenterNodePoolsProps\.nodePools\[1\]\.consolidationPolicy: "WhenEmptyOrUnderutilised" is not one of WhenEmpty, WhenEmptyOrUnderutilized; did you mean "WhenEmptyOrUnderutilized"\?/,
      ],
      [
        "an expireAfter in days",
        withPool({ expireAfter: "30d" }),
        /nodePools\[1\]\.expireAfter: must be a duration such as 30s, 5m or 720h, or Never; got "30d"/,
      ],
      [
        "a termination grace period of Never",
        withPool({ terminationGracePeriod: "Never" }),
        /nodePools\[1\]\.terminationGracePeriod: must be a duration such as 24h or 2h30m \(a bound: not Never\); got "Never"/,
      ],
      [
        "a budget that is not a count or a percentage",
        withPool({ budgets: [{ nodes: "ten" }] }),
        /nodePools\[1\]\.budgets\[0\]\.nodes: must be a count \(2\) or a percentage \(10%\)/,
      ],
      [
        "a weight above 100",
        withPool({ weight: 101 }),
        /nodePools\[1\]\.weight: must be at most 100; got 101/,
      ],
      [
        "duplicate names",
        withPool({ name: "general" }),
        /nodePools\[1\]\.name: "general" is used twice; name each node pool once/,
      ],
      [
        "empty capacity types",
        withPool({ capacityTypes: [] }),
        /nodePools\[1\]\.capacityTypes: must not be empty/,
      ],
      [
        "a zero CPU limit",
        withPool({ limits: { cpu: 0, memoryGi: 64 } }),
        /nodePools\[1\]\.limits\.cpu: must be a positive integer; got 0/,
      ],
      [
        "a negative memory limit",
        withPool({ limits: { cpu: 8, memoryGi: -1 } }),
        /nodePools\[1\]\.limits\.memoryGi: must be a positive integer; got -1/,
      ],
      [
        "a name that is not a Kubernetes name",
        withPool({ name: "Spot_Arm" }),
        /nodePools\[1\]\.name: must be a Kubernetes name: .*; got "Spot_Arm"/,
      ],
      ["no node pools", { nodePools: [] }, /nodePools: must define at least one node pool/],
      [
        "an unpinned AMI",
        { amiVersion: "latest" },
        /amiVersion: must be a pinned AL2023 AMI release .*not "latest".*got "latest"/,
      ],
      [
        "an AMI version without the v",
        { amiVersion: "20251108" },
        /amiVersion: must be a pinned AL2023 AMI release such as "v\d{8}"/,
      ],
      [
        "a Kubernetes version without a pinned AMI (from JavaScript)",
        { kubernetesVersion: "1.31" as KubernetesVersion },
        /kubernetesVersion: "1\.31" is not one of 1\.32, 1\.33, 1\.34, 1\.35, 1\.36 \(the versions VERSIONS pins AL2023 AMIs for\)$/m,
      ],
      [
        "a role ARN instead of its name",
        { nodeRoleName: "arn:aws:iam::111111111111:role/node" },
        /nodeRoleName: must be an IAM role name \(not its ARN\)/,
      ],
      [
        "a key alias instead of its ARN",
        { kmsKeyArn: "alias/ebs" },
        /kmsKeyArn: must be a KMS key ARN/,
      ],
      ["zero maxPods", { maxPods: 0 }, /maxPods: must be a whole number from 10 to 250; got 0/],
    ])("%s", (_case, overrides, message) => {
      expect(() => synth(overrides)).toThrow(message);
    });
  });
});
