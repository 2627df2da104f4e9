/**
 * Rules that relate several fields of an environment. Each check reports problems against the
 * field a user has to change, with the change to make. Rules a construct applies to the same
 * fields are shared with it (`podNetworkPlatformProblem`, `exposureProblem`, the VPC's zone and
 * subnet checks, the MetalLB layout); field-level rules are the schema's.
 */
import {
  contains,
  formatIpv4,
  overlaps,
  parseAddressRange,
  parseCidr,
  parseIpv4,
} from "../../constructs/shared/cidr";
import { podNetworkPlatformProblem } from "../../constructs/calico/props";
import { checkSystemCapacity } from "../../constructs/eks/system-capacity";
import { exposureProblem } from "../../constructs/ingress/props";
import { checkMetalLbLayout } from "../../constructs/metallb/layout";
import { subnetFitProblem, zoneRegionProblems } from "../../constructs/network/props";
import { stateKeyAlias } from "../backend";
import { parseNodeSegments } from "../../constructs/shared/node-network";
import {
  UNSUPPORTED_PARTITION_REASON,
  accountOfArn,
  partitionOfRegion,
} from "../../constructs/shared/aws-account";
import { internetExposure } from "../../constructs/shared/internet-exposure";
import { podNetworkMigrationProblem, podNetworkTraits } from "../../constructs/shared/pod-network";
import { eksSystemWorkloads } from "../system-workloads";
import { al2023AmiProblem } from "../../constructs/karpenter/ami";
import {
  componentSupportProblems,
  eksSupportFindings,
  supportDate,
} from "../../constructs/kubernetes-support";
import type { ChartName } from "../../constructs/versions";
import type { Path, Problem } from "../../constructs/shared/validation/issues";
import { pipelineProblems, pipelineSetProblems } from "./pipeline";
import {
  createsSpotServiceLinkedRole,
  type EksEnvironment,
  type Environment,
  type OnpremEnvironment,
} from "./schema";

export type { Problem };

/** A problem of one environment (by its index) that only shows in a set of environments. */
export interface SetProblem extends Problem {
  readonly environment: number;
}

type Report = (path: Path, message: string) => void;

/**
 * Services a cluster with no NAT needs VPC endpoints for: nodes pull images (ecr.api, ecr.dkr,
 * s3 for layers), join and authenticate (sts, eks, eks-auth for Pod Identity), and Karpenter
 * launches nodes and reads interruptions (ec2, ssm, sqs).
 */
export const ENDPOINTS_REQUIRED_WITHOUT_NAT = [
  "s3",
  "ecr.api",
  "ecr.dkr",
  "sts",
  "eks",
  "eks-auth",
  "ec2",
  "ssm",
  "sqs",
] as const;

/** IAM role names derived from the cluster name (`<cluster>-karpenter-controller`) stay under 64. */
export const MAX_CLUSTER_NAME_LENGTH = 38;

/**
 * Every cross-field problem of one environment. `today` (`YYYY-MM-DD`, UTC) dates the EKS
 * calendar checks; it defaults to `supportDate()`.
 */
export function crossFieldProblems(env: Environment, today: string = supportDate()): Problem[] {
  const problems: Problem[] = [];
  const report: Report = (path, message) => problems.push({ path, message });
  checkPodNetwork(env, report);
  checkIngress(env, report);
  checkKubernetesVersion(env, today, report);
  if (env.platform === "eks") {
    checkEks(env, report);
  } else {
    checkOnprem(env, report);
  }
  problems.push(...pipelineProblems(env));
  return problems;
}

/**
 * Rules across the environments one repository deploys: stack names, the state buckets their
 * bootstrap stacks create, and the IAM role names their clusters derive (unique per account).
 * Each problem is reported on the later of two environments in `envs`' order (give them in
 * promotion order: the later one is the one that introduced the clash), with a value to use
 * instead that no environment of the set holds. Plan runners that another environment's deploy
 * runner would take (`pipelineSetProblems`) are reported on the planned environment.
 */
