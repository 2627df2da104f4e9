import { TerraformVariable } from "cdktf";
import {
  KarpenterController,
  KarpenterControllerProps,
} from "../../constructs/karpenter/karpenter-controller";
import { VERSIONS } from "../../constructs/versions";
import { resourcesOf, synthConstruct, SynthJson, HelmRelease } from "../support/synth";

const BASE: KarpenterControllerProps = {
  clusterName: "dev-platform",
  clusterEndpoint: "https://ABCDEF.gr7.ap-northeast-2.eks.amazonaws.com",
  interruptionQueueName: "dev-platform",
};

/**
 * Keys of the Karpenter 1.14.1 chart's values (charts/karpenter/values.yaml in
 * aws/karpenter-provider-aws at the v1.14.1 docs commit): the top level and `settings`. A value
 * the chart does not read is silently ignored by Helm, so everything rendered must be here.
 */
const CHART_1_14_1_VALUES = {
  topLevel: [
    "nameOverride",
    "fullnameOverride",
    "additionalLabels",
    "additionalAnnotations",
    "imagePullPolicy",
    "imagePullSecrets",
    "service",
    "serviceAccount",
    "additionalClusterRoleRules",
    "serviceMonitor",
    "replicas",
    "revisionHistoryLimit",
    "strategy",
    "podLabels",
    "podAnnotations",
    "podDisruptionBudget",
    "podSecurityContext",
    "priorityClassName",
    "terminationGracePeriodSeconds",
    "hostNetwork",
    "schedulerName",
    "dnsPolicy",
    "dnsConfig",
    "initContainers",
    "nodeSelector",
    "affinity",
    "topologySpreadConstraints",
    "tolerations",
    "extraVolumes",
    "controller",
    "logLevel",
    "logOutputPaths",
    "logErrorOutputPaths",
    "settings",
  ],
  settings: [
    "batchMaxDuration",
    "batchIdleDuration",
    "preferencePolicy",
    "minValuesPolicy",
    "clusterCABundle",
    "clusterName",
    "clusterEndpoint",
    "isolatedVPC",
    "eksControlPlane",
    "vmMemoryOverheadPercent",
    "interruptionQueue",
    "enableZonalShift",
    "reservedENIs",
    "ignoreDRARequests",
    "disableClusterStateObservability",
    "disableDryRun",
    "amiRefreshInterval",
    "subnetRefreshInterval",
    "featureGates",
    "awsFeatureGates",
  ],
};

function synth(overrides: Partial<KarpenterControllerProps> = {}): SynthJson {
  return synthConstruct(
    (scope) => new KarpenterController(scope, "karpenter", { ...BASE, ...overrides }),
  );
}

function releaseNamed(json: SynthJson, name: string): HelmRelease {
  const found = Object.values(resourcesOf<HelmRelease>(json, "helm_release")).filter(
    (r) => r.name === name,
  );
  expect(found).toHaveLength(1);
  return found[0];
}

/** The controller chart values these tests read. */
interface ControllerValues {
  settings: Record<string, string | boolean>;
  serviceAccount: { create: boolean; name: string; annotations?: Record<string, string> };
  replicas: number;
  nodeSelector: Record<string, string>;
  controller: { resources: unknown };
  dnsPolicy: string;
}

/** The controller chart's values as Helm receives them. */
function values(overrides: Partial<KarpenterControllerProps> = {}): ControllerValues {
  const release = releaseNamed(synth(overrides), "karpenter");
  expect(release.values).toHaveLength(1);
  return JSON.parse(release.values![0]) as ControllerValues;
}

