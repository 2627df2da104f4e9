/**
 * A consumer passes the pod network mode to each construct of a cluster, in two stacks. Synth
 * must refuse constructs of one cluster that were given different modes (naming both), and accept
 * different modes for different clusters of one app.
 */
import { App, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import * as fs from "fs";
import { Calico } from "../../constructs/calico";
import { EksCluster } from "../../constructs/eks";
import { NginxIngress } from "../../constructs/ingress";
import { KarpenterAws } from "../../constructs/karpenter";
import { declarePodNetworkMode } from "../../constructs/shared/pod-network-agreement";
import type { PodNetworkMode } from "../../constructs/shared/pod-network";
import { awsProvider } from "../../stacks/aws-provider";
import { kubernetesProviders } from "../../stacks/kubernetes-access";

const TARGET = { accountId: "111111111111", region: "eu-west-1" };
const KEY = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000";

interface Modes {
  readonly cluster: PodNetworkMode;
  readonly clusterMigratingFrom?: PodNetworkMode;
  readonly karpenter: PodNetworkMode;
  readonly calico: PodNetworkMode;
}

/** An infra stack (EksCluster, KarpenterAws) and a platform stack (Calico) for one cluster. */
function compose(app: App, name: string, modes: Modes): void {
  const infra = new TerraformStack(app, `${name}-infra`);
  awsProvider(infra, { environment: name, owner: "team", target: TARGET, offline: true });
  const cluster = new EksCluster(infra, "cluster", {
    ...TARGET,
    name,
    kubernetesVersion: "1.35",
    vpcId: "vpc-0123456789abcdef0",
    vpcCidr: "10.30.0.0/16",
    controlPlaneSubnetIds: ["subnet-a", "subnet-b"],
    nodeSubnetIds: ["subnet-c"],
    kmsKeyArn: KEY,
    podNetworkMode: modes.cluster,
    podNetworkMigratingFrom: modes.clusterMigratingFrom,
    admins: ["arn:aws:iam::111111111111:role/platform-admin"],
  });
  new KarpenterAws(infra, "karpenter", {
    ...TARGET,
    clusterName: name,
    clusterArn: cluster.clusterArn,
    podNetworkMode: modes.karpenter,
    kmsKeyArn: KEY,
  });
  const platform = new TerraformStack(app, `${name}-platform`);
  kubernetesProviders(platform, {
    kind: "eks",
    clusterName: name,
    region: TARGET.region,
    endpoint: cluster.endpoint,
    certificateAuthorityData: cluster.certificateAuthorityData,
  });
  new Calico(platform, "calico", {
    platform: "eks",
    mode: modes.calico,
    podCidr: "10.244.0.0/16",
    vpcCidr: "10.30.0.0/16",
  });
}

function synthError(build: (app: App) => void): string {
  const app = Testing.app();
  build(app);
  try {
    app.synth();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("synth succeeded");
}

describe("pod network mode agreement", () => {
  it("refuses an EksCluster in ipip beside Calico and KarpenterAws in vxlan, naming both", () => {
    const message = synthError((app) =>
      compose(app, "team", { cluster: "ipip", karpenter: "vxlan", calico: "vxlan" }),
    );
    expect(message).toContain(
      `[team-infra/cluster] pod network mode "ipip" disagrees with "vxlan" of team-infra/karpenter (KarpenterAws)`,
    );
    expect(message).toContain(`"ipip" disagrees with "vxlan" of team-platform/calico (Calico)`);
  });

  it("writes no stack when the first stack's constructs agree and a later stack's do not", () => {
    const app = Testing.app();
    compose(app, "team", { cluster: "vxlan", karpenter: "vxlan", calico: "ipip" });
    expect(() => app.synth()).toThrow(
      /\[team-infra\/cluster\] pod network mode "vxlan" disagrees with "ipip" of team-platform\/calico \(Calico\)/,
    );
    expect(fs.existsSync(`${app.outdir}/stacks/team-infra`)).toBe(false);
  });

  it("links a platform stack without a cluster name through the constructs that share it", () => {
    const message = synthError((app) => {
      compose(app, "team", { cluster: "vxlan", karpenter: "vxlan", calico: "vxlan" });
      const platform = app.node.findChild("team-platform") as TerraformStack;
      new NginxIngress(platform, "ingress", {
        tier: "dev",
        platform: "eks",
        podNetworkMode: "policy-only",
        exposure: { type: "nlb", scheme: "internal" },
      });
    });
    expect(message).toContain(
      `[team-infra/cluster] pod network mode "vxlan" disagrees with "policy-only" of team-platform/ingress (NginxIngress)`,
    );
  });

  it("accepts one mode per cluster, and different modes for different clusters", () => {
    const app = Testing.app();
    compose(app, "blue", { cluster: "ipip", karpenter: "ipip", calico: "ipip" });
    compose(app, "green", { cluster: "vxlan", karpenter: "vxlan", calico: "vxlan" });
    expect(() => app.synth()).not.toThrow();
  });

  it("accepts an EksCluster migrating from the other constructs' mode (both modes' ports open)", () => {
    const app = Testing.app();
    compose(app, "team", {
      cluster: "ipip",
      clusterMigratingFrom: "vxlan",
      karpenter: "vxlan",
      calico: "vxlan",
    });
    expect(() => app.synth()).not.toThrow();
  });

  it("accepts a construct that declares both modes of a migration", () => {
    const app = Testing.app();
    compose(app, "team", { cluster: "vxlan", karpenter: "vxlan", calico: "vxlan" });
    const infra = app.node.findChild("team-infra") as TerraformStack;
    const migrating = new Construct(infra, "migrating");
    declarePodNetworkMode(migrating, { modes: ["ipip", "vxlan"], clusterName: "team" });
    expect(() => app.synth()).not.toThrow();
  });
});