export function environmentSetProblems(envs: readonly Environment[]): SetProblem[] {
  const problems: SetProblem[] = [];
  const owners = new Map<string, Environment>();
  /** Reports `clash(owner)` when an earlier environment holds `key`, otherwise takes it. */
  const claim = (key: string, index: number, clash: (owner: Environment) => Problem) => {
    const owner = owners.get(key);
    if (owner) problems.push({ environment: index, ...clash(owner) });
    else owners.set(key, envs[index]);
  };
  const eks = envs.filter((env): env is EksEnvironment => env.platform === "eks");
  const buckets = new Set(eks.flatMap((env) => (env.state ? [env.state.bucket] : [])));
  envs.forEach((env, index) => {
    claim(`name ${env.name}`, index, () => ({
      path: ["name"],
      message: `"${env.name}" is used by two environments; stack names must be unique`,
    }));
    if (env.platform !== "eks") return;
    const { accountId } = env.aws;
    if (env.state) {
      claim(`bucket ${env.state.bucket}`, index, (owner) => ({
        path: ["state", "bucket"],
        message:
          `"${env.state?.bucket}" is also the state bucket of ${owner.name}, and each EKS ` +
          `environment's <name>-bootstrap stack creates its own; name another, such as ` +
          freeValue(
            [`platform-tfstate-${accountId}`, `platform-tfstate-${accountId}-${env.name}`],
            buckets,
          ),
      }));
    }
    if (createsSpotServiceLinkedRole(env)) {
      claim(`spot role ${accountId}`, index, (owner) => ({
        path: ["aws", "createSpotServiceLinkedRole"],
        message:
          `${owner.name}'s bootstrap stack already creates AWSServiceRoleForEC2Spot in account ` +
          `${accountId}, and an account has one; set createSpotServiceLinkedRole: false here`,
      }));
    }
    const clusters = new Set(
      eks.filter((e) => e.aws.accountId === accountId).map((e) => e.cluster.name),
    );
    claim(`cluster ${accountId} ${env.cluster.name}`, index, (owner) => ({
      path: ["cluster", "name"],
      message:
        `"${env.cluster.name}" is also the cluster name of ${owner.name} in account ${accountId}, ` +
        `and the IAM role names derived from it must be unique in an account; use another, such as ` +
        freeValue([`${env.name}-platform`, `${env.name}-cluster`], clusters),
    }));
  });
  problems.push(...pipelineSetProblems(envs));
  return problems;
}

