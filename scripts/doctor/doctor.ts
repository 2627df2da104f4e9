import type { EC2Client } from "@aws-sdk/client-ec2";
import {
  DEFAULT_INTERFACE_MTU,
  podMtu,
  podNetworkTraits,
} from "../../constructs/shared/pod-network";
import type { Environment } from "../../stacks/environment/schema";
import { KubeReader, type ReadLimits } from "../lib/cluster/kube-reader";
import type { KubeConfig } from "../lib/cluster/kubernetes-client";
import { collectAws } from "./aws";
import type { DoctorCheck, DoctorContext, Finding, Verdict } from "./check";
import { ALL_CHECKS } from "./checks";
import { collectSnapshot } from "./snapshot";

/** The doctor's result: what `--json` prints. */
export interface DoctorReport {
  readonly environment: string;
  readonly platform: Environment["platform"];
  readonly mode: Environment["podNetwork"]["mode"];
  readonly interfaceMtu: number;
  readonly podMtu: number;
  readonly findings: readonly Finding[];
  readonly summary: Readonly<Record<Verdict, number>>;
}

/** Runs every check that applies to the environment, in checklist order. */
export function diagnose(
  ctx: DoctorContext,
  checks: readonly DoctorCheck[] = ALL_CHECKS,
): Finding[] {
  return checks
    .filter((check) => check.appliesTo(ctx))
    .flatMap((check) => check.run(ctx).map((outcome) => ({ check: check.id, ...outcome })));
}

export interface DoctorClients {
  readonly kubeConfig: KubeConfig;
  /** Required on EKS. */
  readonly ec2?: EC2Client;
  /** Stops every request: the overall deadline, Ctrl-C. */
  readonly signal?: AbortSignal;
  /** Per-request deadline, response and list size caps. */
  readonly limits?: ReadLimits;
}

/** Reads the cluster (and AWS) once, then checks it against the environment. */
export async function runDoctor(env: Environment, clients: DoctorClients): Promise<DoctorReport> {
  const reader = new KubeReader(clients.kubeConfig, clients.signal, clients.limits);
  const cluster = await collectSnapshot(env, reader);
  let aws;
  if (env.platform === "eks") {
    if (!clients.ec2)
      throw new Error(`environment ${env.name} is on EKS: the doctor needs an EC2 client`);
    aws = await collectAws(env, cluster.nodes, clients.ec2, clients.signal);
  }
  const traits = podNetworkTraits(env.podNetwork.mode);
  const findings = diagnose({ env, traits, cluster, aws });
  const interfaceMtu = env.podNetwork.interfaceMtu ?? DEFAULT_INTERFACE_MTU[env.platform];
  const count = (verdict: Verdict) => findings.filter((f) => f.verdict === verdict).length;
  return {
    environment: env.name,
    platform: env.platform,
    mode: env.podNetwork.mode,
    interfaceMtu,
    podMtu: podMtu(env.podNetwork.mode, interfaceMtu),
    findings,
    summary: { pass: count("pass"), warn: count("warn"), fail: count("fail") },
  };
}
