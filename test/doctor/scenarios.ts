/**
 * Cluster and AWS fixtures for the doctor: a healthy EKS (dev) and on-prem cluster recorded as
 * `kubectl get -o json` lists, and failure scenarios that each replace or remove a few objects
 * of one of them (or swap the EC2 responses).
 */
import * as fs from "fs";
import * as path from "path";
import type {
  DescribeInstancesCommandOutput,
  DescribeSecurityGroupsCommandOutput,
} from "@aws-sdk/client-ec2";
import type { KubeObject } from "./fake-api-server";

const FIXTURES = path.join(__dirname, "fixtures");

export interface AwsResponses {
  readonly DescribeSecurityGroups: Partial<DescribeSecurityGroupsCommandOutput>;
  readonly DescribeInstances: Partial<DescribeInstancesCommandOutput>;
}

/** Objects to drop: all fields given must match; a namespace alone drops the whole namespace. */
interface Removal {
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
}

interface ScenarioFile {
  readonly description: string;
  readonly base: string;
  readonly replace?: readonly KubeObject[];
  readonly remove?: readonly Removal[];
  readonly aws?: AwsResponses;
}

export interface Scenario {
  readonly description: string;
  readonly objects: readonly KubeObject[];
  /** EKS scenarios only. */
  readonly aws?: AwsResponses;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as T;
}

const sameObject = (a: KubeObject, b: KubeObject) =>
  a.apiVersion === b.apiVersion &&
  a.kind === b.kind &&
  a.metadata.name === b.metadata.name &&
  a.metadata.namespace === b.metadata.namespace;

function removed(object: KubeObject, removal: Removal): boolean {
  return (
    (removal.kind === undefined || object.kind === removal.kind) &&
    (removal.name === undefined || object.metadata.name === removal.name) &&
    (removal.namespace === undefined || object.metadata.namespace === removal.namespace)
  );
}

function baseScenario(base: string): Scenario {
  const objects = readJson<{ items: KubeObject[] }>(`${base}.json`).items;
  const awsFile = `${base}.aws.json`;
  const aws = fs.existsSync(path.join(FIXTURES, awsFile))
    ? readJson<AwsResponses>(awsFile)
    : undefined;
  return { description: base, objects, aws };
}

/** `eks-healthy`, `onprem-healthy`, or a file of fixtures/scenarios applied to its base. */
export function loadScenario(name: string): Scenario {
  if (name.endsWith("-healthy")) return baseScenario(name);
  const file = readJson<ScenarioFile>(path.join("scenarios", `${name}.json`));
  const base = baseScenario(file.base);
  const replacements = file.replace ?? [];
  const objects = [
    ...base.objects.filter(
      (o) =>
        !replacements.some((r) => sameObject(o, r)) &&
        !(file.remove ?? []).some((removal) => removed(o, removal)),
    ),
    ...replacements,
  ];
  return { description: file.description, objects, aws: file.aws ?? base.aws };
}

/** Every scenario file name. */
export function scenarioNames(): string[] {
  return fs
    .readdirSync(path.join(FIXTURES, "scenarios"))
    .map((f) => path.basename(f, ".json"))
    .sort();
}