describe("KarpenterController network policy", () => {
  type Policy = {
    metadata: { name: string; namespace: string };
    spec: {
      pod_selector: { match_labels: Record<string, string> };
      egress: { to: { ip_block?: { cidr: string } }[]; ports: { port: string }[] }[];
    };
  };
  const policyOf = (props: Partial<KarpenterControllerProps>) =>
    Object.values(
      resourcesOf<Policy>(
        synthConstruct(
          (scope) => new KarpenterController(scope, "karpenter", { ...BASE, ...props }),
        ),
        "kubernetes_network_policy_v1",
      ),
    );

  test("none by default", () => {
    expect(policyOf({})).toEqual([]);
  });

  test("selects only the controller's pods in kube-system, and the release waits for it", () => {
    const [policy] = policyOf({ networkPolicy: true });
    expect(policy.metadata).toEqual({ name: "karpenter-controller", namespace: "kube-system" });
    expect(policy.spec.pod_selector.match_labels).toEqual({
      "app.kubernetes.io/name": "karpenter",
      "app.kubernetes.io/instance": "karpenter",
    });
    const json = synthConstruct(
      (scope) => new KarpenterController(scope, "karpenter", { ...BASE, networkPolicy: true }),
    );
    expect(releaseNamed(json, "karpenter").depends_on).toEqual([
      expect.stringMatching(/^helm_release\.karpenter_crds_/),
      expect.stringMatching(/^kubernetes_network_policy_v1\./),
    ]);
  });

  test("reaches the Pod Identity Agent only with Pod Identity", () => {
    const agent = (props: Partial<KarpenterControllerProps>) =>
      policyOf({ networkPolicy: true, ...props })[0].spec.egress.some((rule) =>
        rule.to.some((peer) => peer.ip_block?.cidr === "169.254.170.23/32"),
      );
    expect(agent({})).toBe(true);
    expect(
      agent({ identity: "irsa", controllerRoleArn: "arn:aws:iam::111111111111:role/karpenter" }),
    ).toBe(false);
  });
});

