/**
 * Every construct the library exports checks its props at runtime, as a JavaScript caller (who has
 * no compiler) would meet them: an unknown prop is rejected with the closest known one, an enum
 * value outside the enum with the valid values and the closest one, all in one error thrown
 * before anything is built.
 */
import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import * as library from "../../constructs";
import {
  AdminAccessEntries,
  ViewerAccessEntries,
  Calico,
  CalicoBgp,
  ClusterSecurityGroups,
  CorednsAddon,
  EksCluster,
  InterruptionQueue,
  KarpenterAws,
  KarpenterController,
  KarpenterNodePools,
  KmsKey,
  ManifestsRelease,
  MetalLb,
  NginxIngress,
  NodeRole,
  PropsValidationError,
  SystemNodeGroup,
  VERSIONS,
  Vpc,
  WaitForCondition,
  DeleteOnDestroy,
} from "../../constructs";

const ACCOUNT = "111111111111";
const REGION = "ap-northeast-2";
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/k`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/platform-admin`;

type Props = Record<string, unknown>;

interface StrictCase {
  /** The construct class, as exported. */
  readonly name: string;
  /** Its props interface, as messages name it. */
  readonly props: string;
  /** Builds the construct from valid props with `patch` spread over them. */
  readonly build: (scope: Construct, patch: Props) => void;
  /** A misspelled prop, and the prop it should suggest. */
  readonly typo: readonly [written: string, meant: string];
  /**
   * A value outside an enum prop: where it goes, and what the message must list and suggest
   * (nothing for a version, where a number one edit away is another version). Absent for
   * constructs with no enum prop.
   */
  readonly enum?: {
    readonly patch: Props;
    readonly path: string;
    readonly value: string;
    readonly valid: readonly string[];
    readonly meant?: string;
  };
}

/**
 * `new C(scope, id, { ...base, ...patch })`, the patch being what a JavaScript caller might pass.
 * Curried so that the class fixes the props type before the base props are read against it.
 */
function builder<P extends object>(
  Class: new (scope: Construct, id: string, props: P) => Construct,
) {
  return (base: (scope: Construct) => P): StrictCase["build"] =>
    (scope, patch) =>
      new Class(scope, "under-test", { ...base(scope), ...patch } as P);
}

const MODES = [
  "ipip",
  "ipip-cross-subnet",
  "direct",
  "vxlan",
  "vxlan-cross-subnet",
  "policy-only",
] as const;

const podNetworkModeTypo = (path = "podNetworkMode") => ({
  patch: { [path]: "vxlan-crossubnet" },
  path,
  value: "vxlan-crossubnet",
  valid: MODES,
  meant: "vxlan-cross-subnet",
});

const partitionTypo = {
  patch: { partition: "aws-us-gob" },
  path: "partition",
  value: "aws-us-gob",
  valid: ["aws", "aws-us-gov"],
  meant: "aws-us-gov",
};

const GENERAL_POOL = { name: "general", limits: { cpu: 16, memoryGi: 64 } };

const calico = (scope: Construct) =>
  new Calico(scope, "calico", {
    mode: "direct",
    platform: "onprem",
    podCidr: "10.244.0.0/16",
  });

