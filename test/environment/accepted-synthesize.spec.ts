/**
 * What `parseEnvironment` accepts, the stacks build: environments at the edges of what the checks
 * allow (regions and partitions, name lengths, CIDR sizes, budgets, pools, state) synthesize
 * without a construct or policy error. The cases each stack would reject are in validate.spec.ts,
 * caught with the environment's own field path.
 */
import * as fs from "fs";
import { App } from "cdktf";
import { buildApp } from "../../stacks/app";
import { parseEnvironment } from "../../stacks/environment/validate";
import { findEnvironmentFile } from "../../stacks/environments";
import { tempOutdir } from "../support/app";
import { variant } from "../support/variant";

const dev = findEnvironmentFile("dev").input;
const staging = findEnvironmentFile("staging").input;
const onprem = findEnvironmentFile("onprem").input;

const inRegion = (region: string, zones: string[], partition = "aws") =>
  variant(staging, {
    aws: { region, zones: zones.map((z) => region + z) },
    cluster: { admins: [`arn:${partition}:iam::222222222222:role/platform-admin`] },
    kms: { administrators: [`arn:${partition}:iam::222222222222:role/platform-admin`] },
    state: { region },
  });

const ROUTERS = { peers: [{ name: "tor", peerAddress: "192.168.10.1", asNumber: 64513 }] };
const CROSS_SUBNET_SEGMENTS = [
  { cidr: "192.168.10.0/24", gateway: "192.168.10.1", nodeAddresses: ["192.168.10.10/31"] },
  { cidr: "192.168.11.0/24", nodeAddresses: ["192.168.11.10-192.168.11.20"] },
];

const cases: [string, unknown][] = [
  ["us-west-2, state bucket there too", inRegion("us-west-2", ["a", "b", "c"])],
  ["eu-central-1", inRegion("eu-central-1", ["a", "b"])],
  ["GovCloud (aws-us-gov)", inRegion("us-gov-west-1", ["a", "b"], "aws-us-gov")],
  ["no state bucket (local state)", variant(dev, { state: undefined })],
  [
    "bootstrap state moved into its bucket",
    variant(dev, { state: { bootstrapStateInBucket: true } }),
  ],
  [
    "the longest names",
    variant(dev, {
      name: "abcdefghijklmnop",
      cluster: { name: "a".repeat(38) },
      state: { kmsKeyId: "alias/abcdefghijklmnop/tfstate" },
    }),
  ],
  [
    "a /24 VPC with small subnets",
    variant(dev, {
      aws: { vpcCidr: "10.10.0.0/24", subnetPrefixes: { private: 26, public: 28, intra: 28 } },
    }),
  ],
  ["a /12 service range", variant(dev, { serviceCidr: "10.96.0.0/12" })],
  ["a /24 service range", variant(dev, { serviceCidr: "172.20.0.0/24" })],
  [
    "a /28 pod range with /28 blocks",
    variant(dev, { podNetwork: { podCidr: "100.64.0.0/28", blockSize: 28 } }),
  ],
  [
    "VXLAN at the smallest MTU",
    variant(dev, { podNetwork: { mode: "vxlan", interfaceMtu: 1280 } }),
  ],
  [
    "IRSA with the VPC CNI",
    variant(dev, { podNetwork: { mode: "policy-only" }, karpenter: { identity: "irsa" } }),
  ],
  [
    "scheduled budgets, 100% and a macro",
    variant(dev, {
      karpenter: {
        nodePools: [
          {
            name: "general",
            limits: { cpu: 8, memoryGi: 32 },
            budgets: [
              { nodes: "100%" },
              { nodes: "0", schedule: "@daily", duration: "1h30m" },
              { nodes: "1", schedule: "0 9 * * mon-fri", duration: "8h", reasons: ["Drifted"] },
            ],
          },
        ],
      },
    }),
  ],
  [
    "the community controller with whole-unit resources",
    variant(dev, {
      ingress: { controller: "ingress-nginx", resources: { cpu: "1", memory: "1Gi" } },
    }),
  ],
  ["on-prem VXLAN", variant(onprem, { podNetwork: { mode: "vxlan" } })],
  [
    "on-prem across two segments",
    variant(onprem, {
      podNetwork: { mode: "vxlan-cross-subnet" },
      nodeSegments: CROSS_SUBNET_SEGMENTS,
    }),
  ],
  [
    "on-prem with Calico announcing a routed pool",
    variant(onprem, {
      calicoBgp: ROUTERS,
      metallb: {
        pools: [
          { name: "ingress", addresses: ["192.168.10.240-192.168.10.250"] },
          { name: "routed", addresses: ["10.200.0.0/28"] },
        ],
        calicoAnnounces: { pools: ["routed"] },
      },
    }),
  ],
  [
    "on-prem with MetalLB's own BGP beside VXLAN",
    variant(onprem, {
      podNetwork: { mode: "vxlan" },
      metallb: {
        pools: [{ name: "ingress", addresses: ["10.200.0.0/28"] }],
        l2: undefined,
        bgp: {
          peers: [{ name: "tor", myASN: 64512, peerASN: 64513, peerAddress: "192.168.10.1" }],
        },
      },
      ingress: { exposure: { type: "metallb", pool: "ingress", address: "10.200.0.1" } },
    }),
  ],
  [
    "on-prem with its state in S3",
    variant(onprem, { state: { bucket: "platform-tfstate-onprem", region: "eu-west-1" } }),
  ],
];

describe("an environment parseEnvironment accepts synthesizes", () => {
  it.each(cases)("%s", (_, input) => {
    const environment = parseEnvironment(input);
    const outdir = tempOutdir("accepted-");
    try {
      const app = new App({ outdir });
      buildApp(app, [environment], { offline: false });
      expect(() => app.synth()).not.toThrow();
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
