import { chartReferences } from "../../scripts/lib/charts/references";
import type { SynthJson } from "../support/synth";

describe("the upstream charts a synthesized stack uses", () => {
  it("lists each repository chart once, from releases and helm_template data sources", () => {
    const stacks = new Map<string, SynthJson>([
      [
        "a-platform",
        {
          resource: {
            helm_release: {
              calico: {
                chart: "tigera-operator",
                repository: "https://docs.tigera.io/calico/charts/",
                version: "v3.31.7",
              },
              karpenter: {
                chart: "karpenter",
                repository: "oci://public.ecr.aws/karpenter",
                version: "1.14.1",
              },
              own: { chart: "assets/manifests_chart/ABC" },
            },
          },
          data: {
            helm_template: {
              crds: { chart: "oci://ghcr.io/nginx/charts/nginx-ingress", version: "2.7.0" },
            },
          },
        },
      ],
      [
        "b-platform",
        {
          resource: {
            helm_release: {
              karpenter: {
                chart: "karpenter",
                repository: "oci://public.ecr.aws/karpenter",
                version: "1.14.1",
              },
            },
          },
        },
      ],
    ]);
    expect(chartReferences(stacks)).toEqual([
      { repository: "oci://public.ecr.aws/karpenter", chart: "karpenter", version: "1.14.1" },
      { repository: "oci://ghcr.io/nginx/charts", chart: "nginx-ingress", version: "2.7.0" },
      {
        repository: "https://docs.tigera.io/calico/charts",
        chart: "tigera-operator",
        version: "v3.31.7",
      },
    ]);
  });

  it("refuses a repository chart without an exact version, naming the release", () => {
    const stacks = new Map<string, SynthJson>([
      [
        "a-platform",
        {
          resource: {
            helm_release: {
              loose: {
                chart: "metallb",
                repository: "https://metallb.github.io/metallb",
                version: "~0.15",
              },
            },
          },
        },
      ],
    ]);
    expect(() => chartReferences(stacks)).toThrow(
      "a-platform loose: chart metallb from https://metallb.github.io/metallb has no exact version (~0.15)",
    );
  });
});
