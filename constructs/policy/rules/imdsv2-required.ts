import { blocks, field, isToken, manifestName, manifestsOfKind, violation } from "../attributes";
import { PolicyRule, PolicySubject, PolicyViolation } from "../types";

function launchTemplate({ attributes }: PolicySubject): PolicyViolation[] {
  const options = blocks(attributes.metadata_options)[0];
  if (isToken(attributes.metadata_options)) return [];
  // With the metadata endpoint off there is no IMDS to steal credentials from.
  if (options?.http_endpoint === "disabled") return [];
  const tokens = options?.http_tokens;
  if (isToken(tokens) || tokens === "required") return [];
  return [
    violation(
      `metadata_options.http_tokens is ${tokens === undefined ? "not set" : `"${String(tokens)}"`}`,
    ),
  ];
}

function nodeClasses({ attributes }: PolicySubject): PolicyViolation[] {
  return manifestsOfKind(attributes, "EC2NodeClass").flatMap((nodeClass) => {
    const tokens = field(nodeClass, "spec.metadataOptions.httpTokens");
    if (tokens === "required" || isToken(tokens)) return [];
    return [
      violation(
        `EC2NodeClass ${manifestName(nodeClass)}: spec.metadataOptions.httpTokens is ${tokens === undefined ? "not set" : `"${String(tokens)}"`}`,
      ),
    ];
  });
}

export const IMDSV2_REQUIRED: PolicyRule = {
  id: "PLT-EC2-1",
  level: "error",
  explanation:
    "instances must require IMDSv2 session tokens, so an SSRF in a pod cannot read node credentials through IMDSv1",
  fix: 'set metadataOptions: { httpTokens: "required" } on the aws_launch_template, and spec.metadataOptions.httpTokens: required on every Karpenter EC2NodeClass',
  appliesTo: ["aws_launch_template", "helm_release"],
  check: (subject) =>
    subject.type === "helm_release" ? nodeClasses(subject) : launchTemplate(subject),
};
