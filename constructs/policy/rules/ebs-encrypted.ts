import {
  blocks,
  field,
  isNotTrue,
  isToken,
  manifestName,
  manifestsOfKind,
  violation,
} from "../attributes";
import { PolicyRule, PolicySubject, PolicyViolation } from "../types";

function describe(value: unknown): string {
  return value === undefined ? "not set" : JSON.stringify(value);
}

function launchTemplate({ attributes }: PolicySubject): PolicyViolation[] {
  if (isToken(attributes.block_device_mappings)) return [];
  const mappings = blocks(attributes.block_device_mappings);
  if (mappings.length === 0) {
    return [
      violation(
        "no block_device_mappings: volumes follow the AMI and are encrypted only where the account turns on EBS encryption by default",
      ),
    ];
  }
  return mappings.flatMap((mapping) => {
    const ebs = blocks(mapping.ebs)[0];
    // Instance-store and no_device mappings have no EBS volume to encrypt.
    if (!ebs || !isNotTrue(ebs.encrypted)) return [];
    return [
      violation(
        `block device ${String(mapping.device_name)}: ebs.encrypted is ${describe(ebs.encrypted)}`,
      ),
    ];
  });
}

function volume({ attributes }: PolicySubject): PolicyViolation[] {
  return isNotTrue(attributes.encrypted)
    ? [violation(`encrypted is ${describe(attributes.encrypted)}`)]
    : [];
}

function nodeClasses({ attributes }: PolicySubject): PolicyViolation[] {
  return manifestsOfKind(attributes, "EC2NodeClass").flatMap((nodeClass) => {
    const name = manifestName(nodeClass);
    const mappings = field(nodeClass, "spec.blockDeviceMappings");
    if (isToken(mappings)) return [];
    if (!Array.isArray(mappings) || mappings.length === 0) {
      return [
        violation(`EC2NodeClass ${name}: no spec.blockDeviceMappings with an encrypted volume`),
      ];
    }
    return mappings.flatMap((mapping: unknown) => {
      const encrypted = field(mapping, "ebs.encrypted");
      return encrypted === true || isToken(encrypted)
        ? []
        : [
            violation(
              `EC2NodeClass ${name}: ${String(field(mapping, "deviceName"))} ebs.encrypted is ${describe(encrypted)}`,
            ),
          ];
    });
  });
}

export const EBS_ENCRYPTED: PolicyRule = {
  id: "PLT-EC2-2",
  level: "error",
  explanation: "EBS volumes must be encrypted, ideally with the environment's KMS key",
  fix: "set encrypted: true (and kmsKeyId) on every EBS block device mapping of launch templates and on aws_ebs_volume; in an EC2NodeClass set spec.blockDeviceMappings[].ebs.encrypted: true with kmsKeyID",
  appliesTo: ["aws_launch_template", "aws_ebs_volume", "helm_release"],
  check: (subject) => {
    if (subject.type === "helm_release") return nodeClasses(subject);
    return subject.type === "aws_ebs_volume" ? volume(subject) : launchTemplate(subject);
  },
};
