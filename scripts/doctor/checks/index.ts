import type { DoctorCheck } from "../check";
import { awsNodePorts, awsSourceDestCheck } from "./aws-network";
import { bgpSessions } from "./bgp-sessions";
import { calicoBgp, calicoCni, calicoIpPool, calicoMtu } from "./calico-config";
import { calicoNode, calicoOperator, calicoTypha } from "./calico-components";
import { ingressAddress } from "./ingress";
import { karpenterInitialization, karpenterLaunch } from "./karpenter";
import {
  metallbAdvertisements,
  metallbServices,
  metallbSpeakers,
  metallbStrictArp,
} from "./metallb";
import { nodesCni } from "./nodes";
import { podSandbox } from "./pods";

/** Every check, in the order the checklist prints them: from the nodes up to the ingress. */
export const ALL_CHECKS: readonly DoctorCheck[] = [
  nodesCni,
  podSandbox,
  calicoOperator,
  calicoNode,
  calicoTypha,
  calicoCni,
  calicoIpPool,
  calicoBgp,
  calicoMtu,
  bgpSessions,
  awsNodePorts,
  awsSourceDestCheck,
  karpenterLaunch,
  karpenterInitialization,
  metallbSpeakers,
  metallbAdvertisements,
  metallbServices,
  metallbStrictArp,
  ingressAddress,
];
