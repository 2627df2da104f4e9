export * from "./calico";
export * from "./node-iam";
