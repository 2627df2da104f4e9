import { AnnotationMetadataEntryType, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { CorednsAddon, EksCluster, EksClusterProps, SystemNodeGroup } from "../../constructs/eks";
import {
  POD_NETWORK_MODES,
  PodNetworkMode,
  podNetworkTraits,
} from "../../constructs/shared/pod-network";
import { PINNED_DATE } from "../support/pinned-date";
import { SynthJson, onlyResource, resourcesOf, synthConstruct, policyJson } from "../support/synth";

const KEY = "arn:aws:kms:ap-northeast-2:111111111111:key/00000000-0000-0000-0000-000000000000";
const ADMIN = "arn:aws:iam::111111111111:role/platform-admin";
const BREAKGLASS = "arn:aws:iam::111111111111:user/break-glass";

function props(overrides: Partial<EksClusterProps> = {}): EksClusterProps {
  return {
    name: "dev-platform",
    kubernetesVersion: "1.35",
    vpcId: "vpc-0123456789abcdef0",
    vpcCidr: "10.10.0.0/16",
    controlPlaneSubnetIds: ["subnet-intra-a", "subnet-intra-c"],
    nodeSubnetIds: ["subnet-private-a", "subnet-private-c"],
    kmsKeyArn: KEY,
    podNetworkMode: "ipip",
    admins: [ADMIN],
    accountId: "111111111111",
    region: "ap-northeast-2",
    ...overrides,
  };
}

function synth(overrides: Partial<EksClusterProps> = {}): SynthJson {
  return synthConstruct((scope) => new EksCluster(scope, "eks", props(overrides)));
}

/**
 * The cluster plus its system node group: made by the cluster with the VPC CNI, and from its
 * `systemNodeGroupProps` (as the stack that installs Calico does) with a Calico CNI.
 */
function synthWithNodes(overrides: Partial<EksClusterProps> = {}): SynthJson {
  return synthConstruct((scope) => {
    const eks = new EksCluster(scope, "eks", props(overrides));
    if (!eks.systemNodeGroup) new SystemNodeGroup(scope, "nodes", eks.systemNodeGroupProps);
  });
}

type Resource = Record<string, unknown>;

function cluster(json: SynthJson): Resource {
  return onlyResource(json, "aws_eks_cluster");
}

function addonNames(json: SynthJson): string[] {
  return Object.values(resourcesOf(json, "aws_eks_addon")).map((a) => a.addon_name as string);
}

function addon(json: SynthJson, name: string): Resource {
  const found = Object.values(resourcesOf(json, "aws_eks_addon")).find(
    (a) => a.addon_name === name,
  );
  if (!found) throw new Error(`no ${name} add-on`);
  return found;
}

/** Managed policy ARNs attached to roles whose name ends with `suffix`. */
function attachedPolicies(json: SynthJson, roleKey: string): string[] {
  return Object.entries(resourcesOf(json, "aws_iam_role_policy_attachment"))
    .filter(([, a]) => String(a.role).includes(roleKey))
    .map(([, a]) => String(a.policy_arn).replace(/^.*\//, ""));
}

function decodedUserData(json: SynthJson): string | undefined {
  const template = onlyResource(json, "aws_launch_template");
  const data = template.user_data as string | undefined;
  return data === undefined ? undefined : Buffer.from(data, "base64").toString("utf8");
}

describe("EksCluster per pod network mode", () => {
  const synths = new Map<PodNetworkMode, SynthJson>(
    POD_NETWORK_MODES.map((mode) => [mode, synth({ podNetworkMode: mode })]),
  );

  test.each(POD_NETWORK_MODES)(
    "%s: self-managed add-on bootstrap off only with Calico CNI",
    (mode) => {
      const calicoCni = podNetworkTraits(mode).cni === "calico";
      expect(cluster(synths.get(mode)!).bootstrap_self_managed_addons).toBe(!calicoCni);
    },
  );

  test.each(POD_NETWORK_MODES)("%s: vpc-cni and coredns add-ons only for policy-only", (mode) => {
    const names = addonNames(synths.get(mode)!);
    expect(names).toEqual(expect.arrayContaining(["kube-proxy", "eks-pod-identity-agent"]));
    const vpcCni = mode === "policy-only";
    expect(names.includes("vpc-cni")).toBe(vpcCni);
    expect(names.includes("coredns")).toBe(vpcCni);
  });

  test.each(POD_NETWORK_MODES)(
    "%s: the cluster creates the system nodes only with the VPC CNI (with Calico they come after it)",
    (mode) => {
      const vpcCni = podNetworkTraits(mode).cni === "aws-vpc-cni";
      const json = synths.get(mode)!;
      expect(Object.keys(resourcesOf(json, "aws_eks_node_group"))).toHaveLength(vpcCni ? 1 : 0);
      expect(Object.keys(resourcesOf(json, "aws_launch_template"))).toHaveLength(vpcCni ? 1 : 0);
    },
  );

  test.each(POD_NETWORK_MODES)("%s: maxPods user data only with Calico CNI", (mode) => {
    const userData = decodedUserData(synthWithNodes({ podNetworkMode: mode }));
    if (podNetworkTraits(mode).cni === "calico") {
      expect(userData).toContain("Content-Type: application/node.eks.aws");
      expect(userData).toContain("kind: NodeConfig");
      expect(userData).toMatch(/kubelet:\n {4}config:\n {6}maxPods: 110\n/);
    } else {
      expect(userData).toBeUndefined();
    }
  });

  test.each(POD_NETWORK_MODES)("%s: CNI policy only with the VPC CNI", (mode) => {
    const policies = attachedPolicies(synths.get(mode)!, "system-node");
    expect(policies).toEqual(
      expect.arrayContaining([
        "AmazonEKSWorkerNodePolicy",
        "AmazonEC2ContainerRegistryPullOnly",
        // terraform-aws-eks v21 attaches it to managed node group roles; EKS has refused
        // CreateNodegroup for roles without it.
        "AmazonEC2ContainerRegistryReadOnly",
        "AmazonSSMManagedInstanceCore",
      ]),
    );
    expect(policies.includes("AmazonEKS_CNI_Policy")).toBe(mode === "policy-only");
  });

  test.each(POD_NETWORK_MODES)("%s: Felix EC2 permissions only when routing natively", (mode) => {
    const inline = Object.values(resourcesOf(synths.get(mode)!, "aws_iam_role_policy")).filter(
      (p) => p.name === "calico-felix",
    );
    if (podNetworkTraits(mode).routesNatively) {
      expect(inline).toHaveLength(1);
      const doc = policyJson(inline[0].policy);
      expect(doc.Statement[0].Action).toEqual([
        "ec2:DescribeInstances",
        "ec2:ModifyNetworkInterfaceAttribute",
      ]);
    } else {
      expect(inline).toHaveLength(0);
    }
  });

  test("vpc-cni is created before the node group, coredns after it", () => {
    const json = synths.get("policy-only")!;
    const group = onlyResource(json, "aws_eks_node_group");
    expect(group.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_eks_addon\.eks_vpc-cni_/)]),
    );
    expect(addon(json, "coredns").depends_on).toEqual([
      expect.stringMatching(/^aws_eks_node_group\./),
    ]);
  });

  test("add-ons adopt on create, preserve on update, and run their default version for the cluster's", () => {
    const json = synths.get("policy-only")!;
    const versions = (json.data?.aws_eks_addon_version ?? {}) as Record<string, Resource>;
    for (const a of Object.values(resourcesOf(json, "aws_eks_addon"))) {
      expect(a.resolve_conflicts_on_create).toBe("OVERWRITE");
      expect(a.resolve_conflicts_on_update).toBe("PRESERVE");
      // EKS never moves an add-on by itself: the version follows the cluster's in the same apply.
      const ref = /^\$\{data\.aws_eks_addon_version\.([^.]+)\.version\}$/.exec(
        String(a.addon_version),
      );
      expect(ref).not.toBeNull();
      expect(versions[ref![1]]).toEqual({
        addon_name: a.addon_name,
        kubernetes_version: expect.stringMatching(
          /^\$\{aws_eks_cluster\.eks_cluster_[A-F0-9]+\.version\}$/,
        ),
        most_recent: false,
      });
    }
    expect(Object.keys(versions)).toHaveLength(addonNames(json).length);
  });

  test("unpinned add-ons (offline plans) look nothing up", () => {
    const json = synth({ podNetworkMode: "policy-only", addonVersions: "unpinned" });
    expect(json.data?.aws_eks_addon_version).toBeUndefined();
    for (const a of Object.values(resourcesOf(json, "aws_eks_addon"))) {
      expect(a.addon_version).toBeUndefined();
    }
  });
});

