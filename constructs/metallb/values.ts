import type { HelmValues } from "../shared/kubernetes";

/**
 * The metallb chart's values for what the environment announces. The BGP backend is chosen, not
 * inherited: from 0.16 the chart deploys FRR-K8s (a second privileged DaemonSet running FRR) by
 * default, even where nothing speaks BGP.
 *
 * - MetalLB's own BGP: FRR-K8s, upstream's default and the backend its BGP features (BFD,
 *   communities, VRFs) are developed on; the speaker's embedded FRR (`speaker.frr`) is the older
 *   mode and cannot run beside it.
 * - L2 only: no FRR at all; ARP announcement is the speaker's own.
 * - Only pools Calico announces: no speaker and no FRR; MetalLB's controller only allocates, and
 *   Calico's BIRD keeps TCP 179 on the nodes to itself.
 */
export function metallbChartValues(announce: {
  readonly l2: boolean;
  readonly bgp: boolean;
}): HelmValues {
  return {
    speaker: { enabled: announce.l2 || announce.bgp, frr: { enabled: false } },
    frrk8s: { enabled: announce.bgp },
  };
}
