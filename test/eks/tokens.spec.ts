/**
 * EksCluster with tokens where a real deploy has them (the cases:
 * test/terraform/validation/eks-tokens.ts): synth passes references and variables through
 * untouched. That the configurations pass `terraform validate` is checked in
 * test/terraform/validate.test.ts, with every other stack the tests validate.
 */
import { EKS_TOKEN_CASES } from "../terraform/validation/eks-tokens";
import { type SynthesizedCases, synthCases } from "../terraform/validation/group";

describe("EksCluster with tokens where real deploys have them", () => {
  let synthesized: SynthesizedCases<keyof typeof EKS_TOKEN_CASES>;
  beforeAll(() => (synthesized = synthCases("platform-eks-tokens-", EKS_TOKEN_CASES)));
  const resourcesOf = (name: keyof typeof EKS_TOKEN_CASES) => synthesized.get(name)!.json.resource;
  const clusterOf = (name: keyof typeof EKS_TOKEN_CASES) =>
    Object.values(resourcesOf(name).aws_eks_cluster)[0];

  it("from resources: the cluster references them", () => {
    expect(clusterOf("from-resources")).toMatchObject({
      vpc_config: {
        subnet_ids: [
          expect.stringMatching(/^\$\{aws_subnet\.intra-a\.id\}$/),
          expect.stringMatching(/^\$\{aws_subnet\.intra-c\.id\}$/),
        ],
      },
      encryption_config: { provider: { key_arn: "${aws_kms_key.secrets.arn}" } },
    });
  });

  it("from variables: whole lists pass through as one expression", () => {
    const c = clusterOf("from-variables");
    expect(c.vpc_config).toMatchObject({ subnet_ids: "${var.intra_subnet_ids}" });
    const group = Object.values(resourcesOf("from-variables").aws_eks_node_group)[0];
    expect(group.subnet_ids).toBe("${var.private_subnet_ids}");
    const sg = Object.values(resourcesOf("from-variables").aws_security_group);
    for (const g of sg) expect(g.vpc_id).toBe("${var.vpc_id}");
  });
});
