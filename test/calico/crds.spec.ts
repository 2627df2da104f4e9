import { Calico, CalicoProps } from "../../constructs/calico";
import { VERSIONS } from "../../constructs/versions";
import { HelmRelease, SynthJson, resourcesOf, synthConstruct } from "../support/synth";

const base: CalicoProps = {
  mode: "vxlan",
  platform: "eks",
  podCidr: "10.244.0.0/16",
  vpcCidr: "10.10.0.0/16",
  serviceCidr: "172.20.0.0/16",
};

function synth(props: Partial<CalicoProps> = {}): SynthJson {
  return synthConstruct((scope) => new Calico(scope, "calico", { ...base, ...props }));
}

function releases(json: SynthJson): Record<string, HelmRelease> {
  return Object.fromEntries(
    Object.values(resourcesOf<HelmRelease>(json, "helm_release")).map((r) => [r.chart, r]),
  );
}

describe("Calico's CRDs from v3.32", () => {
  const json = synth();
  const { "crd.projectcalico.org.v1": crds, "tigera-operator": operator } = releases(json);

  it("are a release of their own, of the companion chart at the operator's version", () => {
    expect(crds).toMatchObject({
      name: "calico-crds",
      repository: "https://docs.tigera.io/calico/charts",
      chart: "crd.projectcalico.org.v1",
      version: VERSIONS.calico,
      namespace: "tigera-operator",
      // Helm holds until every CRD is Established.
      wait: true,
    });
    expect(operator.version).toBe(VERSIONS.calico);
  });

  it("adopt the CRDs a v3.31 install left without Helm's ownership metadata", () => {
    expect(crds.take_ownership).toBe(true);
  });

  it("are never rolled back by uninstalling them (that would delete every IP pool)", () => {
    expect(crds.atomic).toBeUndefined();
  });

  it("come first: the operator release, whose chart renders the Installation, depends on them", () => {
    expect(operator.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^helm_release\.calico_crds_release_/)]),
    );
  });

  it("stay in the tigera-operator chart for versions before v3.32", () => {
    const old = releases(synth({ version: "v3.31.7" }));
    expect(Object.keys(old)).toEqual(["tigera-operator"]);
  });
});

describe("values Calico v3.32 no longer applies", () => {
  it.each([
    [{ installation: { cni: { specVersion: "0.3.1" } } }, "installation.cni.specVersion"],
    [
      { defaultFelixConfiguration: { iptablesLockTimeout: "10s" } },
      "defaultFelixConfiguration.iptablesLockTimeout",
    ],
  ])("refuses %j at synth", (valuesOverride, path) => {
    expect(() => synth({ valuesOverride })).toThrow(
      new RegExp(
        `CalicoProps\\.valuesOverride\\.${path.replace(/\./g, "\\.")}: sets .* which Calico v3\\.32 removed from its CRDs .*; remove it`,
      ),
    );
  });

  it("leaves them to an older pinned version", () => {
    expect(() =>
      synth({
        version: "v3.31.7",
        valuesOverride: { installation: { cni: { specVersion: "0.3.1" } } },
      }),
    ).not.toThrow();
  });
});