const CASES: readonly StrictCase[] = [
  {
    name: "Vpc",
    props: "VpcProps",
    build: builder(Vpc)(() => ({
      name: "dev-platform",
      cidr: "10.10.0.0/16",
      zones: [`${REGION}a`, `${REGION}c`],
      clusterName: "dev-platform",
      flowLogs: { kmsKeyArn: KEY },
      region: REGION,
      accountId: ACCOUNT,
    })),
    typo: ["natt", "nat"],
    enum: {
      patch: { nat: "singel" },
      path: "nat",
      value: "singel",
      valid: ["none", "single", "per-zone"],
      meant: "single",
    },
  },
  {
    name: "KmsKey",
    props: "KmsKeyProps",
    build: builder(KmsKey)(() => ({
      alias: "dev/eks",
      description: "dev",
      accountId: ACCOUNT,
      region: REGION,
      administrators: [ADMIN],
    })),
    typo: ["administrator", "administrators"],
    enum: partitionTypo,
  },
  {
    name: "EksCluster",
    props: "EksClusterProps",
    build: builder(EksCluster)(() => ({
      name: "dev-platform",
      kubernetesVersion: "1.35",
      vpcId: "vpc-1",
      vpcCidr: "10.10.0.0/16",
      controlPlaneSubnetIds: ["subnet-a", "subnet-c"],
      nodeSubnetIds: ["subnet-a", "subnet-c"],
      kmsKeyArn: KEY,
      podNetworkMode: "ipip-cross-subnet",
      admins: [ADMIN],
      accountId: ACCOUNT,
      region: REGION,
    })),
    typo: ["suportType", "supportType"],
    // A mode mistyped from JavaScript once ended in a TypeError reading the mode's traits.
    enum: podNetworkModeTypo(),
  },
  {
    name: "CorednsAddon",
    props: "CorednsAddonProps",
    build: builder(CorednsAddon)(() => ({ clusterName: "dev-platform" })),
    typo: ["dependOn", "dependsOn"],
  },
  {
    name: "SystemNodeGroup",
    props: "SystemNodeGroupProps",
    build: builder(SystemNodeGroup)(() => ({
      clusterName: "dev-platform",
      kubernetesVersion: "1.35",
      subnetIds: ["subnet-a"],
      securityGroupId: "sg-1",
      nodeRoleArn: `arn:aws:iam::${ACCOUNT}:role/node`,
      kmsKeyArn: KEY,
      sizing: {
        instanceTypes: ["m6i.large"],
        minSize: 3,
        maxSize: 4,
        desiredSize: 3,
        diskSizeGiB: 50,
      },
    })),
    typo: ["maxpods", "maxPods"],
    enum: {
      patch: { kubernetesVersion: "1.29" },
      path: "kubernetesVersion",
      value: "1.29",
      valid: VERSIONS.kubernetes,
    },
  },
  {
    name: "NodeRole",
    props: "NodeRoleProps",
    build: builder(NodeRole)(() => ({
      roleName: "dev-node",
      partition: "aws",
      podNetworkMode: "vxlan",
    })),
    typo: ["rolename", "roleName"],
    enum: podNetworkModeTypo(),
  },
  {
    name: "AdminAccessEntries",
    props: "AdminAccessEntriesProps",
    build: builder(AdminAccessEntries)(() => ({
      clusterName: "dev-platform",
      partition: "aws",
      admins: [ADMIN],
    })),
    typo: ["admin", "admins"],
    enum: partitionTypo,
  },
  {
    name: "ViewerAccessEntries",
    props: "ViewerAccessEntriesProps",
    build: builder(ViewerAccessEntries)(() => ({
      clusterName: "dev-platform",
      partition: "aws",
      viewers: [ADMIN],
      kubernetesGroups: ["platform-plan-readers"],
    })),
    typo: ["viewer", "viewers"],
    enum: partitionTypo,
  },
  {
    name: "ClusterSecurityGroups",
    props: "ClusterSecurityGroupsProps",
    build: builder(ClusterSecurityGroups)(() => ({
      clusterName: "dev-platform",
      vpcId: "vpc-1",
      podNetworkMode: "vxlan",
    })),
    typo: ["vpcID", "vpcId"],
    enum: podNetworkModeTypo(),
  },
  {
    name: "InterruptionQueue",
    props: "InterruptionQueueProps",
    build: builder(InterruptionQueue)(() => ({ queueName: "dev-platform" })),
    typo: ["queueNmae", "queueName"],
  },
  {
    name: "KarpenterAws",
    props: "KarpenterAwsProps",
    build: builder(KarpenterAws)(() => ({
      clusterName: "dev-platform",
      clusterArn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/dev-platform`,
      accountId: ACCOUNT,
      region: REGION,
      podNetworkMode: "vxlan",
      kmsKeyArn: KEY,
    })),
    typo: ["enableZonalShfit", "enableZonalShift"],
    enum: {
      patch: { identity: "pod-identiy" },
      path: "identity",
      value: "pod-identiy",
      valid: ["pod-identity", "irsa"],
      meant: "pod-identity",
    },
  },
  {
    name: "KarpenterController",
    props: "KarpenterControllerProps",
    build: builder(KarpenterController)(() => ({
      clusterName: "dev-platform",
      clusterEndpoint: `https://ABC.gr7.${REGION}.eks.amazonaws.com`,
      interruptionQueueName: "dev-platform",
    })),
    typo: ["replica", "replicas"],
    enum: {
      patch: { identity: "IRSA" },
      path: "identity",
      value: "IRSA",
      valid: ["pod-identity", "irsa"],
      meant: "irsa",
    },
  },
  {
    name: "KarpenterNodePools",
    props: "KarpenterNodePoolsProps",
    build: builder(KarpenterNodePools)(() => ({
      clusterName: "dev-platform",
      nodeRoleName: "dev-platform-karpenter-node",
      kmsKeyArn: KEY,
      kubernetesVersion: "1.35",
      podNetworkMode: "vxlan",
      nodePools: [GENERAL_POOL],
    })),
    typo: ["nodePool", "nodePools"],
    enum: {
      patch: { nodePools: [{ ...GENERAL_POOL, capacityTypes: ["on-demnad"] }] },
      path: "nodePools[0].capacityTypes[0]",
      value: "on-demnad",
      valid: ["spot", "on-demand"],
      meant: "on-demand",
    },
  },
  {
    name: "Calico",
    props: "CalicoProps",
    build: builder(Calico)(() => ({
      mode: "vxlan",
      platform: "eks",
      podCidr: "10.244.0.0/16",
    })),
    typo: ["blocksize", "blockSize"],
    enum: {
      patch: { platform: "on-prem" },
      path: "platform",
      value: "on-prem",
      valid: ["eks", "onprem"],
      meant: "onprem",
    },
  },
  {
    name: "CalicoBgp",
    props: "CalicoBgpProps",
    build: builder(CalicoBgp)((scope) => {
      const bgp = calico(scope);
      return { calico: bgp, dependsOn: [bgp.release] };
    }),
    typo: ["peer", "peers"],
  },
  {
    name: "MetalLb",
    props: "MetalLbProps",
    build: builder(MetalLb)(() => ({
      platform: "onprem",
      pools: [{ name: "ingress", addresses: ["192.168.10.240-192.168.10.250"] }],
      l2: {},
      calicoBgp: false,
    })),
    typo: ["strictARP", "strictArp"],
    enum: {
      patch: { platform: "on-prem" },
      path: "platform",
      value: "on-prem",
      valid: ["eks", "onprem"],
      meant: "onprem",
    },
  },
  {
    name: "NginxIngress",
    props: "NginxIngressProps",
    build: builder(NginxIngress)(() => ({
      tier: "prod",
      platform: "eks",
      podNetworkMode: "vxlan",
      exposure: { type: "nlb" },
    })),
    typo: ["classname", "className"],
    enum: {
      patch: { controller: "f5-ngnix" },
      path: "controller",
      value: "f5-ngnix",
      valid: ["f5-nginx", "ingress-nginx"],
      meant: "f5-nginx",
    },
  },
  {
    name: "ManifestsRelease",
    props: "ManifestsReleaseProps",
    build: builder(ManifestsRelease)(() => ({
      releaseName: "objects",
      namespace: "default",
      manifests: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }],
    })),
    typo: ["manifest", "manifests"],
  },
  {
    name: "WaitForCondition",
    props: "WaitForConditionProps",
    build: builder(WaitForCondition)(() => ({
      access: { kind: "kubeconfig", path: "/kubeconfig", context: "admin" },
      resource: "tigerastatus/calico",
      condition: "Available",
    })),
    typo: ["timeoutSecond", "timeoutSeconds"],
    enum: {
      patch: { access: { kind: "kubeconfg", path: "/kubeconfig", context: "admin" } },
      path: "access.kind",
      value: "kubeconfg",
      valid: ["eks", "kubeconfig"],
      meant: "kubeconfig",
    },
  },
  {
    name: "DeleteOnDestroy",
    props: "DeleteOnDestroyProps",
    build: builder(DeleteOnDestroy)(() => ({
      access: { kind: "kubeconfig", path: "/kubeconfig", context: "admin" },
      objects: ["installations.operator.tigera.io/default"],
    })),
    typo: ["waitfor", "waitFor"],
    enum: {
      patch: { access: { kind: "ekss", clusterName: "c", region: "ap-northeast-2" } },
      path: "access.kind",
      value: "ekss",
      valid: ["eks", "kubeconfig"],
      meant: "eks",
    },
  },
];

