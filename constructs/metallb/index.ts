export * from "./metallb";
