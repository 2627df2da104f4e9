import { knownStrings, violation } from "../attributes";
import { PolicyRule } from "../types";

/** Log types an incident review needs: who called the API, what changed, and who authenticated. */
export const REQUIRED_CONTROL_PLANE_LOGS = ["api", "audit", "authenticator"] as const;

export const EKS_CONTROL_PLANE_LOGGING: PolicyRule = {
  id: "PLT-EKS-2",
  level: "error",
  explanation: `EKS control plane logging must include ${REQUIRED_CONTROL_PLANE_LOGS.join(", ")}`,
  fix: `set enabledClusterLogTypes to include ${REQUIRED_CONTROL_PLANE_LOGS.map((t) => `"${t}"`).join(", ")}, with the /aws/eks/<name>/cluster log group created first`,
  appliesTo: ["aws_eks_cluster"],
  check: ({ attributes }, context) => {
    const enabled = knownStrings(attributes.enabled_cluster_log_types);
    if (enabled === undefined) {
      // Elsewhere an apply-time list counts as set, like every token; prod must prove its audit trail.
      return context.tier === "prod"
        ? [
            violation(
              `enabled_cluster_log_types cannot be read at synth: prod must show ${REQUIRED_CONTROL_PLANE_LOGS.join(", ")} in the configuration`,
            ),
          ]
        : [];
    }
    const missing = REQUIRED_CONTROL_PLANE_LOGS.filter((type) => !enabled.includes(type));
    return missing.length > 0
      ? [violation(`enabled_cluster_log_types lacks ${missing.join(", ")}`)]
      : [];
  },
};