describe("EksCluster control plane", () => {
  const json = synth({ admins: [ADMIN, BREAKGLASS] });

  test("log group exists before the cluster, with retention and the key", () => {
    const group = onlyResource(json, "aws_cloudwatch_log_group");
    expect(group).toMatchObject({
      name: "/aws/eks/dev-platform/cluster",
      retention_in_days: 90,
      kms_key_id: KEY,
    });
    expect(cluster(json).depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_cloudwatch_log_group\./)]),
    );
    expect(cluster(json).enabled_cluster_log_types).toEqual(["api", "audit", "authenticator"]);
  });

  test("secrets encryption, API authentication without creator admin, service CIDR", () => {
    const c = cluster(json);
    expect(c.encryption_config).toEqual({ resources: ["secrets"], provider: { key_arn: KEY } });
    expect(c.access_config).toEqual({
      authentication_mode: "API",
      bootstrap_cluster_creator_admin_permissions: false,
    });
    expect(c.kubernetes_network_config).toEqual({ service_ipv4_cidr: "172.20.0.0/16" });
    expect(c.version).toBe("1.35");
  });

  test("cluster role trusted by EKS with AmazonEKSClusterPolicy", () => {
    const role = Object.values(resourcesOf(json, "aws_iam_role")).find(
      (r) => r.name === "dev-platform-cluster",
    )!;
    const trust = policyJson(role.assume_role_policy);
    expect(trust.Statement[0]).toMatchObject({
      Principal: { Service: "eks.amazonaws.com" },
      Action: ["sts:AssumeRole", "sts:TagSession"],
    });
    expect(attachedPolicies(json, "cluster-role")).toEqual(["AmazonEKSClusterPolicy"]);
  });

  test("cluster role may use the secrets key itself, before the cluster exists", () => {
    const inline = Object.entries(resourcesOf(json, "aws_iam_role_policy")).filter(
      ([, p]) => p.name === "secrets-encryption",
    );
    expect(inline).toHaveLength(1);
    const [[id, policy]] = inline;
    expect(policy.role).toMatch(/^\$\{aws_iam_role\.eks_cluster-role_[\w]+\.name\}$/);
    expect(policyJson(policy.policy).Statement).toEqual([
      {
        Sid: "SecretsEnvelopeEncryption",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
        Resource: KEY,
      },
    ]);
    expect(cluster(json).depends_on).toContain(`aws_iam_role_policy.${id}`);
  });

  test("private endpoint only by default, on the intra subnets", () => {
    expect(cluster(json).vpc_config).toMatchObject({
      endpoint_private_access: true,
      endpoint_public_access: false,
      subnet_ids: ["subnet-intra-a", "subnet-intra-c"],
    });
    expect((cluster(json).vpc_config as Resource).public_access_cidrs).toBeUndefined();
  });

  test("public endpoint limited to the listed CIDRs", () => {
    const open = synth({ endpoint: { public: true, publicAccessCidrs: ["203.0.113.0/24"] } });
    expect(cluster(open).vpc_config).toMatchObject({
      endpoint_private_access: true,
      endpoint_public_access: true,
      public_access_cidrs: ["203.0.113.0/24"],
    });
  });

  test("access entries and cluster-admin associations for each admin", () => {
    const entries = Object.values(resourcesOf(json, "aws_eks_access_entry"));
    expect(entries.map((e) => e.principal_arn).sort()).toEqual([ADMIN, BREAKGLASS].sort());
    const associations = Object.values(resourcesOf(json, "aws_eks_access_policy_association"));
    expect(associations).toHaveLength(2);
    for (const a of associations) {
      expect(a.policy_arn).toBe(
        "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      );
      expect(a.access_scope).toEqual({ type: "cluster" });
    }
  });

  test("reordering admins keeps every Terraform address", () => {
    const reordered = synth({ admins: [BREAKGLASS, ADMIN] });
    for (const type of ["aws_eks_access_entry", "aws_eks_access_policy_association"]) {
      expect(Object.keys(resourcesOf(reordered, type)).sort()).toEqual(
        Object.keys(resourcesOf(json, type)).sort(),
      );
    }
  });

  test("no OIDC provider unless asked; with oidc it uses the cluster issuer", () => {
    expect(resourcesOf(json, "aws_iam_openid_connect_provider")).toEqual({});
    const provider = onlyResource(synth({ oidc: true }), "aws_iam_openid_connect_provider");
    expect(provider.client_id_list).toEqual(["sts.amazonaws.com"]);
    expect(provider.url).toMatch(/aws_eks_cluster\..*\.identity\[0\]\.oidc\[0\]\.issuer/);
  });

  test("upgrade policy is explicit: STANDARD by default, EXTENDED when asked", () => {
    // Without it EKS enrolls API-created clusters in (billed) extended support.
    expect(cluster(json).upgrade_policy).toEqual({ support_type: "STANDARD" });
    expect(cluster(synth({ supportType: "EXTENDED" })).upgrade_policy).toEqual({
      support_type: "EXTENDED",
    });
  });

  test("every IAM role detaches its policies on destroy", () => {
    const roles = Object.values(resourcesOf(json, "aws_iam_role"));
    expect(roles.map((r) => r.name).sort()).toEqual([
      "dev-platform-cluster",
      "dev-platform-system-node",
    ]);
    for (const role of roles) expect(role.force_detach_policies).toBe(true);
  });

  test("aws-us-gov: managed policy and access policy ARNs in that partition", () => {
    const gov = synth({ partition: "aws-us-gov", region: "us-gov-west-1" });
    const arns = [
      ...Object.values(resourcesOf(gov, "aws_iam_role_policy_attachment")),
      ...Object.values(resourcesOf(gov, "aws_eks_access_policy_association")),
    ].map((r) => String(r.policy_arn));
    expect(arns.length).toBeGreaterThan(0);
    for (const arn of arns) expect(arn).toMatch(/^arn:aws-us-gov:/);
  });

  test("protect sets prevent_destroy", () => {
    expect(cluster(json).lifecycle).toBeUndefined();
    expect(cluster(synth({ protect: true })).lifecycle).toEqual({ prevent_destroy: true });
  });
});