/** The error `build` throws for `patch`, which must be a PropsValidationError. */
function rejection(c: StrictCase, patch: Props): PropsValidationError {
  const stack = new TerraformStack(Testing.app(), "test");
  try {
    c.build(stack, patch);
  } catch (error) {
    expect(error).toBeInstanceOf(PropsValidationError);
    return error as PropsValidationError;
  }
  throw new Error(`${c.name} accepted ${JSON.stringify(patch)}`);
}

test("the cases cover every construct the library exports", () => {
  const constructs = Object.entries(library)
    .filter(([, value]) => typeof value === "function" && value.prototype instanceof Construct)
    .map(([name]) => name);
  expect(CASES.map((c) => c.name).sort()).toEqual(constructs.sort());
});

describe.each(CASES)("$name", (c) => {
  test("builds from the base props (so each rejection below is the patch's)", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    expect(() => c.build(stack, {})).not.toThrow();
  });

  test("rejects a misspelled prop, suggesting the one meant", () => {
    const [written, meant] = c.typo;
    expect(rejection(c, { [written]: true }).message).toContain(
      `${c.props}: unknown prop "${written}"; did you mean "${meant}"?`,
    );
  });

  const enumCase = c.enum;
  if (enumCase) {
    test("rejects a value outside an enum, listing the valid values", () => {
      const { message } = rejection(c, enumCase.patch);
      const line = message.split("\n").find((l) => l.includes(`${c.props}.${enumCase.path}: `));
      expect(line).toContain(`"${enumCase.value}"`);
      for (const valid of enumCase.valid) expect(line).toContain(valid);
      if (enumCase.meant === undefined) expect(line).not.toContain("did you mean");
      else expect(line).toMatch(new RegExp(`; did you mean "${enumCase.meant}"\\?$`));
    });
  }
});

