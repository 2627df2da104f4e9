import { isNotTrue, violation } from "../attributes";
import { PolicyRule } from "../types";

export const REMOTE_STATE_ENCRYPTED: PolicyRule = {
  id: "PLT-STATE-1",
  level: "error",
  explanation:
    "Terraform state holds every attribute in clear text (endpoints, certificates, sometimes secrets); an S3 backend must encrypt it",
  fix: "set encrypt: true on the S3Backend (and kmsKeyId to use the environment's key)",
  appliesTo: ["backend:s3"],
  check: ({ attributes }) =>
    isNotTrue(attributes.encrypt)
      ? [violation(`encrypt is ${String(attributes.encrypt ?? "not set")}`)]
      : [],
};