/** The first of `candidates` not in `taken`, else the last with the first free number appended. */
function freeValue(candidates: readonly string[], taken: ReadonlySet<string>): string {
  const free = candidates.find((candidate) => !taken.has(candidate));
  if (free !== undefined) return free;
  const base = candidates[candidates.length - 1];
  let n = 2;
  while (taken.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

function checkPodNetwork(env: Environment, report: Report): void {
  const { mode, podCidr, blockSize } = env.podNetwork;
  const pod = parseCidr(podCidr);
  const service = parseCidr(env.serviceCidr);
  if (pod && mode !== "policy-only" && blockSize < pod.prefix) {
    report(
      ["podNetwork", "blockSize"],
      `/${blockSize} blocks do not fit in the /${pod.prefix} pod CIDR; use a block size of at least ${pod.prefix}`,
    );
  }
  if (pod && service && mode !== "policy-only" && overlaps(pod, service)) {
    report(
      ["podNetwork", "podCidr"],
      `${podCidr} overlaps serviceCidr ${env.serviceCidr}; pick a disjoint range`,
    );
  }
}

/** The charts an environment's platform stack installs, as `COMPONENT_SUPPORT` names them. */
export function environmentComponents(env: Environment): ChartName[] {
  const ingress: ChartName =
    env.ingress.controller === "ingress-nginx" ? "ingressNginx" : "f5NginxIngress";
  return env.platform === "eks" ? ["calico", "karpenter", ingress] : ["calico", "metallb", ingress];
}

/**
 * The version must suit every pinned component (on-prem too), and on EKS be in standard support
 * unless the environment accepts extended support. Calendar warnings are the cluster construct's.
 */
function checkKubernetesVersion(env: Environment, today: string, report: Report): void {
  for (const problem of componentSupportProblems(
    env.kubernetesVersion,
    environmentComponents(env),
  )) {
    report(["kubernetesVersion"], problem);
  }
  if (env.platform !== "eks") return;
  const findings = eksSupportFindings(env.kubernetesVersion, {
    supportType: env.cluster.supportType,
    today,
    supportTypeField: "cluster.supportType",
  });
  for (const finding of findings) {
    if (finding.level === "error") report(["kubernetesVersion"], finding.message);
  }
}

function checkIngress(env: Environment, report: Report): void {
  const problem = exposureProblem(env.platform, env.ingress.exposure.type);
  if (problem) report(["ingress", "exposure", "type"], problem);
}

function checkEks(env: EksEnvironment, report: Report): void {
  const { aws, cluster } = env;

  if (
    !/^[a-z][a-z0-9-]*[a-z0-9]$/.test(cluster.name) ||
    cluster.name.length > MAX_CLUSTER_NAME_LENGTH
  ) {
    report(
      ["cluster", "name"],
      `must be 2 to ${MAX_CLUSTER_NAME_LENGTH} lowercase letters, digits and hyphens, starting with a letter ` +
        `(IAM role names are derived from it); got "${cluster.name}"`,
    );
  }

  // The stacks derive the partition from the region, so ARNs must be of that partition too.
  const partition = partitionOfRegion(aws.region);
  if (!partition) {
    report(
      ["aws", "region"],
      `${aws.region} is not supported (${UNSUPPORTED_PARTITION_REASON}); use a region of one of those partitions`,
    );
  } else {
    for (const { path, arn } of principalArns(env)) {
      if (!arn.startsWith(`arn:${partition}:`)) {
        report(
          path,
          `${arn} is not in ${aws.region}'s partition; write it as arn:${partition}:...`,
        );
      }
    }
  }
  checkAccounts(env, report);

  for (const { index, message } of zoneRegionProblems(aws.zones, aws.region)) {
    report(["aws", "zones", index], message);
  }

  const vpc = parseCidr(aws.vpcCidr);
  if (vpc) {
    const fit = subnetFitProblem(aws.vpcCidr, aws.zones, aws.subnetPrefixes);
    if (fit) report(["aws", "subnetPrefixes"], fit);
    const pod = parseCidr(env.podNetwork.podCidr);
    if (pod && env.podNetwork.mode !== "policy-only" && overlaps(pod, vpc)) {
      report(
        ["podNetwork", "podCidr"],
        `${env.podNetwork.podCidr} overlaps the VPC CIDR ${aws.vpcCidr}; Calico pods need a range outside the VPC`,
      );
    }
    const service = parseCidr(env.serviceCidr);
    if (service && overlaps(service, vpc)) {
      report(
        ["serviceCidr"],
        `${env.serviceCidr} overlaps the VPC CIDR ${aws.vpcCidr}; pick a disjoint range`,
      );
    }
  }
  if (env.state) checkStateOfBootstrap(env, env.state, report);
  if (aws.createSpotServiceLinkedRole && !env.state) {
    report(
      ["aws", "createSpotServiceLinkedRole"],
      `the ${env.name}-bootstrap stack creates it, and an environment without state has none; ` +
        "add state, or create the role once per account with `aws iam create-service-linked-role " +
        "--aws-service-name spot.amazonaws.com` and leave this unset",
    );
  }

  const modeProblem = podNetworkPlatformProblem("eks", env.podNetwork.mode);
  if (modeProblem) report(["podNetwork", "mode"], modeProblem);
  const { migratingFrom } = env.podNetwork;
  const migration =
    migratingFrom === undefined
      ? undefined
      : (podNetworkPlatformProblem("eks", migratingFrom) ??
        podNetworkMigrationProblem(env.podNetwork.mode, migratingFrom));
  if (migration) report(["podNetwork", "migratingFrom"], migration);

  if (aws.nat === "none") {
    const missing = ENDPOINTS_REQUIRED_WITHOUT_NAT.filter((s) => !aws.vpcEndpoints.includes(s));
    if (missing.length > 0) {
      report(
        ["aws", "nat"],
        `"none" leaves private nodes without internet access; add VPC endpoints for ${missing.join(", ")} ` +
          'to aws.vpcEndpoints, or use nat "single" or "per-zone"',
      );
    }
  }

  const { endpoint } = cluster;
  if (endpoint.public && env.tier === "prod") {
    // An empty list is EKS's default, 0.0.0.0/0.
    const exposure =
      endpoint.publicAccessCidrs.length === 0
        ? { sources: [], reach: "the whole IPv4 internet (no CIDRs is 0.0.0.0/0)" }
        : internetExposure(endpoint.publicAccessCidrs);
    if (exposure) {
      report(
        ["cluster", "endpoint", "publicAccessCidrs"],
        `a prod public endpoint must not be open to the internet, and ${exposure.sources.join(", ") || "this"} ` +
          `let in ${exposure.reach}; list the office/VPN CIDRs or turn the public endpoint off`,
      );
    }
  }

  checkSystemNodes(env, report);
  const { amiVersion } = env.karpenter;
  const amiProblem = amiVersion && al2023AmiProblem(amiVersion, env.kubernetesVersion);
  if (amiProblem) report(["karpenter", "amiVersion"], amiProblem);
}

/** Every ARN the environment names an IAM principal with, and where. */
function principalArns(env: EksEnvironment): { path: (string | number)[]; arn: string }[] {
  const { aws, cluster, kms } = env;
  return [
    ...(aws.assumeRoleArn ? [{ path: ["aws", "assumeRoleArn"], arn: aws.assumeRoleArn }] : []),
    ...cluster.admins.map((arn, i) => ({ path: ["cluster", "admins", i], arn })),
    ...kms.administrators.map((arn, i) => ({ path: ["kms", "administrators", i], arn })),
  ];
}

/**
 * Principals and the state key must be of the environment's account, or of one the file lists in
 * aws.trustedAccounts: otherwise a changed account ID in an ARN hands cluster admin, the keys or
 * the state to an account nobody reviewed.
 */
function checkAccounts(env: EksEnvironment, report: Report): void {
  const { accountId, trustedAccounts } = env.aws;
  const kmsKeyId = env.state?.kmsKeyId;
  const named = [
    ...principalArns(env),
    ...(kmsKeyId ? [{ path: ["state", "kmsKeyId"], arn: kmsKeyId }] : []),
  ];
  for (const { path, arn } of named) {
    const account = accountOfArn(arn);
    if (account === undefined || account === accountId || trustedAccounts.includes(account)) {
      continue;
    }
    report(
      path,
      `is in account ${account}, not the environment's ${accountId}; name a principal of ` +
        `${accountId}, or list ${account} in aws.trustedAccounts if that account is to have this access`,
    );
  }
  trustedAccounts.forEach((account, i) => {
    if (account === accountId) {
      report(
        ["aws", "trustedAccounts", i],
        `${account} is the environment's own account (aws.accountId), always trusted; remove it`,
      );
    }
  });
}

/** What the environment's `<name>-bootstrap` stack creates must be what its state points at. */
function checkStateOfBootstrap(
  env: EksEnvironment,
  state: NonNullable<EksEnvironment["state"]>,
  report: Report,
): void {
  const { region } = env.aws;
  // The bootstrap stack creates the bucket with the environment's provider, in its region.
  if (state.region !== region) {
    report(
      ["state", "region"],
      `${state.region} is not the environment's region ${region}: ${env.name}-bootstrap creates ` +
        `the state bucket with the environment's AWS provider, in ${region}; set state.region to ${region}`,
    );
  }
  // A copied file keeps the state key alias of the environment it was copied from.
  const other = /^alias\/([^/]+)\/tfstate$/.exec(state.kmsKeyId ?? "")?.[1];
  if (other !== undefined && other !== env.name) {
    report(
      ["state", "kmsKeyId"],
      `${state.kmsKeyId} is the state key of ${other}-bootstrap, but this environment's state ` +
        `bucket is ${env.name}-bootstrap's, whose key is alias/${stateKeyAlias(env.name)}; use that`,
    );
  }
}

/** The system node group holds Calico, CoreDNS and Karpenter with one node drained. */
function checkSystemNodes(env: EksEnvironment, report: Report): void {
  const { instanceTypes, minSize } = env.cluster.systemNodeGroup;
  try {
    const { problems } = checkSystemCapacity({
      instanceTypes,
      minSize,
      // With the VPC CNI the ENI limit is usually lower; the larger figure reserves more memory.
      maxPods: env.cluster.maxPods,
      workloads: eksSystemWorkloads(env.podNetwork.mode),
    });
    for (const problem of problems) report(["cluster", "systemNodeGroup"], problem);
  } catch (error) {
    report(["cluster", "systemNodeGroup", "instanceTypes"], (error as Error).message);
  }
}

function checkOnprem(env: OnpremEnvironment, report: Report): void {
  const { mode } = env.podNetwork;
  if (env.state?.bootstrapStateInBucket) {
    report(
      ["state", "bootstrapStateInBucket"],
      "applies to the bootstrap stack of an EKS environment; on-prem has none (create its state bucket elsewhere), so remove it",
    );
  }
  const modeProblem = podNetworkPlatformProblem("onprem", mode);
  if (modeProblem) report(["podNetwork", "mode"], modeProblem);
  if (env.podNetwork.migratingFrom !== undefined) {
    report(
      ["podNetwork", "migratingFrom"],
      "keeps an EKS node security group open during a mode switch; on-prem there is none " +
        "(node firewalls are not managed here), so switch mode directly and remove it",
    );
  }

  if (podNetworkTraits(mode).singleSubnetOnly && env.nodeSegments.length > 1) {
    report(
      ["podNetwork", "mode"],
      `"${mode}" needs every node in one L2 subnet, but nodeSegments lists ${env.nodeSegments.length}; ` +
        'use "ipip-cross-subnet" or "vxlan-cross-subnet", or put the nodes in one subnet',
    );
  }

  const segments = parseNodeSegments(env.nodeSegments);
  for (const problem of segments.problems)
    report(["nodeSegments", ...problem.path], problem.message);
  const pod = parseCidr(env.podNetwork.podCidr);
  const service = parseCidr(env.serviceCidr);
  for (const { index, cidr } of segments.parsed) {
    if (pod && overlaps(pod, cidr)) {
      report(
        ["podNetwork", "podCidr"],
        `${pod.cidr} overlaps nodeSegments[${index}] ${cidr.cidr}; pick a disjoint range`,
      );
    }
    if (service && overlaps(service, cidr)) {
      report(
        ["serviceCidr"],
        `${service.cidr} overlaps nodeSegments[${index}] ${cidr.cidr}; pick a disjoint range`,
      );
    }
  }

  checkBgpSpeakers(env, report);

  const { metallb } = env;
  if (!metallb.l2 && !metallb.bgp && !metallb.calicoAnnounces) {
    report(["metallb"], "announces nothing: add l2, bgp or calicoAnnounces");
  }
  const layout = checkMetalLbLayout({
    pools: metallb.pools,
    l2: metallb.l2,
    bgp: metallb.bgp,
    calicoAnnounces: metallb.calicoAnnounces,
    segments: segments.parsed,
    reserved: [
      ...(pod ? [{ label: `podNetwork.podCidr ${pod.cidr}`, range: pod }] : []),
      ...(service ? [{ label: `serviceCidr ${service.cidr}`, range: service }] : []),
    ],
  });
  for (const problem of layout.problems) report(["metallb", ...problem.path], problem.message);
  const poolNames = new Set(metallb.pools.map((p) => p.name));

  const { exposure } = env.ingress;
  if (exposure.type === "metallb") {
    if (exposure.pool && !poolNames.has(exposure.pool)) {
      report(
        ["ingress", "exposure", "pool"],
        `names pool "${exposure.pool}", which metallb.pools does not define`,
      );
    }
    const address = exposure.address === undefined ? undefined : parseIpv4(exposure.address);
    if (address !== undefined) {
      const pools = metallb.pools.filter((p) => !exposure.pool || p.name === exposure.pool);
      const inPool = pools.some((p) =>
        p.addresses.some((a) => {
          const r = parseAddressRange(a);
          return r !== undefined && contains(r, { first: address, last: address });
        }),
      );
      if (!inPool) {
        report(
          ["ingress", "exposure", "address"],
          `${formatIpv4(address)} is not in ${exposure.pool ? `pool "${exposure.pool}"` : "any MetalLB pool"}; ` +
            "pick an address from metallb.pools",
        );
      }
    }
  }
}

/**
 * MetalLB's BGP and Calico's cannot share the nodes: BGP allows one session per pair of hosts,
 * so a router peering with Calico refuses MetalLB's session, and both want TCP 179 on the node.
 * Calico announces the LoadBalancer addresses itself instead.
 */
function checkBgpSpeakers(env: OnpremEnvironment, report: Report): void {
  const { mode } = env.podNetwork;
  const calicoRunsBgp = podNetworkTraits(mode).bgp;
  const { metallb, calicoBgp } = env;
  if (calicoRunsBgp && metallb.bgp) {
    report(
      ["metallb", "bgp"],
      `cannot run beside Calico's BGP ("${mode}" runs it): routers accept one BGP session per ` +
        "pair of hosts and both speakers want TCP 179 on the nodes; let Calico announce the " +
        "pools instead (metallb.calicoAnnounces, with the routers in calicoBgp.peers), announce " +
        'them with metallb.l2, or use "vxlan" (no Calico BGP)',
    );
  }
  if (metallb.calicoAnnounces && !calicoRunsBgp) {
    report(
      ["metallb", "calicoAnnounces"],
      `needs Calico to run BGP, which "${mode}" does not; use "direct" or an IPIP mode, or ` +
        "announce the pools with metallb.l2 or metallb.bgp",
    );
  } else if (metallb.calicoAnnounces && !calicoBgp) {
    report(
      ["metallb", "calicoAnnounces"],
      "Calico announces only to its BGP peers; list the routers in calicoBgp.peers",
    );
  }
  if (calicoBgp && !calicoRunsBgp) {
    report(
      ["calicoBgp"],
      `"${mode}" does not run Calico's BGP; remove calicoBgp or choose "direct" or an IPIP mode`,
    );
  }
}
