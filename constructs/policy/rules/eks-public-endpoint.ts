import { internetExposure } from "../../shared/internet-exposure";
import { blocks, isToken, knownStrings, violation } from "../attributes";
import { PolicyRule } from "../types";

export const EKS_PUBLIC_ENDPOINT: PolicyRule = {
  id: "PLT-EKS-3",
  // A world-open API endpoint is a finding everywhere, but only blocks prod.
  level: (context) => (context.tier === "prod" ? "error" : "warning"),
  explanation:
    "the EKS public API endpoint must not be open to the internet: 0.0.0.0/0 (what an empty public_access_cidrs means), or ranges that together let in a large part of it (0.0.0.0/1 and 128.0.0.0/1)",
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
    const exposure = internetExposure(cidrs);
    return exposure
      ? [
          violation(
            `public endpoint on with public_access_cidrs containing ${exposure.sources.join(", ")}, which let in ${exposure.reach}`,
          ),
        ]
      : [];
  },
};