describe("EksCluster system node group", () => {
  const json = synthWithNodes();

  test("launch template requires IMDSv2 with one hop and encrypts the root volume", () => {
    const template = onlyResource(json, "aws_launch_template");
    expect(template.metadata_options).toEqual({
      http_endpoint: "enabled",
      http_tokens: "required",
      http_put_response_hop_limit: 1,
    });
    expect(template.block_device_mappings).toEqual([
      {
        device_name: "/dev/xvda",
        ebs: {
          volume_type: "gp3",
          volume_size: 50,
          encrypted: "true",
          kms_key_id: KEY,
          delete_on_termination: "true",
        },
      },
    ]);
    expect(template.vpc_security_group_ids).toEqual([
      expect.stringMatching(/aws_security_group\.eks_security-groups_node_.*\.id/),
    ]);
  });

  test("node group: AL2023, launch template, sizes, label, no taint", () => {
    const group = onlyResource(json, "aws_eks_node_group");
    expect(group).toMatchObject({
      ami_type: "AL2023_x86_64_STANDARD",
      instance_types: ["m6i.large"],
      subnet_ids: ["subnet-private-a", "subnet-private-c"],
      scaling_config: { min_size: 3, max_size: 4, desired_size: 3 },
      update_config: { max_unavailable: 1 },
      labels: { "node-role.platform/system": "true" },
    });
    expect(group.taint).toBeUndefined();
    expect(group.launch_template).toEqual({
      id: expect.stringMatching(/aws_launch_template\..*\.id/),
      version: expect.stringMatching(/aws_launch_template\..*\.latest_version/),
    });
  });

  test("node group and launch template are named by prefix and replaced create-before-destroy", () => {
    // A change EKS cannot roll in place (instance types, subnets) must bring up the new system
    // nodes before the old group goes; desired_size is only the starting size.
    const group = onlyResource(json, "aws_eks_node_group");
    expect(group.node_group_name).toBeUndefined();
    expect(group).toMatchObject({
      node_group_name_prefix: "system-",
      lifecycle: {
        create_before_destroy: true,
        ignore_changes: ["scaling_config[0].desired_size"],
      },
    });
    const template = onlyResource(json, "aws_launch_template");
    expect(template.name).toBeUndefined();
    expect(template).toMatchObject({
      name_prefix: expect.stringMatching(/^\$\{aws_eks_cluster\.[\w-]+\.name\}-system-$/),
      lifecycle: { create_before_destroy: true },
    });
  });

  test("Graviton instance types select the ARM AMI", () => {
    const arm = synthWithNodes({
      systemNodeGroup: { instanceTypes: ["m7g.large", "c6gn.xlarge"] },
    });
    expect(onlyResource(arm, "aws_eks_node_group").ami_type).toBe("AL2023_ARM_64_STANDARD");
  });

  test("maxPods follows the prop", () => {
    expect(decodedUserData(synthWithNodes({ maxPods: 200 }))).toContain("maxPods: 200");
  });

  test("CorednsAddon follows the Kubernetes version it is given", () => {
    const json = synthConstruct(
      (scope) =>
        new CorednsAddon(scope, "coredns", { clusterName: "dev", kubernetesVersion: "1.36" }),
    );
    expect(onlyResource(json, "aws_eks_addon").addon_version).toMatch(
      /^\$\{data\.aws_eks_addon_version\.coredns_addon-version_[A-F0-9]+\.version\}$/,
    );
    expect(Object.values(json.data?.aws_eks_addon_version ?? {})).toEqual([
      { addon_name: "coredns", kubernetes_version: "1.36", most_recent: false },
    ]);
  });

  test("CorednsAddon is a standalone coredns add-on", () => {
    const coredns = onlyResource(
      synthConstruct((scope) => new CorednsAddon(scope, "coredns", { clusterName: "dev" })),
      "aws_eks_addon",
    );
    expect(coredns).toMatchObject({
      addon_name: "coredns",
      cluster_name: "dev",
      resolve_conflicts_on_create: "OVERWRITE",
    });
  });
});

