export * from "./bgp-mesh-scale";
export * from "./calico";
export * from "./calico-bgp";
export * from "./node-iam";
