import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { stackDir, synthShipped } from "../support/app";
import { SynthJson } from "../support/synth";

/** Every stack of an app, by name, as synthesized JSON. */
export type SynthesizedStacks = ReadonlyMap<string, SynthJson>;

/** Synthesizes the shipped environments (online configuration: it names the accounts) and reads every stack back. */
export function synthesizeShipped(): SynthesizedStacks {
  const { outdir, stackNames } = synthShipped({ offline: false });
  const stacks = new Map(
    stackNames.map((name): [string, SynthJson] => [
      name,
      JSON.parse(fs.readFileSync(path.join(stackDir(outdir, name), "cdk.tf.json"), "utf8")),
    ]),
  );
  fs.rmSync(outdir, { recursive: true, force: true });
  return stacks;
}

/** Where a stack's resources live, read from its aws provider. */
export interface Coordinates {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
}

export function coordinatesOf(stackName: string, json: SynthJson): Coordinates {
  const aws = json.provider?.aws?.[0] as
    | { region?: string; allowed_account_ids?: string[] }
    | undefined;
  const accountId = aws?.allowed_account_ids?.[0];
  if (!aws?.region || !accountId) {
    throw new Error(
      `stack ${stackName} has no aws provider with a region and allowed_account_ids; ` +
        "synthesize it with offline: false so the account is known",
    );
  }
  const partition = aws.region.startsWith("cn-")
    ? "aws-cn"
    : aws.region.startsWith("us-gov-")
      ? "aws-us-gov"
      : "aws";
  return { accountId, region: aws.region, partition };
}

/** What a fake attribute is derived from: the resource's own (resolved) attributes and its stack. */
interface ResourceView {
  readonly at: Coordinates;
  /** A literal attribute of the resource, its references resolved; throws when it is not set. */
  get(attribute: string): string;
  /** Like get, for attributes that may be left out. */
  optional(attribute: string): string | undefined;
  /** Stable pseudo-random hex derived from the resource's address. */
  hex(length: number): string;
}

/**
 * The computed attributes policies and wiring refer to, as AWS would report them. A reference to
 * a type or attribute not listed here fails the test: extend this table rather than guess.
 */
const FAKE_ATTRIBUTES: Record<string, Record<string, (r: ResourceView) => string>> = {
  aws_iam_role: {
    name: (r) => r.get("name"),
    id: (r) => r.get("name"),
    arn: (r) =>
      `arn:${r.at.partition}:iam::${r.at.accountId}:role${r.optional("path") ?? "/"}${r.get("name")}`,
  },
  aws_kms_key: {
    key_id: (r) => fakeUuid(r),
    id: (r) => fakeUuid(r),
    arn: (r) => `arn:${r.at.partition}:kms:${r.at.region}:${r.at.accountId}:key/${fakeUuid(r)}`,
  },
  aws_sqs_queue: {
    name: (r) => r.get("name"),
    arn: (r) => `arn:${r.at.partition}:sqs:${r.at.region}:${r.at.accountId}:${r.get("name")}`,
    url: (r) => queueUrl(r),
    id: (r) => queueUrl(r),
  },
  aws_eks_cluster: {
    name: (r) => r.get("name"),
    id: (r) => r.get("name"),
    version: (r) => r.get("version"),
    arn: (r) =>
      `arn:${r.at.partition}:eks:${r.at.region}:${r.at.accountId}:cluster/${r.get("name")}`,
    // As EKS reports it: https://<32 hex, upper case>.<shard>.<region>.eks.amazonaws.com
    endpoint: (r) =>
      `https://${r.hex(32).toUpperCase()}.gr7.${r.at.region}.eks.amazonaws.com${r.at.partition === "aws-cn" ? ".cn" : ""}`,
  },
  aws_cloudwatch_log_group: {
    name: (r) => r.get("name"),
    id: (r) => r.get("name"),
    // As the provider reports it: without the ":*" suffix of the API's ARN.
    arn: (r) =>
      `arn:${r.at.partition}:logs:${r.at.region}:${r.at.accountId}:log-group:${r.get("name")}`,
  },
  aws_cloudwatch_event_rule: {
    name: (r) => r.get("name"),
    id: (r) => r.get("name"),
    arn: (r) =>
      `arn:${r.at.partition}:events:${r.at.region}:${r.at.accountId}:rule/${r.get("name")}`,
  },
  aws_launch_template: {
    id: (r) => `lt-${r.hex(17)}`,
  },
  aws_flow_log: {
    id: (r) => flowLogId(r),
    arn: (r) =>
      `arn:${r.at.partition}:ec2:${r.at.region}:${r.at.accountId}:vpc-flow-log/${flowLogId(r)}`,
  },
};

