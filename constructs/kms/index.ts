export * from "./kms-key";
