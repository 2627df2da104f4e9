export * from "./access-entries";
export * from "./addons";
export * from "./eks-cluster";
export * from "./node-group";
export * from "./node-role";
export * from "./security-groups";
export * from "./system-capacity";
