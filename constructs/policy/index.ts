export * from "./types";
export type { ApplyPolicyPackOptions, PolicyAspectOptions } from "./aspect";
export { PolicyAspect, PolicyViolationError, applyPolicyPack, formatFinding } from "./aspect";
export { MIN_SUPPRESSION_REASON_LENGTH, suppress } from "./suppress";
export { PLATFORM_PACK } from "./pack";
export { LOAD_BALANCER_TAG } from "./rules/no-world-ingress";
export { REQUIRED_CONTROL_PLANE_LOGS } from "./rules/eks-control-plane-logging";
