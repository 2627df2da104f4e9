import { parse } from "yaml";
import { policyJson } from "../support/synth";
import type { PolicyDocument } from "./policies";
import { Coordinates, Resolver, SynthesizedStacks } from "./synthesized";

/** A resource of one of the environment's stacks, as synthesized, with its stack's resolver. */
interface Found {
  readonly stack: string;
  readonly address: string;
  readonly attributes: Record<string, unknown>;
  readonly resolver: Resolver;
}

export interface Role {
  readonly name: string;
  readonly arn: string;
  readonly trust: PolicyDocument;
  /**
   * Its aws_iam_role_policy documents. AWS managed policies (AmazonEKSClusterPolicy, ...) are not
   * modelled: no call simulated here depends on them.
   */
  readonly policies: { readonly name: string; readonly document: PolicyDocument }[];
  /** Names of the AWS managed policies attached to it (not simulated, see `policies`). */
  readonly managedPolicies: string[];
}

export interface Key {
  readonly arn: string;
  readonly policy: PolicyDocument;
}

export interface Queue {
  readonly name: string;
  readonly arn: string;
  readonly policy?: PolicyDocument;
}

/** What Karpenter runs with, read from the chart values and the custom resources it is given. */
export interface KarpenterWiring {
  readonly clusterName: string;
  readonly controllerRole: Role;
  readonly queue: Queue;
  readonly nodeClasses: {
    readonly name: string;
    readonly role: Role;
    readonly volumeKeys: Key[];
  }[];
  readonly nodePools: string[];
  /** `karpenter.sh/capacity-type` values the node pools allow (spot, on-demand, reserved). */
  readonly capacityTypes: string[];
}

type Values = Record<string, unknown>;
type Manifest = { kind: string; metadata: { name: string }; spec: Record<string, unknown> };
type Requirement = { key: string; operator: string; values?: string[] };

function first<T>(value: T | T[] | undefined): T | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The AWS wiring of one environment across its synthesized stacks, followed the way AWS follows
 * it: the cluster's role and key, the launch template of the node group, the role and keys the
 * EC2NodeClass names, the queue the chart reads. Every lookup that finds nothing, or more than one
 * candidate, throws.
 */
export class EnvironmentWiring {
  readonly at: Coordinates;
  private readonly found: Found[];

  constructor(
    readonly name: string,
    stacks: SynthesizedStacks,
  ) {
    // Stacks are named <environment>-<stage> (stacks/app.ts), whatever the stages are.
    const names = [...stacks.keys()].filter((stack) => stack.startsWith(`${name}-`));
    this.found = names.flatMap((stack) => {
      const resolver = new Resolver(stacks, stack);
      return Object.entries(stacks.get(stack)?.resource ?? {}).flatMap(([type, resources]) =>
        Object.entries(resources).map(([id, attributes]) => ({
          stack,
          address: `${type}.${id}`,
          attributes,
          resolver,
        })),
      );
    });
    const cluster = this.only("aws_eks_cluster");
    this.at = cluster.resolver.at;
  }

  private all(type: string, where: (r: Found) => boolean = () => true): Found[] {
    return this.found.filter((r) => r.address.startsWith(`${type}.`) && where(r));
  }

  private only(type: string, where?: (r: Found) => boolean, what = type): Found {
    const matches = this.all(type, where);
    if (matches.length !== 1) {
      throw new Error(`environment ${this.name}: expected one ${what}, found ${matches.length}`);
    }
    return matches[0];
  }

  private value(r: Found, attribute: string): string {
    const value = r.attributes[attribute];
    if (typeof value !== "string") {
      throw new Error(`${r.stack} ${r.address} has no ${attribute}`);
    }
    return r.resolver.resolve(value);
  }

  private policy(r: Found, attribute: string): PolicyDocument {
    return r.resolver.resolve(policyJson<PolicyDocument>(r.attributes[attribute]));
  }

  private arnOf(r: Found): string {
    return r.resolver.resolve(`\${${r.address}.arn}`);
  }

