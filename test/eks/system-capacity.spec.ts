import {
  SystemWorkload,
  checkSystemCapacity,
  instanceShape,
  nodeAllocatable,
} from "../../constructs/eks/system-capacity";
import { EnvironmentValidationError, parseEnvironment } from "../../stacks/environment/validate";
import { eksSystemWorkloads } from "../../stacks/system-workloads";
import { variant } from "../support/variant";
import { findEnvironmentFile } from "../../stacks/environments";

const dev = findEnvironmentFile("dev").input;

describe("instance shapes", () => {
  it.each([
    ["m6i.large", 2, 8192],
    ["m7g.2xlarge", 8, 32768],
    ["c6gn.xlarge", 4, 8192],
    ["r6id.4xlarge", 16, 131072],
    ["t3a.medium", 2, 4096],
  ])("%s has %d vCPUs and %d MiB", (type, vcpus, memoryMiB) => {
    expect(instanceShape(type)).toEqual({ vcpus, memoryMiB });
  });

  it("does not guess shapes it does not know", () => {
    expect(instanceShape("p5.48xlarge")).toBeUndefined();
    expect(instanceShape("m4.large")).toBeUndefined();
  });

  it("takes off what EKS reserves for the kubelet and the eviction threshold", () => {
    // 2000m - (60m + 10m); 8192 MiB * 0.925 - (255 + 11 * 110) MiB - 100 MiB.
    expect(nodeAllocatable({ vcpus: 2, memoryMiB: 8192 }, 110)).toEqual({
      cpuMillis: 1930,
      memoryMiB: 6012,
    });
    // 4000m - (60 + 10 + 5 + 5)m; 16384 * 0.925 - (255 + 11 * 29) - 100: fewer pods reserve less.
    expect(nodeAllocatable({ vcpus: 4, memoryMiB: 16384 }, 29)).toEqual({
      cpuMillis: 3920,
      memoryMiB: 14481,
    });
  });
});

describe("system node capacity", () => {
  const calicoCluster = eksSystemWorkloads("ipip");

  it("two m6i.large nodes cannot hold Karpenter and Calico with one drained (the review's finding)", () => {
    const report = checkSystemCapacity({
      instanceTypes: ["m6i.large"],
      minSize: 2,
      maxPods: 110,
      workloads: calicoCluster,
    });
    expect(report.deployments.cpuMillis).toBe(2800);
    expect(report.available.cpuMillis).toBe(1555);
    expect(report.problems).toEqual([
      expect.stringMatching(
        /^system pods request 2\.80 vCPU and 3\.1 GiB \(coredns 2 × 100m, .*karpenter 2 × 1000m\), but with one of minSize 2 nodes drained 1 × m6i\.large .* leave 1\.55 vCPU and 5\.6 GiB; raise minSize or use a larger instance type$/,
      ),
    ]);
  });

  it.each([
    [["m6i.large"], 3],
    [["m6i.xlarge"], 2],
  ])("%j with minSize %d fits", (instanceTypes, minSize) => {
    expect(
      checkSystemCapacity({ instanceTypes, minSize, maxPods: 110, workloads: calicoCluster })
        .problems,
    ).toEqual([]);
  });

  it("sizes a mixed group by its smallest type", () => {
    const report = checkSystemCapacity({
      instanceTypes: ["m6i.xlarge", "c6i.large"],
      minSize: 3,
      maxPods: 110,
      workloads: calicoCluster,
    });
    expect(report.instanceType).toBe("c6i.large");
  });

  it("a single pod larger than a node's room is reported even when the total fits", () => {
    const big: SystemWorkload = {
      name: "big",
      replicas: 1,
      requests: { cpuMillis: 1800, memoryMiB: 100 },
      basis: "requests",
    };
    const { problems } = checkSystemCapacity({
      instanceTypes: ["m6i.large"],
      minSize: 6,
      maxPods: 110,
      workloads: [...calicoCluster, big],
    });
    expect(problems).toEqual([
      expect.stringMatching(/^one big pod requests 1\.80 vCPU .* use a larger instance type$/),
    ]);
  });

  it("environments are checked with their field path", () => {
    const problems = (input: unknown) => {
      try {
        parseEnvironment(input);
        return [];
      } catch (e) {
        return (e as EnvironmentValidationError).problems.map((p) => p.path.join("."));
      }
    };
    expect(
      problems(variant(dev, { cluster: { systemNodeGroup: { minSize: 2, desiredSize: 2 } } })),
    ).toEqual(["cluster.systemNodeGroup"]);
    expect(
      problems(variant(dev, { cluster: { systemNodeGroup: { instanceTypes: ["x9.huge"] } } })),
    ).toEqual(["cluster.systemNodeGroup.instanceTypes"]);
  });
});
