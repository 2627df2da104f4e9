export * from "./subnet-plan";
export * from "./vpc";