  role(arn: string): Role {
    const r = this.only("aws_iam_role", (c) => this.arnOf(c) === arn, `role ${arn}`);
    const name = this.value(r, "name");
    const ofRole = (c: Found) => this.value(c, "role") === name;
    const attached = this.all("aws_iam_role_policy_attachment", ofRole).map((a) =>
      this.value(a, "policy_arn"),
    );
    const awsManaged = (policyArn: string) => policyArn.includes(":iam::aws:policy/");
    const customerManaged = attached.filter((policyArn) => !awsManaged(policyArn));
    if (r.attributes.inline_policy !== undefined || customerManaged.length > 0) {
      // Read only aws_iam_role_policy: fail rather than simulate with a policy missing.
      throw new Error(
        `${r.address}: inline_policy blocks and customer managed policies are not modelled; ` +
          "add them to EnvironmentWiring.role",
      );
    }
    return {
      name,
      arn,
      trust: this.policy(r, "assume_role_policy"),
      policies: this.all("aws_iam_role_policy", ofRole).map((p) => ({
        name: this.value(p, "name"),
        document: this.policy(p, "policy"),
      })),
      managedPolicies: attached
        .filter(awsManaged)
        .map((policyArn) => policyArn.replace(/^.*\//, "")),
    };
  }

  roleNamed(name: string): Role {
    const r = this.only("aws_iam_role", (c) => this.value(c, "name") === name, `role ${name}`);
    return this.role(this.arnOf(r));
  }

  key(arn: string): Key {
    const r = this.only("aws_kms_key", (c) => this.arnOf(c) === arn, `key ${arn}`);
    return { arn, policy: this.policy(r, "policy") };
  }

  queueNamed(name: string): Queue {
    const r = this.only("aws_sqs_queue", (c) => this.value(c, "name") === name, `queue ${name}`);
    const arn = this.arnOf(r);
    const url = r.resolver.resolve(`\${${r.address}.url}`);
    const policies = this.all("aws_sqs_queue_policy", (p) => this.value(p, "queue_url") === url);
    if (policies.length > 1) throw new Error(`queue ${name} has ${policies.length} policies`);
    return { name, arn, policy: policies[0] && this.policy(policies[0], "policy") };
  }

  queue(arn: string): Queue {
    const r = this.only("aws_sqs_queue", (c) => this.arnOf(c) === arn, `queue ${arn}`);
    return this.queueNamed(this.value(r, "name"));
  }

  /** The EKS cluster: its name, ARN, IAM role, Kubernetes version and secrets key. */
  cluster(): { name: string; arn: string; version: string; role: Role; secretsKey: Key } {
    const r = this.only("aws_eks_cluster");
    const keyArn = first(
      (r.attributes.encryption_config as { provider?: { key_arn?: string } } | undefined)?.provider,
    )?.key_arn;
    if (!keyArn) throw new Error(`${r.address} has no encryption_config key`);
    return {
      name: this.value(r, "name"),
      arn: this.arnOf(r),
      version: this.value(r, "version"),
      role: this.role(this.value(r, "role_arn")),
      secretsKey: this.key(r.resolver.resolve(keyArn)),
    };
  }

  /** Managed node groups: their node role and the keys their launch templates encrypt volumes with. */
  nodeGroups(): { name: string; role: Role; volumeKeys: Key[] }[] {
    return this.all("aws_eks_node_group").map((group) => {
      const templateId = first(
        group.attributes.launch_template as { id?: string } | { id?: string }[] | undefined,
      )?.id;
      if (!templateId) throw new Error(`${group.address} has no launch template`);
      const template = this.only(
        "aws_launch_template",
        (t) => t.resolver.resolve(`\${${t.address}.id}`) === group.resolver.resolve(templateId),
        `launch template of ${group.address}`,
      );
      const mappings = (template.attributes.block_device_mappings ?? []) as {
        ebs?: { kms_key_id?: string };
      }[];
      return {
        // Groups named by prefix (create-before-destroy) get their full name at apply.
        name: this.value(
          group,
          group.attributes.node_group_name === undefined
            ? "node_group_name_prefix"
            : "node_group_name",
        ),
        role: this.role(this.value(group, "node_role_arn")),
        volumeKeys: mappings.flatMap(({ ebs }) =>
          ebs?.kms_key_id ? [this.key(template.resolver.resolve(ebs.kms_key_id))] : [],
        ),
      };
    });
  }

  /** Log groups encrypted with a key of this environment. */
  encryptedLogGroups(): { name: string; arn: string; key: Key }[] {
    return this.all("aws_cloudwatch_log_group", (g) => g.attributes.kms_key_id !== undefined).map(
      (g) => ({
        name: this.value(g, "name"),
        arn: this.arnOf(g),
        key: this.key(this.value(g, "kms_key_id")),
      }),
    );
  }

  flowLogs(): { arn: string; role: Role; destination: string }[] {
    return this.all("aws_flow_log").map((f) => ({
      arn: this.arnOf(f),
      role: this.role(this.value(f, "iam_role_arn")),
      destination: this.value(f, "log_destination"),
    }));
  }

  /** EventBridge targets: the ARN of the rule and of the target it delivers to. */
  eventTargets(): { rule: string; target: string }[] {
    return this.all("aws_cloudwatch_event_target").map((t) => {
      const ruleName = this.value(t, "rule");
      const rule = this.only(
        "aws_cloudwatch_event_rule",
        (c) => this.value(c, "name") === ruleName,
        `rule ${ruleName}`,
      );
      return { rule: this.arnOf(rule), target: this.value(t, "arn") };
    });
  }

  /**
   * Values of helm releases, parsed but not resolved: each release's values reference what its
   * chart needs, and only the fields read here are resolved.
   */
  private helmValues(where: (r: Found) => boolean): { release: Found; values: Values }[] {
    return this.all("helm_release", where).flatMap((release) =>
      ((release.attributes.values ?? []) as string[]).map((text) => ({
        release,
        // YAML, so JSON (what the constructs write) and YAML values both read.
        values: parse(text) as Values,
      })),
    );
  }

  karpenter(): KarpenterWiring {
    const release = this.only(
      "helm_release",
      (r) => r.attributes.chart === "karpenter",
      "Karpenter chart release",
    );
    const [{ values }] = this.helmValues((r) => r === release);
    const resolve = (value: unknown) => release.resolver.resolve(String(value));
    const settings = values.settings as { clusterName: string; interruptionQueue: string };
    const serviceAccount = (values.serviceAccount as { name: string }).name;
    const association = this.only(
      "aws_eks_pod_identity_association",
      (a) =>
        this.value(a, "namespace") === release.attributes.namespace &&
        this.value(a, "service_account") === serviceAccount,
      "Pod Identity association of the Karpenter controller",
    );
    const manifests = this.helmValues(() => true).flatMap(({ release: owner, values: v }) =>
      ((v.manifests ?? []) as Manifest[]).map((manifest) => ({ owner, manifest })),
    );
    const ofKind = (kind: string) => manifests.filter(({ manifest }) => manifest.kind === kind);
    return {
      clusterName: resolve(settings.clusterName),
      controllerRole: this.role(this.value(association, "role_arn")),
      queue: this.queueNamed(resolve(settings.interruptionQueue)),
      nodeClasses: ofKind("EC2NodeClass").map(({ owner, manifest: { metadata, spec } }) => ({
        name: metadata.name,
        role: this.roleNamed(owner.resolver.resolve(spec.role as string)),
        volumeKeys: ((spec.blockDeviceMappings ?? []) as { ebs?: { kmsKeyID?: string } }[]).flatMap(
          ({ ebs }) => (ebs?.kmsKeyID ? [this.key(owner.resolver.resolve(ebs.kmsKeyID))] : []),
        ),
      })),
      nodePools: ofKind("NodePool").map(({ manifest }) => manifest.metadata.name),
      capacityTypes: [
        ...new Set(
          ofKind("NodePool").flatMap(({ manifest }) => {
            const template = manifest.spec.template as { spec?: { requirements?: Requirement[] } };
            return (template.spec?.requirements ?? [])
              .filter((r) => r.key === "karpenter.sh/capacity-type" && r.operator === "In")
              .flatMap((r) => r.values ?? []);
          }),
        ),
      ],
    };
  }
}
