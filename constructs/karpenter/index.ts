export * from "./ami";
export * from "./controller-policy";
export * from "./interruption-queue";
export * from "./karpenter-aws";
export * from "./karpenter-controller";
export * from "./manifests";
export * from "./node-pools";
