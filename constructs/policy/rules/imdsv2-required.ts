import {
  blocks,
  field,
  isToken,
  manifestName,
  manifestsOfKind,
  referencedSubject,
  violation,
} from "../attributes";
import { PolicyContext, PolicyRule, PolicySubject, PolicyViolation } from "../types";

/** `metadata_options` of a launch template, launch configuration or instance. */
function metadataOptions({ attributes }: PolicySubject): PolicyViolation[] {
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

/**
 * An instance takes its metadata options from its launch template unless it sets its own: a
 * template of this stack is checked by this rule itself.
 */
function instance(subject: PolicySubject, context: PolicyContext): PolicyViolation[] {
  const template = blocks(subject.attributes.launch_template)[0];
  const fromTemplate =
    subject.attributes.metadata_options === undefined &&
    template !== undefined &&
    [template.id, template.name].some(
      (value) => referencedSubject(value, "aws_launch_template", context) !== undefined,
    );
  return fromTemplate ? [] : metadataOptions(subject);
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
  fix: 'set metadataOptions: { httpTokens: "required" } on every aws_launch_template, aws_launch_configuration and aws_instance (or launch the instance from a launch template that sets it), and spec.metadataOptions.httpTokens: required on every Karpenter EC2NodeClass',
  appliesTo: ["aws_launch_template", "aws_launch_configuration", "aws_instance", "helm_release"],
  check: (subject, context) => {
    switch (subject.type) {
      case "helm_release":
        return nodeClasses(subject);
      case "aws_instance":
        return instance(subject, context);
      default:
        return metadataOptions(subject);
    }
  },
};
