import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { Release } from "@cdktf/provider-helm/lib/release";

/** Calico's CRD chart, released beside tigera-operator at the same version since v3.32. */
export const CALICO_CRD_CHART = {
  repository: "https://docs.tigera.io/calico/charts",
  chart: "crd.projectcalico.org.v1",
  releaseName: "calico-crds",
} as const;

/**
 * Whether a tigera-operator chart version leaves its CRDs to the `crd.projectcalico.org.v1`
 * chart: v3.32 and later ship none (the Installation it renders then needs them installed first);
 * earlier versions carry them in `crds/`, which Helm installs once and never upgrades.
 */
export function calicoCrdsInOwnChart(version: string): boolean {
  const match = /^v3\.(\d+)\./.exec(version);
  return match !== null && Number(match[1]) >= 32;
}

export interface CalicoCrdsProps {
  /** Chart version: the tigera-operator version (both carry a `v`). */
  readonly version: string;
  /** Namespace holding the release's record (the CRDs are cluster-scoped); it must exist. */
  readonly namespace: string;
  /** @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The `crd.projectcalico.org.v1` chart as its own release (`calico-crds`), applied before the
 * tigera-operator release and upgraded before it, as upstream's install and upgrade steps order
 * them. Its templates are the `crd.projectcalico.org` and `operator.tigera.io` CRDs.
 */
export class CalicoCrds extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: CalicoCrdsProps) {
    super(scope, id);
    this.release = new Release(this, "release", {
      name: CALICO_CRD_CHART.releaseName,
      repository: CALICO_CRD_CHART.repository,
      chart: CALICO_CRD_CHART.chart,
      version: props.version,
      namespace: props.namespace,
      // Helm waits until every CRD is Established, so the operator's Installation finds its kind.
      wait: true,
      // A cluster that ran Calico v3.31 or earlier has these CRDs from that chart's crds/ (and
      // the operator's -manage-crds), with no Helm ownership metadata: Helm would refuse them as
      // "exists and cannot be imported into the current release". Adopt them instead; their
      // objects (IP pools, policies, BGP settings) stay.
      takeOwnership: true,
      // Not atomic: rolling back a failed first install uninstalls the release, which would
      // delete the CRDs and with them every IP pool and policy of a running cluster.
      maxHistory: 5,
      dependsOn: props.dependsOn,
    });
  }
}
