import { Testing } from "cdktf";
import { parseEnvironment } from "../../stacks/environment/validate";
import { PlatformStack } from "../../stacks/platform-stack";
import { CalicoValues } from "../../constructs/calico";
import { HelmRelease, resourcesOf, synthStack } from "../support/synth";
import { findEnvironmentFile } from "../../stacks/environments";

const onprem = findEnvironmentFile("onprem").input;

interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}

function releasesOf(input: unknown): Record<string, HelmRelease> {
  const stack = new PlatformStack(Testing.app(), "onprem-platform", {
    environment: parseEnvironment(input),
    offline: true,
  });
  const releases = Object.values(resourcesOf<HelmRelease>(synthStack(stack), "helm_release"));
  return Object.fromEntries(releases.map((r) => [r.name, r]));
}

const manifestsOf = (release: HelmRelease) =>
  (JSON.parse(release.values[0]) as { manifests: Manifest[] }).manifests;

describe("onprem-platform", () => {
  it("gives Calico the node segments for overlap checks and node address detection", () => {
    const { calico } = releasesOf(onprem);
    const values = JSON.parse(calico.values[0]) as CalicoValues;
    expect(values.installation.calicoNetwork.nodeAddressAutodetectionV4).toEqual({
      cidrs: ["192.168.10.0/24"],
    });
  });

  it("lets Calico announce a routed pool that MetalLB only allocates from", () => {
    const releases = releasesOf({
      ...onprem,
      calicoBgp: {
        asNumber: 64600,
        peers: [{ name: "tor", peerAddress: "192.168.10.1", asNumber: 64513 }],
      },
      metallb: {
        pools: [{ name: "public", addresses: ["192.168.20.0/28"] }],
        calicoAnnounces: {},
      },
      ingress: { ...onprem.ingress, exposure: { type: "metallb", pool: "public" } },
    });
    const calicoBgp = releases["calico-bgp"];
    // Calico's CRDs exist once Calico reports Available.
    expect(calicoBgp.depends_on).toEqual([
      expect.stringMatching(/^terraform_data\.calico_ready_wait_/),
    ]);
    expect(manifestsOf(calicoBgp)).toEqual([
      expect.objectContaining({
        kind: "BGPConfiguration",
        spec: {
          asNumber: 64600,
          nodeToNodeMeshEnabled: true,
          serviceLoadBalancerIPs: [{ cidr: "192.168.20.0/28" }],
        },
      }),
      expect.objectContaining({
        kind: "BGPPeer",
        spec: { peerIP: "192.168.10.1", asNumber: 64513 },
      }),
    ]);
    expect(manifestsOf(releases["metallb-resources"]).map((m) => m.kind)).toEqual([
      "IPAddressPool",
    ]);
    // No speaker and no FRR-K8s: Calico alone speaks BGP on the nodes.
    expect(releases.metallb.values).toEqual([
      JSON.stringify({
        speaker: { enabled: false, frr: { enabled: false } },
        frrk8s: { enabled: false },
      }),
    ]);
  });

  it("installs no Calico BGP settings when the routers are not named", () => {
    expect(releasesOf(onprem)["calico-bgp"]).toBeUndefined();
  });
});
