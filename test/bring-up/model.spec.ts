import { BringUpTraits, DeployStep, walkBringUp, walkTeardown } from "../support/bring-up";

const CALICO_CNI: BringUpTraits = { calicoCni: true, preexisting: [] };

/** A synthesized-stack shape with only what the model reads. */
function stack(name: string, resource: Record<string, Record<string, object>>): DeployStep {
  return { stack: name, json: { resource } };
}

const cluster = { aws_eks_cluster: { cluster: { name: "c" } } };
const kubeProxy = {
  aws_eks_addon: {
    "kube-proxy": { addon_name: "kube-proxy", cluster_name: "${aws_eks_cluster.cluster.name}" },
  },
};
const calico = (wait: boolean, dependsOn: string[] = []) => ({
  chart: "tigera-operator",
  name: "calico",
  wait,
  depends_on: dependsOn,
});
const nodes = (dependsOn: string[]) => ({
  aws_eks_node_group: { system: { cluster_name: "c", depends_on: dependsOn } },
});

describe("the bring-up model", () => {
  it("refuses a Kubernetes resource type it has not been taught", () => {
    expect(() =>
      walkBringUp(
        [
          stack("infra", cluster),
          stack("platform", { kubernetes_job_v1: { migrate: { metadata: { name: "m" } } } }),
        ],
        CALICO_CNI,
      ),
    ).toThrow(
      /platform: kubernetes_job_v1\.migrate: the bring-up model does not know kubernetes_job_v1/,
    );
  });

  it("creates NetworkPolicies once the API server answers", () => {
    const policy = { metadata: { name: "default-deny", namespace: "x" } };
    const platform = stack("platform", { kubernetes_network_policy_v1: { deny: policy } });
    expect(walkBringUp([stack("infra", cluster), platform], CALICO_CNI)).toEqual([]);
    expect(walkBringUp([platform], CALICO_CNI).map((v) => v.message)).toEqual([
      "platform: kubernetes_network_policy_v1.deny needs cluster, which nothing before it provides (nothing in the deploy provides it)",
    ]);
  });

  it("catches system nodes created before the CNI (the stack split this project had)", () => {
    const violations = walkBringUp(
      [
        stack("infra", { ...cluster, ...kubeProxy, ...nodes(["aws_eks_addon.kube-proxy"]) }),
        stack("platform", { helm_release: { calico: calico(false) } }),
      ],
      CALICO_CNI,
    );
    expect(violations.map((v) => v.message)).toEqual([
      "infra: aws_eks_node_group.system needs cni, which nothing before it provides (provided by platform: helm_release.calico, which is not created before it)",
    ]);
  });

  it("catches a Calico release that waits for nodes which need Calico", () => {
    const violations = walkBringUp(
      [
        stack("infra", { ...cluster, ...kubeProxy }),
        stack("platform", {
          helm_release: { calico: calico(true) },
          ...nodes(["helm_release.calico"]),
        }),
      ],
      CALICO_CNI,
    );
    expect(violations.map((v) => `${v.address} ${v.capability}`)).toEqual([
      "helm_release.calico nodes",
    ]);
  });

  it("does not count a resource the requirer does not depend on, even if listed first", () => {
    const violations = walkBringUp(
      [
        stack("infra", { ...cluster, ...kubeProxy }),
        stack("platform", {
          helm_release: { calico: calico(false) },
          ...nodes([]),
        }),
      ],
      CALICO_CNI,
    );
    expect(violations.map((v) => `${v.address} ${v.capability}`)).toEqual([
      "aws_eks_node_group.system cni",
    ]);
  });

  describe("Calico v3.32, whose operator chart ships no CRDs", () => {
    const operator = (dependsOn: string[]) => ({
      ...calico(false, dependsOn),
      version: "v3.32.1",
    });
    const crds = { chart: "crd.projectcalico.org.v1", name: "calico-crds", version: "v3.32.1" };
    const platform = (operatorDependsOn: string[]) =>
      stack("platform", { helm_release: { crds, calico: operator(operatorDependsOn) } });
    const infra = stack("infra", { ...cluster, ...kubeProxy });

    it("needs the CRD release applied before the operator's", () => {
      expect(
        walkBringUp([infra, platform([])], CALICO_CNI).map((v) => `${v.address} ${v.capability}`),
      ).toEqual(["helm_release.calico calico-crds"]);
      expect(walkBringUp([infra, platform(["helm_release.crds"])], CALICO_CNI)).toEqual([]);
    });

    it("keeps the CRDs until the operator's uninstall hook has deleted the Installation", () => {
      // Nodes outlive the stack here (as on-prem), so only the CRDs are in question.
      const traits: BringUpTraits = { calicoCni: true, preexisting: ["nodes"] };
      expect(
        walkTeardown([infra, platform([])], traits).map((v) => `${v.address} ${v.capability}`),
      ).toEqual(["helm_release.calico calico-crds"]);
      expect(walkTeardown([infra, platform(["helm_release.crds"])], traits)).toEqual([]);
    });

    it("still counts v3.31's CRDs as part of its operator chart", () => {
      const old = stack("platform", {
        helm_release: { calico: { ...calico(false), version: "v3.31.7" } },
      });
      expect(walkBringUp([infra, old], CALICO_CNI)).toEqual([]);
    });
  });

  it("refuses to guess about a chart it does not know", () => {
    expect(() =>
      walkBringUp(
        [stack("platform", { helm_release: { x: { chart: "mystery", name: "x" } } })],
        CALICO_CNI,
      ),
    ).toThrow(/does not know chart "mystery" \(release "x"\)/);
  });

  it("catches node pools that could outlive the Karpenter controller on destroy", () => {
    const platform = (nodePoolsDependOn: string[]) =>
      stack("platform", {
        helm_release: {
          controller: { chart: "karpenter", name: "karpenter" },
          pools: { chart: "assets/x", name: "karpenter-node-pools", depends_on: nodePoolsDependOn },
        },
      });
    const traits: BringUpTraits = { calicoCni: true, preexisting: ["nodes", "pod-network"] };
    expect(walkTeardown([platform([])], traits).map((v) => v.capability)).toEqual(["karpenter"]);
    expect(walkTeardown([platform(["helm_release.controller"])], traits)).toEqual([]);
  });
});
