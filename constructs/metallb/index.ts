export * from "./layout";
export * from "./metallb";
