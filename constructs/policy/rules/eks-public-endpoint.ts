import { blocks, isToken, knownStrings, violation } from "../attributes";
import { PolicyRule } from "../types";

const WORLD = ["0.0.0.0/0", "::/0"];

export const EKS_PUBLIC_ENDPOINT: PolicyRule = {
  id: "PLT-EKS-3",
  // A world-open API endpoint is a finding everywhere, but only blocks prod.
  level: (context) => (context.tier === "prod" ? "error" : "warning"),
  explanation:
    "the EKS public API endpoint must not be open to the whole internet (an empty public_access_cidrs means 0.0.0.0/0)",
  fix: "set vpcConfig.endpointPublicAccess: false, or list your egress ranges in vpcConfig.publicAccessCidrs",
  appliesTo: ["aws_eks_cluster"],
  check: ({ attributes }) => {
    const vpcConfig = blocks(attributes.vpc_config)[0];
    if (!vpcConfig) return [];
    const publicAccess = vpcConfig.endpoint_public_access;
    // The provider's default is a public endpoint.
    if (isToken(publicAccess) || publicAccess === false || publicAccess === "false") return [];
    const cidrs = knownStrings(vpcConfig.public_access_cidrs);
    if (cidrs === undefined) return [];
    if (cidrs.length === 0) {
      return [violation("public endpoint on with no public_access_cidrs (open to 0.0.0.0/0)")];
    }
    const open = cidrs.filter((cidr) => WORLD.includes(cidr));
    return open.length > 0
      ? [violation(`public endpoint on with public_access_cidrs containing ${open.join(", ")}`)]
      : [];
  },
};