describe("EksCluster bad input", () => {
  test.each<[string, Partial<EksClusterProps>, RegExp]>([
    ["bad name", { name: "-dev" }, /EksClusterProps\.name: "-dev" must be/],
    [
      "long name",
      { name: "c".repeat(60) },
      /EksClusterProps\.name: "c{60}" is too long: the IAM role/,
    ],
    [
      "empty version",
      { kubernetesVersion: "" },
      /EksClusterProps\.kubernetesVersion: "" is not one of 1\.32, 1\.33, 1\.34, 1\.35/,
    ],
    ["no admins", { admins: [] }, /EksClusterProps\.admins: must name at least one/],
    [
      "duplicate admin",
      { admins: [ADMIN, ADMIN] },
      /EksClusterProps\.admins\[1\]: arn:.* is listed twice; list each admin once/,
    ],
    [
      "bad VPC CIDR",
      { vpcCidr: "10.10.0.1/16" },
      /EksClusterProps\.vpcCidr: must be an IPv4 CIDR with no host bits set, .*; got "10\.10\.0\.1\/16"/,
    ],
    [
      "service CIDR overlaps VPC",
      { serviceCidr: "10.10.128.0/20" },
      /EksClusterProps\.serviceCidr: .* overlaps vpcCidr/,
    ],
    [
      "service CIDR too small",
      { serviceCidr: "172.20.0.0/28" },
      /EksClusterProps\.serviceCidr: .* between \/12 and \/24/,
    ],
    [
      "CIDRs without public endpoint",
      { endpoint: { publicAccessCidrs: ["203.0.113.0/24"] } },
      /EksClusterProps\.endpoint\.publicAccessCidrs: lists CIDRs but the public endpoint is off/,
    ],
    [
      "bad public CIDR",
      { endpoint: { public: true, publicAccessCidrs: ["203.0.113.0"] } },
      /EksClusterProps\.endpoint\.publicAccessCidrs\[0\]: must be an IPv4 CIDR .*; got "203\.0\.113\.0"/,
    ],
    [
      "one control plane subnet",
      { controlPlaneSubnetIds: ["subnet-a"] },
      /EksClusterProps\.controlPlaneSubnetIds: must list subnets in at least two/,
    ],
    [
      "desired above max",
      { systemNodeGroup: { desiredSize: 5 } },
      /EksClusterProps\.systemNodeGroup: needs minSize <= desiredSize <= maxSize; got 3 <= 5 <= 4/,
    ],
    [
      "min above desired",
      { systemNodeGroup: { minSize: 4 } },
      /EksClusterProps\.systemNodeGroup: needs minSize <= desiredSize/,
    ],
    [
      "small disk",
      { systemNodeGroup: { diskSizeGiB: 8 } },
      /EksClusterProps\.systemNodeGroup\.diskSizeGiB: must be/,
    ],
    [
      "no instance types",
      { systemNodeGroup: { instanceTypes: [] } },
      /EksClusterProps\.systemNodeGroup\.instanceTypes: must list/,
    ],
    [
      "bad retention",
      { logRetentionDays: 45 },
      /EksClusterProps\.logRetentionDays: must be a retention CloudWatch Logs accepts \(.*\); got 45/,
    ],
    [
      "bad maxPods",
      { maxPods: 500 },
      /EksClusterProps\.maxPods: must be a whole number from 10 to 250; got 500/,
    ],
    ["bad key", { kmsKeyArn: "alias/eks" }, /EksClusterProps\.kmsKeyArn: must be a KMS key ARN/],
    ["bad account", { accountId: "1234" }, /EksClusterProps\.accountId: must be a 12-digit/],
    ["bad region", { region: "seoul" }, /EksClusterProps\.region: must be an AWS region/],
    [
      "China partition",
      { partition: "aws-cn" },
      /EksClusterProps\.partition: "aws-cn" is not supported \(.*amazonaws\.com.*\); use "aws" or "aws-us-gov"/,
    ],
    [
      "bad support type",
      { supportType: "BASIC" as EksClusterProps["supportType"] },
      /EksClusterProps\.supportType: "BASIC" is not one of STANDARD, EXTENDED/,
    ],
    [
      "a version past standard support under STANDARD",
      { kubernetesVersion: "1.34" },
      /EksClusterProps\.kubernetesVersion: Kubernetes 1\.34's EKS standard support ended on 2026-12-02; .* or set supportType: EXTENDED .* until 2027-12-02\)$/m,
    ],
    [
      "a version past extended support whatever the policy",
      { kubernetesVersion: "1.32", supportType: "EXTENDED" },
      /EksClusterProps\.kubernetesVersion: Kubernetes 1\.32 reached the end of EKS extended support on 2027-03-23/,
    ],
  ])("%s", (_name, overrides, message) => {
    if (overrides.kubernetesVersion === "1.32") {
      // 1.32's extended support ends after the suite's date: look from a day past it.
      process.env.PLATFORM_TODAY = "2027-03-23";
    }
    try {
      expect(() => synth(overrides)).toThrow(message);
    } finally {
      process.env.PLATFORM_TODAY = PINNED_DATE;
    }
  });
});

describe("EksCluster and the EKS calendar", () => {
  const warnings = (overrides: Partial<EksClusterProps>) => {
    const stack = new TerraformStack(Testing.app(), "test");
    const eks = new EksCluster(stack, "eks", props(overrides));
    return eks.node.metadata
      .filter((m) => m.type === AnnotationMetadataEntryType.WARN)
      .map((m) => String(m.data));
  };

  test("a version in standard support, far from its end, builds without a warning", () => {
    expect(warnings({ kubernetesVersion: "1.35" })).toEqual([]);
  });

  test("extended support is accepted with supportType EXTENDED, and synth warns it is billed", () => {
    expect(warnings({ kubernetesVersion: "1.34", supportType: "EXTENDED" })).toEqual([
      expect.stringMatching(
        /^Kubernetes 1\.34 is in EKS extended support since 2026-12-02, billed per cluster hour until 2027-12-02/,
      ),
    ]);
  });

  test("a token version is not checked", () => {
    expect(() =>
      synthConstruct((scope) => {
        const version = new TerraformVariable(scope, "version", { type: "string" });
        new EksCluster(scope, "eks", props({ kubernetesVersion: version.stringValue }));
      }),
    ).not.toThrow();
  });
});