describe("a rejected construct", () => {
  const vpc = CASES.find((c) => c.name === "Vpc")!;

  test("gets one error listing every problem, under a line naming the construct", () => {
    const error = rejection(vpc, { natt: "single", nat: "singel", cidr: "10.10.0.0/8" });
    expect(error.constructPath).toBe("test/under-test");
    expect(error.message).toBe(
      "VpcProps of test/under-test is invalid (3 problems):\n" +
        '  - VpcProps.cidr: "10.10.0.0/8" must be an IPv4 CIDR block from /16 to /28 with no host bits set, such as 10.0.0.0/16\n' +
        '  - VpcProps.nat: "singel" is not one of none, single, per-zone; did you mean "single"?\n' +
        '  - VpcProps: unknown prop "natt"; did you mean "nat"?',
    );
  });

  test("has built nothing", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    expect(() => vpc.build(stack, { nat: "singel" })).toThrow(PropsValidationError);
    expect(stack.node.findChild("under-test").node.children).toEqual([]);
  });

  test("names the valid props when no known prop is close to the unknown one", () => {
    expect(rejection(vpc, { flowLogs: { kmsKeyArn: KEY, keep: 30 } }).message).toContain(
      'VpcProps.flowLogs: unknown prop "keep"; valid props: kmsKeyArn, retentionDays',
    );
  });

  test("EksCluster refuses a Kubernetes version VERSIONS has no AMI for", () => {
    const eks = CASES.find((c) => c.name === "EksCluster")!;
    expect(rejection(eks, { kubernetesVersion: "1.29" }).message).toContain(
      `EksClusterProps.kubernetesVersion: "1.29" is not one of ${VERSIONS.kubernetes.join(", ")}`,
    );
  });
});
