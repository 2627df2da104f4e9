import * as path from "path";
import { AssetType, Fn, ITerraformDependable, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { Release } from "@cdktf/provider-helm/lib/release";
import { manifestsReleasePropsSchema } from "./props";
import { parseProps } from "./validation/parse-props";

export interface ManifestsReleaseProps {
  /** Helm release name; unique in its namespace. */
  readonly releaseName: string;
  readonly namespace: string;
  /**
   * Complete Kubernetes objects (apiVersion, kind, metadata, ...), rendered in order.
   * @default none (then `documents` is required)
   */
  readonly manifests?: readonly object[];
  /**
   * YAML documents rendered verbatim after `manifests`: objects known only at plan time, such as
   * the CRDs a `helm_template` data source reads out of a chart (`DataHelmTemplate.crds`, a list
   * token).
   * @default none
   */
  readonly documents?: string[];
  /** Create the namespace when it does not exist yet. @default false */
  readonly createNamespace?: boolean;
  /**
   * Adopt objects that exist without Helm ownership metadata, for example CRDs an earlier
   * release installed from its chart's `crds/` directory.
   * @default false
   */
  readonly takeOwnership?: boolean;
  /**
   * Keep the objects when the release is uninstalled or stops rendering them
   * (`helm.sh/resource-policy: keep` on each): for CRDs whose custom resources others create,
   * which Helm would otherwise delete with them.
   * @default false
   */
  readonly keep?: boolean;
  /**
   * Refuse to destroy or replace the release (Terraform `prevent_destroy`).
   * @default false
   */
  readonly protect?: boolean;
  /**
   * Usually the release that installs the CRDs and webhooks these objects need.
   * @default none
   */
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
  /** The objects passed in `manifests`, for checks that read them (tokens unresolved). */
  readonly manifests: readonly object[];

  constructor(scope: Construct, id: string, props: ManifestsReleaseProps) {
    super(scope, id);
    const p = parseProps(manifestsReleasePropsSchema, props, "ManifestsReleaseProps", this);
    this.manifests = p.manifests;
    const chart = new TerraformAsset(this, "chart", {
      path: path.join(__dirname, "manifests-chart"),
      type: AssetType.DIRECTORY,
    });
    this.release = new Release(this, "release", {
      name: p.releaseName,
      namespace: p.namespace,
      chart: chart.path,
      // Objects known at synth stay a plain JSON document (the policy pack reads them); plan-time
      // documents go into a second values document, merged over the first by Helm.
      values: [
        ...(this.manifests.length > 0 ? [JSON.stringify({ manifests: this.manifests })] : []),
        ...(p.documents !== undefined ? [Fn.jsonencode({ documents: p.documents })] : []),
        ...(p.keep ? [JSON.stringify({ resourcePolicy: "keep" })] : []),
      ],
      wait: true,
      atomic: true,
      maxHistory: 5,
      ...(p.createNamespace ? { createNamespace: true } : {}),
      ...(p.takeOwnership ? { takeOwnership: true } : {}),
      ...(p.protect ? { lifecycle: { preventDestroy: true } } : {}),
      dependsOn: p.dependsOn,
    });
  }
}