describe("KarpenterController", () => {
  test("installs the pinned controller chart from the OCI registry after its CRD chart", () => {
    const json = synth();
    const controller = releaseNamed(json, "karpenter");
    const crds = releaseNamed(json, "karpenter-crd");
    expect(controller).toMatchObject({
      repository: "oci://public.ecr.aws/karpenter",
      chart: "karpenter",
      version: VERSIONS.karpenter,
      namespace: "kube-system",
      wait: true,
      skip_crds: true,
    });
    expect(crds).toMatchObject({
      repository: "oci://public.ecr.aws/karpenter",
      chart: "karpenter-crd",
      version: VERSIONS.karpenter,
      namespace: "kube-system",
      wait: true,
    });
    expect(controller.depends_on).toEqual([
      expect.stringMatching(/^helm_release\.karpenter_crds_/),
    ]);
  });

  test("settings come from the props", () => {
    expect(values().settings).toEqual({
      clusterName: "dev-platform",
      clusterEndpoint: "https://ABCDEF.gr7.ap-northeast-2.eks.amazonaws.com",
      interruptionQueue: "dev-platform",
      enableZonalShift: false,
    });
    expect(values({ enableZonalShift: true }).settings.enableZonalShift).toBe(true);
  });

  test("pins Karpenter 1.14.1, the version whose chart and policy template were read", () => {
    expect(VERSIONS.karpenter).toBe("1.14.1");
  });

  test("renders only values the pinned chart reads", () => {
    const rendered = values({
      identity: "irsa",
      controllerRoleArn: "arn:aws:iam::111111111111:role/karpenter",
      enableZonalShift: true,
    });
    for (const key of Object.keys(rendered)) expect(CHART_1_14_1_VALUES.topLevel).toContain(key);
    for (const key of Object.keys(rendered.settings)) {
      expect(CHART_1_14_1_VALUES.settings).toContain(key);
    }
  });

  test("pod identity leaves the service account unannotated, even when a role ARN is passed", () => {
    const v = values({ controllerRoleArn: "arn:aws:iam::111111111111:role/karpenter" });
    expect(v.serviceAccount).toEqual({ create: true, name: "karpenter" });
  });

  test("irsa annotates the service account with the controller role", () => {
    const v = values({
      identity: "irsa",
      controllerRoleArn: "arn:aws:iam::111111111111:role/karpenter",
      serviceAccount: "karpenter-controller",
    });
    expect(v.serviceAccount).toEqual({
      create: true,
      name: "karpenter-controller",
      annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::111111111111:role/karpenter" },
    });
  });

  test("runs on the system node group with two replicas and upstream's resources by default", () => {
    const v = values();
    expect(v.nodeSelector).toEqual({
      "kubernetes.io/os": "linux",
      "node-role.platform/system": "true",
    });
    expect(v.replicas).toBe(2);
    expect(v.controller.resources).toEqual({
      requests: { cpu: "1000m", memory: "1024Mi" },
      limits: { cpu: "1000m", memory: "1024Mi" },
    });
    expect(v.dnsPolicy).toBe("Default");
  });

  test("node selector, replicas, namespace and version can be overridden", () => {
    const json = synth({
      systemNodeSelector: { "eks.amazonaws.com/nodegroup": "system" },
      replicas: 3,
      namespace: "karpenter",
      version: "1.6.3",
    });
    const release = releaseNamed(json, "karpenter");
    expect(release.namespace).toBe("karpenter");
    expect(release.version).toBe("1.6.3");
    expect(releaseNamed(json, "karpenter-crd").version).toBe("1.6.3");
    const v = JSON.parse(release.values![0]) as ControllerValues;
    expect(v.nodeSelector).toEqual({
      "kubernetes.io/os": "linux",
      "eks.amazonaws.com/nodegroup": "system",
    });
    expect(v.replicas).toBe(3);
  });

  test("a JavaScript caller still passing webhook is told it was removed and why", () => {
    for (const webhook of [true, false]) {
      const props = { ...BASE, webhook } as KarpenterControllerProps;
      expect(() => synthConstruct((scope) => new KarpenterController(scope, "k", props))).toThrow(
        /KarpenterControllerProps\.webhook: was removed: Karpenter's chart has had no webhook value since 1\.1 .*only moved the controller onto the host network; delete it/,
      );
    }
  });

  test("apply-time values (tokens) pass validation and reach the values", () => {
    const json = synthConstruct((scope) => {
      const endpoint = new TerraformVariable(scope, "endpoint", { type: "string" });
      const queue = new TerraformVariable(scope, "queue", { type: "string" });
      const role = new TerraformVariable(scope, "role", { type: "string" });
      new KarpenterController(scope, "karpenter", {
        ...BASE,
        clusterEndpoint: endpoint.stringValue,
        interruptionQueueName: queue.stringValue,
        identity: "irsa",
        controllerRoleArn: role.stringValue,
      });
    });
    const raw = releaseNamed(json, "karpenter").values![0];
    expect(raw).toContain("${var.endpoint}");
    expect(raw).toContain("${var.queue}");
    expect(raw).toContain("${var.role}");
  });

  describe("rejects bad input", () => {
    test.each<[string, Partial<KarpenterControllerProps>, RegExp]>([
      [
        "a version with a v",
        { version: "v1.8.2" },
        /version: must be a Karpenter 1\.x chart version such as "\d+\.\d+\.\d+" \(its versions carry no "v": use "1\.8\.2"\); got "v1\.8\.2"/,
      ],
      [
        "a 0.x version",
        { version: "0.37.0" },
        /version: must be a Karpenter 1\.x chart version such as "\d+\.\d+\.\d+"; got "0\.37\.0"/,
      ],
      [
        "irsa without a role",
        { identity: "irsa" },
        /controllerRoleArn: is required with identity "irsa"/,
      ],
      [
        "irsa with a role name instead of an ARN",
        { identity: "irsa", controllerRoleArn: "karpenter" },
        /controllerRoleArn: must be an IAM role ARN/,
      ],
      [
        "an endpoint without https",
        { clusterEndpoint: "ABCDEF.gr7.ap-northeast-2.eks.amazonaws.com" },
        /clusterEndpoint: must be the cluster's https:\/\/ API endpoint/,
      ],
      [
        "a queue URL instead of its name",
        { interruptionQueueName: "https://sqs.ap-northeast-2.amazonaws.com/111111111111/dev" },
        /interruptionQueueName: must be the SQS queue name \(not its URL or ARN\)/,
      ],
      ["zero replicas", { replicas: 0 }, /replicas: must be a positive integer; got 0/],
      [
        "an empty node selector",
        { systemNodeSelector: {} },
        /systemNodeSelector: must select the system node group/,
      ],
      ["a bad namespace", { namespace: "Kube_System" }, /namespace: must be a Kubernetes name/],
      ["an empty cluster name", { clusterName: "" }, /clusterName: must not be empty/],
    ])("%s", (_case, overrides, message) => {
      expect(() => synth(overrides)).toThrow(message);
    });
  });
});
