import * as path from "path";
import { AssetType, ITerraformDependable, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { Release } from "@cdktf/provider-helm/lib/release";

export interface ManifestsReleaseProps {
  /** Helm release name; unique in its namespace. */
  readonly releaseName: string;
  readonly namespace: string;
  /** Complete Kubernetes objects (apiVersion, kind, metadata, ...), rendered in order. */
  readonly manifests: readonly object[];
  /** Usually the release that installs the CRDs and webhooks these objects need. */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Installs custom resources through a tiny chart owned by this project instead of
 * `kubernetes_manifest`, which reads the CRD at plan time and so fails on a fresh cluster when
 * the same plan installs the CRD. `wait` makes Helm hold until the objects are accepted, and the
 * release depends on the operator's release, whose own `wait` has its webhooks up first.
 */
export class ManifestsRelease extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: ManifestsReleaseProps) {
    super(scope, id);
    if (props.manifests.length === 0) {
      throw new Error(
        `${this.node.path}: manifests is empty; pass at least one object or omit the release`,
      );
    }
    const chart = new TerraformAsset(this, "chart", {
      path: path.join(__dirname, "manifests-chart"),
      type: AssetType.DIRECTORY,
    });
    this.release = new Release(this, "release", {
      name: props.releaseName,
      namespace: props.namespace,
      chart: chart.path,
      values: [JSON.stringify({ manifests: props.manifests })],
      wait: true,
      atomic: true,
      maxHistory: 5,
      dependsOn: props.dependsOn,
    });
  }
}
