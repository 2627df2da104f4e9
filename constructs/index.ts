/**
 * The public API of the construct library (the package root). Constructs know nothing of
 * environments; compose them in your own stacks, or use the environment stacks of
 * `@platform/cdktf-toolkit/stacks`.
 *
 * @module @platform/cdktf-toolkit
 */
export * from "./calico";
export * from "./eks";
export * from "./ingress";
export * from "./karpenter";
export * from "./kms";
export * from "./metallb";
export * from "./network";
export * from "./shared/cidr";
export * from "./shared/cluster-access";
export * from "./shared/kubernetes";
export * from "./shared/manifests-release";
export * from "./shared/namespace";
export * from "./shared/network-policy";
export * from "./shared/node-network";
export * from "./shared/pod-network";
export type { PolicyStatement } from "./shared/aws-account";
export type { Path, Problem } from "./shared/validation/issues";
export { PropsValidationError } from "./shared/validation/parse-props";
export * from "./shared/wait-for-condition";
export * from "./versions";
export * from "./kubernetes-support";
export * from "./policy";