function fakeUuid(r: ResourceView): string {
  const h = r.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function flowLogId(r: ResourceView): string {
  return `fl-${r.hex(17)}`;
}

function queueUrl(r: ResourceView): string {
  return `https://sqs.${r.at.region}.amazonaws.com/${r.at.accountId}/${r.get("name")}`;
}

const REFERENCE = /\$\{([^{}]*)\}/g;
const RESOURCE_REFERENCE = /^(aws_[a-z0-9_]+)\.([\w-]+)\.([a-z_]+)$/;
const REMOTE_OUTPUT =
  /^data\.terraform_remote_state\.cross-stack-reference-input-([\w-]+)\.outputs\.([\w-]+)$/;

/**
 * Turns the Terraform references of one stack (`${aws_iam_role.x.arn}`, cross-stack outputs) into
 * the values AWS would give them: ARNs built from the resources' synthesized names, the stack's
 * account and region, and stable fake IDs. Anything else (functions, unknown types or attributes)
 * throws, so a simulation never runs on a placeholder.
 */
export class Resolver {
  private readonly json: SynthJson;

  constructor(
    private readonly stacks: SynthesizedStacks,
    private readonly stackName: string,
  ) {
    const json = stacks.get(stackName);
    if (!json) throw new Error(`no synthesized stack named ${stackName}`);
    this.json = json;
  }

  /** Account, region and partition of the stack; only stacks with an aws provider have them. */
  get at(): Coordinates {
    return coordinatesOf(this.stackName, this.json);
  }

  /** A copy of `value` (string, array or object, keys included) with every reference resolved. */
  resolve<T>(value: T): T {
    if (typeof value === "string") {
      return value.replace(REFERENCE, (_match, expression: string) =>
        this.expression(expression),
      ) as T;
    }
    if (Array.isArray(value)) return value.map((item) => this.resolve(item)) as T;
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [this.resolve(key), this.resolve(item)]),
      ) as T;
    }
    return value;
  }

  private expression(expression: string): string {
    const remote = REMOTE_OUTPUT.exec(expression);
    if (remote) return this.remoteOutput(remote[1], remote[2]);

    const reference = RESOURCE_REFERENCE.exec(expression);
    const fail = (why: string): never => {
      throw new Error(
        `cannot resolve \${${expression}} in stack ${this.stackName}: ${why}; ` +
          "teach test/access/synthesized.ts that reference instead of faking it in a test",
      );
    };
    if (!reference) return fail("not a resource attribute or cross-stack output");
    const [, type, id, attribute] = reference;
    const resource = this.json.resource?.[type]?.[id];
    if (!resource) return fail(`the stack has no ${type}.${id}`);
    const derive = FAKE_ATTRIBUTES[type]?.[attribute];
    if (!derive) return fail(`no fake value for attribute ${attribute} of ${type}`);
    const address = `${this.stackName}.${type}.${id}`;
    const optional = (name: string): string | undefined => {
      const value = resource[name];
      if (value === undefined) return undefined;
      if (typeof value !== "string") {
        return fail(`${type}.${id} has no literal ${name} (got ${JSON.stringify(value)})`);
      }
      return this.resolve(value);
    };
    return derive({
      at: this.at,
      get: (name) => optional(name) ?? fail(`${type}.${id} does not set ${name}`),
      optional,
      hex: (length) => crypto.createHash("sha256").update(address).digest("hex").slice(0, length),
    });
  }

  private remoteOutput(stack: string, output: string): string {
    const value = this.stacks.get(stack)?.output?.[output]?.value;
    if (typeof value !== "string") {
      throw new Error(
        `cannot resolve output ${output} of stack ${stack} (referenced by ${this.stackName})`,
      );
    }
    return new Resolver(this.stacks, stack).resolve(value);
  }
}
