import { ClusterSecurityGroups, securityGroupRules } from "../../constructs/eks";
import { POD_NETWORK_MODES, PodNetworkMode } from "../../constructs/shared/pod-network";
import { SynthJson, resourcesOf, synthConstruct } from "../support/synth";

type Rule = Record<string, unknown>;

function synth(mode: PodNetworkMode): SynthJson {
  return synthConstruct(
    (scope) =>
      new ClusterSecurityGroups(scope, "sg", {
        clusterName: "dev-platform",
        vpcId: "vpc-1",
        podNetworkMode: mode,
      }),
  );
}

/** Ingress rules of the node group whose source is the node group itself. */
function nodeToNode(json: SynthJson): Rule[] {
  return Object.values(resourcesOf<Rule>(json, "aws_vpc_security_group_ingress_rule")).filter(
    (r) =>
      String(r.security_group_id).includes("sg_node_") &&
      String(r.referenced_security_group_id).includes("sg_node_"),
  );
}

function has(rules: Rule[], protocol: string, port?: number): boolean {
  return rules.some(
    (r) => r.ip_protocol === protocol && (port === undefined || r.from_port === port),
  );
}

const EXPECTED: Record<
  PodNetworkMode,
  { bgp: boolean; ipip: boolean; vxlan: boolean; allTraffic: boolean; typha: boolean }
> = {
  ipip: { bgp: true, ipip: true, vxlan: false, allTraffic: false, typha: true },
  "ipip-cross-subnet": { bgp: true, ipip: true, vxlan: false, allTraffic: true, typha: true },
  direct: { bgp: true, ipip: false, vxlan: false, allTraffic: true, typha: true },
  vxlan: { bgp: false, ipip: false, vxlan: true, allTraffic: false, typha: true },
  "vxlan-cross-subnet": { bgp: false, ipip: false, vxlan: true, allTraffic: true, typha: true },
  "policy-only": { bgp: false, ipip: false, vxlan: false, allTraffic: true, typha: false },
};

describe.each(POD_NETWORK_MODES)("node security group rules in %s mode", (mode) => {
  const json = synth(mode);
  const rules = nodeToNode(json);
  const expected = EXPECTED[mode];

  test("mode-specific rules", () => {
    expect(has(rules, "tcp", 179)).toBe(expected.bgp);
    expect(has(rules, "4")).toBe(expected.ipip);
    expect(has(rules, "udp", 4789)).toBe(expected.vxlan);
    expect(has(rules, "-1")).toBe(expected.allTraffic);
    expect(has(rules, "tcp", 5473)).toBe(expected.typha);
  });

  test("baseline node-to-node rules", () => {
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ip_protocol: "tcp", from_port: 1025, to_port: 65535 }),
        expect.objectContaining({ ip_protocol: "tcp", from_port: 53, to_port: 53 }),
        expect.objectContaining({ ip_protocol: "udp", from_port: 53, to_port: 53 }),
      ]),
    );
  });

  test("portless protocols carry no ports", () => {
    for (const r of rules.filter((r) => r.ip_protocol === "4" || r.ip_protocol === "-1")) {
      expect(r.from_port).toBeUndefined();
      expect(r.to_port).toBeUndefined();
    }
  });

  test("control plane reaches the Calico API server (5443) and host-network webhooks on nodes", () => {
    // 5443: Calico API server (host network with a Calico CNI, a pod ENI in policy-only);
    // 6443: Calico 3.32 host-network webhooks. Both through the node group in every mode.
    const fromCluster = Object.values(
      resourcesOf<Rule>(json, "aws_vpc_security_group_ingress_rule"),
    ).filter(
      (r) =>
        String(r.security_group_id).includes("sg_node_") &&
        String(r.referenced_security_group_id).includes("sg_cluster_"),
    );
    for (const port of [443, 4443, 5443, 6443, 8443, 9443, 10250]) {
      expect(fromCluster).toContainEqual(
        expect.objectContaining({ ip_protocol: "tcp", from_port: port, to_port: port }),
      );
    }
  });

  test("rule data matches what is synthesized", () => {
    const all = resourcesOf(json, "aws_vpc_security_group_ingress_rule");
    expect(Object.keys(all)).toHaveLength(securityGroupRules(mode).length);
  });
});

describe("security groups", () => {
  const json = synth("ipip");
  const groups = resourcesOf(json, "aws_security_group");
  const ingress = Object.values(resourcesOf<Rule>(json, "aws_vpc_security_group_ingress_rule"));

  test("only the node group carries the Karpenter discovery tag", () => {
    const tagged = Object.entries(groups).filter(
      ([, g]) => (g.tags as Record<string, string>)["karpenter.sh/discovery"] === "dev-platform",
    );
    expect(tagged.map(([id]) => id)).toEqual([expect.stringMatching(/^sg_node_/)]);
  });

  test("nodes reach the Kubernetes API through the cluster group", () => {
    expect(
      ingress.some(
        (r) =>
          String(r.security_group_id).includes("sg_cluster_") &&
          String(r.referenced_security_group_id).includes("sg_node_") &&
          r.from_port === 443,
      ),
    ).toBe(true);
  });

  test("both groups are named by prefix and replaced create-before-destroy", () => {
    // A fixed name collides with the group being replaced, and destroying a group still attached
    // to the control plane ENIs or nodes fails with DependencyViolation.
    const byId = (prefix: string) =>
      Object.entries(groups).find(([id]) => id.startsWith(prefix))![1];
    expect(byId("sg_cluster_")).toMatchObject({
      name_prefix: "dev-platform-cluster-",
      lifecycle: { create_before_destroy: true },
    });
    expect(byId("sg_node_")).toMatchObject({
      name_prefix: "dev-platform-node-",
      lifecycle: { create_before_destroy: true },
    });
    for (const group of Object.values(groups)) expect(group.name).toBeUndefined();
  });

  test("both groups allow all egress", () => {
    const egress = Object.values(resourcesOf<Rule>(json, "aws_vpc_security_group_egress_rule"));
    expect(egress).toHaveLength(2);
    for (const e of egress) expect(e).toMatchObject({ ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0" });
  });

  test("mode rules have descriptive, stable construct IDs", () => {
    expect(securityGroupRules("ipip").map((r) => r.id)).toEqual(
      expect.arrayContaining(["node-calico-bgp", "node-calico-ip-in-ip", "node-calico-typha"]),
    );
    expect(securityGroupRules("vxlan").map((r) => r.id)).toContain("node-calico-vxlan");
    expect(securityGroupRules("direct").map((r) => r.id)).toContain("node-from-node-all");
  });
});
