import {
  EnvironmentValidationError,
  parseEnvironment,
  parseEnvironments,
} from "../../stacks/environment/validate";
import { createsSpotServiceLinkedRole } from "../../stacks/environment/schema";
import { variant } from "../support/variant";
import { DEFAULT_TERMINATION_GRACE_PERIOD } from "../../constructs/karpenter/node-pools";
import { VERSIONS } from "../../constructs/versions";
import { versionsSupportedBy } from "../../constructs/kubernetes-support";
import { contains, parseAddressRange, parseCidr, parseIpv4 } from "../../constructs/shared/cidr";
import {
  findEnvironmentFile,
  shippedEnvironmentFiles,
  shippedEnvironments,
} from "../../stacks/environments";

const dev = findEnvironmentFile("dev").input;
const onprem = findEnvironmentFile("onprem").input;
const prod = findEnvironmentFile("prod").input;
const staging = findEnvironmentFile("staging").input;

function problemsOf(input: unknown): { path: string; message: string }[] {
  try {
    parseEnvironment(input);
  } catch (e) {
    if (!(e instanceof EnvironmentValidationError)) throw e;
    return e.problems.map((p) => ({
      path: p.path
        .map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`))
        .join("")
        .replace(/^\./, ""),
      message: p.message,
    }));
  }
  throw new Error("expected the environment to be rejected");
}

describe("shipped environments", () => {
  it("fill defaults", () => {
    const prodEnv = findEnvironmentFile("prod").environment;
    expect(prodEnv.platform === "eks" && prodEnv.cluster.endpoint).toEqual({
      public: false,
      publicAccessCidrs: [],
    });
    expect(prodEnv.ingress.controller).toBe("f5-nginx");
  });

  it("carry the pod network modes the design calls for", () => {
    const modes = Object.fromEntries(shippedEnvironments().map((e) => [e.name, e.podNetwork.mode]));
    expect(modes).toMatchObject({
      dev: "ipip",
      staging: "ipip-cross-subnet",
      prod: "policy-only",
      onprem: "direct",
    });
  });

  it("fill Karpenter's defaults: AMI from kubernetesVersion, zonal shift off, bounded drains", () => {
    for (const env of shippedEnvironments()) {
      if (env.platform !== "eks") continue;
      expect(env.karpenter.amiVersion).toBeUndefined();
      expect(env.karpenter.enableZonalShift).toBe(false);
      for (const pool of env.karpenter.nodePools) {
        expect(pool.terminationGracePeriod).toBe(DEFAULT_TERMINATION_GRACE_PERIOD);
      }
    }
  });

  it("accept an explicit AMI release no older than the one pinned for the version", () => {
    // Every version the pinned components run on; EXTENDED so that the calendar allows each.
    for (const version of versionsSupportedBy(["calico", "karpenter", "f5NginxIngress"])) {
      const env = parseEnvironment(
        variant(dev, {
          kubernetesVersion: version,
          cluster: { supportType: "EXTENDED" },
          karpenter: { amiVersion: VERSIONS.al2023Ami[version] },
        }),
      );
      expect(env.platform === "eks" && env.karpenter.amiVersion).toBe(VERSIONS.al2023Ami[version]);
    }
  });

  it("rejects two environments with one name", () => {
    expect(() => parseEnvironments([dev, dev])).toThrow(/name: "dev" is used by two environments/);
  });
});

// [description, input, expected path, expected message fragment]
const badEksInputs: [string, unknown, string, RegExp][] = [
  [
    "pod CIDR overlapping the VPC",
    variant(dev, { podNetwork: { podCidr: "10.10.128.0/17" } }),
    "podNetwork.podCidr",
    /overlaps the VPC CIDR 10\.10\.0\.0\/16/,
  ],
  [
    "pod CIDR overlapping the service CIDR",
    variant(dev, { podNetwork: { podCidr: "172.20.0.0/16" } }),
    "podNetwork.podCidr",
    /overlaps serviceCidr 172\.20\.0\.0\/16/,
  ],
  [
    "service CIDR overlapping the VPC",
    variant(dev, { serviceCidr: "10.10.0.0/20" }),
    "serviceCidr",
    /overlaps the VPC CIDR/,
  ],
  [
    "subnets that do not fit the VPC",
    variant(dev, { aws: { vpcCidr: "10.10.0.0/20" } }),
    "aws.subnetPrefixes",
    /do not fit in 10\.10\.0\.0\/20 \(.*\); use a larger VPC CIDR/,
  ],
  [
    "direct mode across several subnets on AWS",
    variant(dev, { podNetwork: { mode: "direct" } }),
    "podNetwork.mode",
    /needs every node in one L2 subnet.*ipip-cross-subnet/,
  ],
  [
    "duplicate zones",
    variant(dev, { aws: { zones: ["ap-northeast-2a", "ap-northeast-2a"] } }),
    "aws.zones[1]",
    /listed twice/,
  ],
  [
    "too few zones",
    variant(dev, { aws: { zones: ["ap-northeast-2a"] } }),
    "aws.zones",
    /must list 2 or 3 availability zones/,
  ],
  [
    "too many zones",
    variant(dev, {
      aws: { zones: ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c", "ap-northeast-2d"] },
    }),
    "aws.zones",
    /must list 2 or 3 availability zones .*; got 4/,
  ],
  [
    "a zone outside the region",
    variant(dev, { aws: { zones: ["ap-northeast-2a", "us-east-1a"] } }),
    "aws.zones[1]",
    /not a zone of ap-northeast-2/,
  ],
  [
    "NAT none without endpoints",
    variant(dev, { aws: { nat: "none" } }),
    "aws.nat",
    /add VPC endpoints for ecr\.api, ecr\.dkr/,
  ],
  [
    "a China region (aws-cn names principals and endpoints differently)",
    variant(dev, { aws: { region: "cn-north-1", zones: ["cn-north-1a", "cn-north-1b"] } }),
    "aws.region",
    /cn-north-1 is not supported \(only "aws" and "aws-us-gov" .*\); use a region of one/,
  ],
  [
    "an aws-cn admin ARN",
    variant(dev, { cluster: { admins: ["arn:aws-cn:iam::111111111111:role/platform-admin"] } }),
    "cluster.admins[0]",
    /in the "aws" or "aws-us-gov" partition/,
  ],
  [
    "a commercial ARN in a GovCloud environment",
    variant(dev, {
      aws: { region: "us-gov-west-1", zones: ["us-gov-west-1a", "us-gov-west-1b"] },
      kms: { administrators: ["arn:aws-us-gov:iam::111111111111:role/platform-admin"] },
    }),
    "cluster.admins[0]",
    /is not in us-gov-west-1's partition; write it as arn:aws-us-gov:/,
  ],
  [
    "cluster name with capitals",
    variant(dev, { cluster: { name: "Dev_Cluster" } }),
    "cluster.name",
    /lowercase letters, digits and hyphens/,
  ],
  [
    "cluster name too long",
    variant(dev, { cluster: { name: "a".repeat(39) } }),
    "cluster.name",
    /2 to 38/,
  ],
  [
    "unsupported Kubernetes version",
    variant(dev, { kubernetesVersion: "1.24" }),
    "kubernetesVersion",
    /^"1\.24" is not one of 1\.32, 1\.33, 1\.34, 1\.35, 1\.36 \(the versions VERSIONS pins AL2023 AMIs for\)$/,
  ],
  [
    "account ID of the wrong length",
    variant(dev, { aws: { accountId: "12345" } }),
    "aws.accountId",
    /12-digit AWS account ID/,
  ],
  [
    "public endpoint open to the world in prod",
    variant(prod, { cluster: { endpoint: { public: true, publicAccessCidrs: ["0.0.0.0/0"] } } }),
    "cluster.endpoint.publicAccessCidrs",
    /prod public endpoint must not be open to the internet, and 0\.0\.0\.0\/0 let in the whole IPv4 internet/,
  ],
  [
    "public endpoint with no allowlist in prod",
    variant(prod, { cluster: { endpoint: { public: true } } }),
    "cluster.endpoint.publicAccessCidrs",
    /must not be open/,
  ],
  [
    "allowlist with the public endpoint off",
    variant(dev, {
      cluster: { endpoint: { public: false, publicAccessCidrs: ["203.0.113.0/24"] } },
    }),
    "cluster.endpoint.publicAccessCidrs",
    /public endpoint is off/,
  ],
  [
    "malformed VPC CIDR",
    variant(dev, { aws: { vpcCidr: "10.10.0.1/16" } }),
    "aws.vpcCidr",
    /no host bits set/,
  ],
  [
    "admin that is not an IAM ARN",
    variant(dev, { cluster: { admins: ["alice"] } }),
    "cluster.admins[0]",
    /must be an IAM role or user ARN/,
  ],
  ["no admins", variant(dev, { cluster: { admins: [] } }), "cluster.admins", /at least one admin/],
  [
    "node group sizes out of order",
    variant(dev, { cluster: { systemNodeGroup: { minSize: 3, desiredSize: 2, maxSize: 3 } } }),
    "cluster.systemNodeGroup",
    /minSize <= desiredSize <= maxSize/,
  ],
  [
    "unknown field (typo)",
    variant(dev, { cluster: { adminz: [] } }),
    "cluster",
    /^unknown field "adminz"; did you mean "admins"\?$/,
  ],
  [
    "unknown pod network mode",
    variant(dev, { podNetwork: { mode: "flannel" } }),
    "podNetwork.mode",
    /ipip.*policy-only/,
  ],
  [
    "block size outside Calico's range",
    variant(dev, { podNetwork: { blockSize: 33 } }),
    "podNetwork.blockSize",
    /must be a whole number from 20 to 32; got 33/,
  ],
  [
    "block size larger than the pool",
    variant(dev, { podNetwork: { podCidr: "10.244.0.0/24", blockSize: 20 } }),
    "podNetwork.blockSize",
    /do not fit in the \/24 pod CIDR/,
  ],
  [
    "MetalLB exposure on EKS",
    { ...dev, ingress: { ...dev.ingress, exposure: { type: "metallb" } } },
    "ingress.exposure.type",
    /VPC answers ARP itself and has no BGP/,
  ],
  [
    "duplicate node pool names",
    variant(dev, {
      karpenter: {
        nodePools: [
          { name: "a", limits: { cpu: 1, memoryGi: 1 } },
          { name: "a", limits: { cpu: 1, memoryGi: 1 } },
        ],
      },
    }),
    "karpenter.nodePools[1].name",
    /used twice/,
  ],
  [
    "node pool without limits",
    variant(dev, { karpenter: { nodePools: [{ name: "a" }] } }),
    "karpenter.nodePools[0].limits",
    /is required/,
  ],
  [
    "node pool with a bad duration",
    variant(dev, {
      karpenter: {
        nodePools: [{ name: "a", limits: { cpu: 1, memoryGi: 1 }, expireAfter: "30 days" }],
      },
    }),
    "karpenter.nodePools[0].expireAfter",
    /duration such as 30s, 5m or 720h/,
  ],
  [
    "node pool with an unknown capacity type",
    variant(dev, {
      karpenter: {
        nodePools: [{ name: "a", limits: { cpu: 1, memoryGi: 1 }, capacityTypes: ["reserved"] }],
      },
    }),
    "karpenter.nodePools[0].capacityTypes[0]",
    /spot.*on-demand/,
  ],
  [
    "node pool budget that is not a count or percentage",
    variant(dev, {
      karpenter: {
        nodePools: [{ name: "a", limits: { cpu: 1, memoryGi: 1 }, budgets: [{ nodes: "ten" }] }],
      },
    }),
    "karpenter.nodePools[0].budgets[0].nodes",
    /count \(2\) or a percentage/,
  ],
  [
    "node pool whose termination grace period is Never",
    variant(dev, {
      karpenter: {
        nodePools: [
          { name: "a", limits: { cpu: 1, memoryGi: 1 }, terminationGracePeriod: "Never" },
        ],
      },
    }),
    "karpenter.nodePools[0].terminationGracePeriod",
    /duration such as 24h or 2h30m \(a bound: not Never\)/,
  ],
  [
    "no node pools",
    variant(dev, { karpenter: { nodePools: [] } }),
    "karpenter.nodePools",
    /at least one node pool/,
  ],
  [
    "an AMI release that is not pinned",
    variant(dev, { karpenter: { amiVersion: "latest" } }),
    "karpenter.amiVersion",
    /must be a pinned AL2023 AMI release such as "v\d{8}" \(not "latest"/,
  ],
  [
    "Kubernetes 1.35 with an AMI release that has no 1.35 images",
    variant(dev, { kubernetesVersion: "1.35", karpenter: { amiVersion: "v20251108" } }),
    "karpenter.amiVersion",
    /v20251108 is older than v\d{8}, the release checked to hold Kubernetes 1\.35 images .*use v\d{8} or later, or leave it unset to follow kubernetesVersion/,
  ],
  [
    "bad state bucket name",
    variant(dev, { state: { bucket: "My_Bucket", region: "ap-northeast-2" } }),
    "state.bucket",
    /valid S3 bucket name/,
  ],
  [
    "unknown platform",
    variant(dev, { platform: "gke" }),
    "platform",
    /^"gke" is not one of eks, onprem$/,
  ],
  [
    "an account ID YAML read as a number",
    variant(dev, { aws: { accountId: 111111111111 } }),
    "aws.accountId",
    /must be a string, not a number; in YAML put the value in quotes: "111111111111"$/,
  ],
  [
    "a Kubernetes version YAML read as a number",
    variant(dev, { kubernetesVersion: 1.34 }),
    "kubernetesVersion",
    /must be one of .*, not a number; in YAML put the value in quotes: "1\.34"$/,
  ],
  // What the bootstrap stack rejects, or a copied file keeps from its original, caught with the
  // environment's own field path.
  [
    "state left in the region of the environment it was copied from",
    variant(staging, { aws: { region: "us-west-2", zones: ["us-west-2a", "us-west-2b"] } }),
    "state.region",
    /ap-northeast-2 is not the environment's region us-west-2: staging-bootstrap creates the state bucket .*; set state\.region to us-west-2/,
  ],
  [
    "a state key alias of another environment",
    variant(staging, { state: { kmsKeyId: "alias/dev/tfstate" } }),
    "state.kmsKeyId",
    /alias\/dev\/tfstate is the state key of dev-bootstrap, .* whose key is alias\/staging\/tfstate/,
  ],
];

describe("on-prem node network", () => {
  it("ships onprem with its L2 ingress address inside the node segment, clear of nodes and router", () => {
    const env = parseEnvironment(onprem);
    if (env.platform !== "onprem" || env.ingress.exposure.type !== "metallb") {
      throw new Error("expected an on-prem environment exposed through MetalLB");
    }
    const address = parseIpv4(env.ingress.exposure.address ?? "")!;
    const at = { first: address, last: address };
    const [segment] = env.nodeSegments;
    expect(contains(parseCidr(segment.cidr)!, at)).toBe(true);
    expect(segment.nodeAddresses.some((a) => contains(parseAddressRange(a)!, at))).toBe(false);
    expect(parseIpv4(segment.gateway ?? "")).not.toBe(address);
    expect(env.metallb.l2?.pools).toEqual([env.ingress.exposure.pool]);
  });

  it("accepts Calico announcing a routed pool while MetalLB only allocates", () => {
    const env = parseEnvironment(
      variant(onprem, {
        calicoBgp: { peers: [{ name: "tor", peerAddress: "192.168.10.1", asNumber: 64513 }] },
        metallb: {
          pools: [
            { name: "ingress", addresses: ["192.168.10.240-192.168.10.250"] },
            { name: "public", addresses: ["192.168.20.0/28"] },
          ],
          l2: { pools: ["ingress"] },
          calicoAnnounces: { pools: ["public"] },
        },
      }),
    );
    expect(env.platform === "onprem" && env.calicoBgp?.asNumber).toBe(64512);
  });
});

const badOnpremInputs: [string, unknown, string, RegExp][] = [
  [
    "policy-only on-prem",
    variant(onprem, { podNetwork: { mode: "policy-only" } }),
    "podNetwork.mode",
    /exists only on EKS/,
  ],
  [
    "direct mode across several node subnets",
    variant(onprem, {
      nodeSegments: [
        { cidr: "192.168.10.0/24", nodeAddresses: ["192.168.10.10-192.168.10.199"] },
        { cidr: "192.168.20.0/24", nodeAddresses: ["192.168.20.10-192.168.20.199"] },
      ],
    }),
    "podNetwork.mode",
    /nodeSegments lists 2/,
  ],
  [
    "MetalLB pool overlapping node addresses",
    variant(onprem, {
      metallb: { pools: [{ name: "ingress", addresses: ["192.168.10.100-192.168.10.130"] }] },
    }),
    "metallb.pools[0].addresses[0]",
    /overlaps the node addresses 192\.168\.10\.10-192\.168\.10\.199 of node segment 192\.168\.10\.0\/24/,
  ],
  [
    "an L2 pool off the node segment",
    variant(onprem, {
      metallb: { pools: [{ name: "ingress", addresses: ["192.168.11.240-192.168.11.250"] }] },
      ingress: { exposure: { type: "metallb", pool: "ingress" } },
    }),
    "metallb.pools[0].addresses[0]",
    /is announced with L2 but lies outside every node segment \(192\.168\.10\.0\/24\); ARP answers only reach the local segment/,
  ],
  [
    "an L2 pool over the gateway",
    variant(onprem, {
      metallb: { pools: [{ name: "ingress", addresses: ["192.168.10.1-192.168.10.8"] }] },
      ingress: { exposure: { type: "metallb", pool: "ingress" } },
    }),
    "metallb.pools[0].addresses[0]",
    /overlaps the gateway 192\.168\.10\.1/,
  ],
  [
    "node addresses outside their segment",
    variant(onprem, {
      nodeSegments: [{ cidr: "192.168.10.0/24", nodeAddresses: ["192.168.9.10-192.168.9.20"] }],
    }),
    "nodeSegments[0].nodeAddresses[0]",
    /is not inside the segment 192\.168\.10\.0\/24/,
  ],
  [
    "a gateway among the node addresses",
    variant(onprem, {
      nodeSegments: [
        {
          cidr: "192.168.10.0/24",
          gateway: "192.168.10.50",
          nodeAddresses: ["192.168.10.10-192.168.10.199"],
        },
      ],
    }),
    "nodeSegments[0].gateway",
    /lies in the node addresses .* a node could take the router's address/,
  ],
  [
    "the old nodeCidrs field",
    { ...onprem, nodeCidrs: ["192.168.10.0/24"] },
    "",
    /^unknown field "nodeCidrs"; valid fields: platform, name, .*, nodeSegments, calicoBgp, metallb$/,
  ],
  [
    "MetalLB's BGP beside Calico's",
    variant(onprem, {
      metallb: {
        pools: [{ name: "public", addresses: ["192.168.20.0/28"] }],
        l2: undefined,
        bgp: {
          peers: [{ name: "tor", myASN: 64512, peerASN: 64513, peerAddress: "192.168.10.1" }],
        },
      },
      ingress: { exposure: { type: "metallb", pool: "public" } },
    }),
    "metallb.bgp",
    /cannot run beside Calico's BGP \("direct" runs it\).*let Calico announce the pools instead \(metallb\.calicoAnnounces, with the routers in calicoBgp\.peers\)/,
  ],
  [
    "Calico announcements without Calico's BGP",
    variant(onprem, {
      podNetwork: { mode: "vxlan" },
      metallb: { calicoAnnounces: {}, l2: undefined },
    }),
    "metallb.calicoAnnounces",
    /needs Calico to run BGP, which "vxlan" does not/,
  ],
  [
    "Calico announcements without routers to announce to",
    variant(onprem, {
      metallb: {
        pools: [{ name: "public", addresses: ["192.168.20.0/28"] }],
        l2: undefined,
        calicoAnnounces: {},
      },
      ingress: { exposure: { type: "metallb", pool: "public" } },
    }),
    "metallb.calicoAnnounces",
    /Calico announces only to its BGP peers; list the routers in calicoBgp\.peers/,
  ],
  [
    "router peering in a mode without Calico BGP",
    variant(onprem, {
      podNetwork: { mode: "vxlan" },
      calicoBgp: { peers: [{ name: "tor", peerAddress: "192.168.10.1", asNumber: 64513 }] },
    }),
    "calicoBgp",
    /"vxlan" does not run Calico's BGP/,
  ],
  [
    "a Calico-announced pool written as a range",
    variant(onprem, {
      calicoBgp: { peers: [{ name: "tor", peerAddress: "192.168.10.1", asNumber: 64513 }] },
      metallb: {
        pools: [{ name: "public", addresses: ["192.168.20.1-192.168.20.9"] }],
        l2: undefined,
        calicoAnnounces: {},
      },
      ingress: { exposure: { type: "metallb", pool: "public" } },
    }),
    "metallb.pools[0].addresses[0]",
    /is a range, but Calico announces CIDRs only/,
  ],
  [
    "a Calico-announced pool inside the node segment",
    variant(onprem, {
      calicoBgp: { peers: [{ name: "tor", peerAddress: "192.168.10.1", asNumber: 64513 }] },
      metallb: {
        pools: [{ name: "public", addresses: ["192.168.10.240/28"] }],
        l2: undefined,
        calicoAnnounces: {},
      },
      ingress: { exposure: { type: "metallb", pool: "public" } },
    }),
    "metallb.pools[0].addresses[0]",
    /is announced over BGP but lies in node segment 192\.168\.10\.0\/24/,
  ],
  [
    "MetalLB pools overlapping each other",
    variant(onprem, {
      metallb: {
        pools: [
          { name: "ingress", addresses: ["192.168.10.240/29"] },
          { name: "other", addresses: ["192.168.10.244-192.168.10.250"] },
        ],
      },
    }),
    "metallb.pools[1].addresses[0]",
    /overlaps pools\[0\]\.addresses\[0\] 192\.168\.10\.240\/29; pools must be disjoint/,
  ],
  [
    "MetalLB pool overlapping the service range",
    variant(onprem, {
      metallb: { pools: [{ name: "ingress", addresses: ["10.96.0.10-10.96.0.20"] }] },
    }),
    "metallb.pools[0].addresses[0]",
    /overlaps serviceCidr/,
  ],
  [
    "a descending address range",
    variant(onprem, {
      metallb: { pools: [{ name: "ingress", addresses: ["192.168.10.250-192.168.10.240"] }] },
    }),
    "metallb.pools[0].addresses[0]",
    /ascending range/,
  ],
  [
    "an L2 advertisement naming an unknown pool",
    variant(onprem, { metallb: { l2: { pools: ["public"] } } }),
    "metallb.l2.pools[0]",
    /names pool "public", but no pool has that name \(pools: ingress\)/,
  ],
  [
    "no advertisement at all",
    variant(onprem, { metallb: { l2: undefined } }),
    "metallb",
    /announces nothing/,
  ],
  [
    "BGP peer with a bad address",
    variant(onprem, {
      metallb: {
        bgp: { peers: [{ name: "tor", myASN: 64512, peerASN: 64513, peerAddress: "10.0.0" }] },
      },
    }),
    "metallb.bgp.peers[0].peerAddress",
    /must be an IPv4 address/,
  ],
  [
    "ingress address outside the pool",
    variant(onprem, {
      ingress: { exposure: { type: "metallb", pool: "ingress", address: "192.168.10.251" } },
    }),
    "ingress.exposure.address",
    /not in pool "ingress"/,
  ],
  [
    "ingress naming an unknown pool",
    variant(onprem, { ingress: { exposure: { type: "metallb", pool: "public" } } }),
    "ingress.exposure.pool",
    /names pool "public"/,
  ],
  [
    "NLB exposure on-prem",
    { ...onprem, ingress: { ...onprem.ingress, exposure: { type: "nlb" } } },
    "ingress.exposure.type",
    /NLB exists only on AWS/,
  ],
  [
    "pod CIDR overlapping the node range",
    variant(onprem, { podNetwork: { podCidr: "192.168.0.0/16" } }),
    "podNetwork.podCidr",
    /overlaps nodeSegments\[0\] 192\.168\.10\.0\/24/,
  ],
  ["missing kubeconfig", variant(onprem, { kubeconfig: undefined }), "kubeconfig", /is required/],
  [
    "moving state into a bucket no stack of its creates",
    variant(onprem, {
      state: { bucket: "onprem-tfstate", region: "ap-northeast-2", bootstrapStateInBucket: true },
    }),
    "state.bootstrapStateInBucket",
    /on-prem has none/,
  ],
  [
    "AWS fields on an on-prem environment",
    variant(onprem, { aws: { region: "ap-northeast-2" } }),
    "",
    /^unknown field "aws"; valid fields: /,
  ],
];

describe.each([
  ["EKS", badEksInputs],
  ["on-prem", badOnpremInputs],
])("bad %s input", (_kind, cases) => {
  it.each(cases)("rejects %s", (_name, input, path, message) => {
    const problems = problemsOf(input);
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) });
  });
});

describe("misspellings", () => {
  it.each<[string, unknown, string, string]>([
    [
      "a NAT mode",
      variant(dev, { aws: { nat: "singel" } }),
      "aws.nat",
      '"singel" is not one of none, single, per-zone; did you mean "single"?',
    ],
    [
      "a field of aws",
      variant(dev, { aws: { natt: "single" } }),
      "aws",
      'unknown field "natt"; did you mean "nat"?',
    ],
    [
      "a pod network field",
      variant(dev, { podNetwork: { blocksize: 24 } }),
      "podNetwork",
      'unknown field "blocksize"; did you mean "blockSize"?',
    ],
    [
      "a top-level field",
      variant(dev, { kubernetesVersoin: "1.34" }),
      "",
      'unknown field "kubernetesVersoin"; did you mean "kubernetesVersion"?',
    ],
    [
      "a pod network mode",
      variant(onprem, { podNetwork: { mode: "drect" } }),
      "podNetwork.mode",
      '"drect" is not one of ipip, ipip-cross-subnet, direct, vxlan, vxlan-cross-subnet, policy-only; did you mean "direct"?',
    ],
    [
      "an exposure type",
      { ...dev, ingress: { ...dev.ingress, exposure: { type: "nbl" } } },
      "ingress.exposure.type",
      '"nbl" is not one of nlb, metallb; did you mean "nlb"?',
    ],
    [
      "a node pool's capacity type",
      variant(dev, {
        karpenter: {
          nodePools: [{ name: "a", limits: { cpu: 1, memoryGi: 1 }, capacityTypes: ["spto"] }],
        },
      }),
      "karpenter.nodePools[0].capacityTypes[0]",
      '"spto" is not one of spot, on-demand; did you mean "spot"?',
    ],
  ])(
    "of %s are rejected with the field path, the valid values and the one meant",
    (_what, input, path, message) => {
      expect(problemsOf(input)).toEqual([{ path, message }]);
    },
  );

  it("read, in the error, as the field path and the suggestion", () => {
    expect(() => parseEnvironment(variant(dev, { aws: { nat: "singel" } }))).toThrow(
      'environment "dev" is invalid (1 problem):\n' +
        '  - aws.nat: "singel" is not one of none, single, per-zone; did you mean "single"?',
    );
    expect(() => parseEnvironment(variant(dev, { nodeSegmnts: [] }))).toThrow(
      '  - (environment): unknown field "nodeSegmnts"; valid fields: platform, name, tier',
    );
  });
});

describe("a set of environments", () => {
  const problemsOfSet = (inputs: unknown[]) => {
    try {
      parseEnvironments(inputs);
    } catch (e) {
      if (!(e instanceof EnvironmentValidationError)) throw e;
      return { environment: e.environment, message: e.message };
    }
    throw new Error("expected the set to be rejected");
  };
  /** A copy of staging in an account no shipped environment uses, then `patch`. */
  const copy = (patch: Record<string, unknown>) =>
    variant(
      variant(staging, {
        name: "staging-copy",
        aws: { accountId: "999999999999" },
        cluster: {
          name: "staging-copy",
          admins: ["arn:aws:iam::999999999999:role/platform-admin"],
        },
        kms: { administrators: ["arn:aws:iam::999999999999:role/platform-admin"] },
        state: {
          bucket: "platform-tfstate-999999999999",
          kmsKeyId: "alias/staging-copy/tfstate",
        },
        // The pipeline's roles are of the environment's own account.
        pipeline: {
          plan: { roleArn: "arn:aws:iam::999999999999:role/platform-plan" },
          deploy: { roleArn: "arn:aws:iam::999999999999:role/platform-deploy" },
        },
      }),
      patch,
    );

  it("accepts the shipped environments and a copy with its own account", () => {
    const shipped = shippedEnvironmentFiles();
    const inputs = [...shipped.map((f) => f.input), copy({})];
    expect(parseEnvironments(inputs).map((e) => e.name)).toEqual([
      ...shipped.map((f) => f.environment.name),
      "staging-copy",
    ]);
  });

  it("rejects a second bootstrap stack creating the same state bucket, on the later environment", () => {
    expect(
      problemsOfSet([staging, copy({ state: { bucket: "platform-tfstate-222222222222" } })]),
    ).toEqual({
      environment: "staging-copy",
      message: expect.stringMatching(
        /state\.bucket: "platform-tfstate-222222222222" is also the state bucket of staging, .* such as platform-tfstate-999999999999/,
      ),
    });
  });

  it("rejects two environments of one account that both create the Spot service-linked role", () => {
    const sameAccount = copy({
      aws: { accountId: "222222222222", trustedAccounts: ["999999999999"] },
      state: { bucket: "copy-tfstate-222222222222" },
      pipeline: staging.pipeline,
    });
    expect(problemsOfSet([staging, sameAccount])).toEqual({
      environment: "staging-copy",
      message: expect.stringMatching(
        /aws\.createSpotServiceLinkedRole: staging's bootstrap stack already creates AWSServiceRoleForEC2Spot in account 222222222222, and an account has one; set createSpotServiceLinkedRole: false here/,
      ),
    });
    const optedOut = variant(sameAccount, { aws: { createSpotServiceLinkedRole: false } });
    expect(parseEnvironments([staging, optedOut]).map((e) => e.name)).toEqual([
      "staging",
      "staging-copy",
    ]);
  });

  it("rejects one cluster name twice in an account, where the IAM roles derived from it collide", () => {
    expect(
      problemsOfSet([
        staging,
        copy({
          aws: { accountId: "222222222222", trustedAccounts: ["999999999999"] },
          cluster: { name: "staging-platform" },
          state: { bucket: "copy-tfstate-222222222222" },
          pipeline: staging.pipeline,
        }),
      ]),
    ).toEqual({
      environment: "staging-copy",
      message: expect.stringMatching(
        /cluster\.name: "staging-platform" is also the cluster name of staging in account 222222222222/,
      ),
    });
  });
});

describe("the cluster baseline fields", () => {
  it("leave NetworkPolicies off unless asked", () => {
    expect(parseEnvironment(staging).networkPolicies).toBe(false);
    expect(parseEnvironment(variant(onprem, { networkPolicies: true })).networkPolicies).toBe(true);
  });

  it("take NLB source ranges, and only for an NLB", () => {
    const ranges = ["203.0.113.0/24"];
    expect(
      parseEnvironment(variant(dev, { ingress: { exposure: { sourceRanges: ranges } } })).ingress
        .exposure,
    ).toMatchObject({ type: "nlb", sourceRanges: ranges });
    expect(
      problemsOf(variant(dev, { ingress: { exposure: { sourceRanges: ["0.0.0.0"] } } })),
    ).toEqual([
      {
        path: "ingress.exposure.sourceRanges[0]",
        message: expect.stringMatching(/must be an IPv4 CIDR/),
      },
    ]);
    expect(
      problemsOf(variant(onprem, { ingress: { exposure: { sourceRanges: ranges } } })),
    ).toEqual([{ path: "ingress.exposure", message: expect.stringContaining('"sourceRanges"') }]);
  });
});

describe("the EC2 Spot service-linked role", () => {
  it("is created by the bootstrap stack of an environment with state, unless it says not to", () => {
    const creates = (input: unknown) => {
      const env = parseEnvironment(input);
      return env.platform === "eks" && createsSpotServiceLinkedRole(env);
    };
    expect(creates(dev)).toBe(true);
    expect(creates(variant(dev, { aws: { createSpotServiceLinkedRole: false } }))).toBe(false);
    // No state, no bootstrap stack: the account is prepared by hand (docs/environments.md).
    expect(creates(variant(dev, { state: undefined }))).toBe(false);
  });

  it("cannot be asked of an environment without a bootstrap stack", () => {
    expect(
      problemsOf(variant(dev, { state: undefined, aws: { createSpotServiceLinkedRole: true } })),
    ).toEqual([
      {
        path: "aws.createSpotServiceLinkedRole",
        message: expect.stringMatching(
          /the dev-bootstrap stack creates it, and an environment without state has none; .*aws iam create-service-linked-role --aws-service-name spot\.amazonaws\.com/,
        ),
      },
    ]);
  });
});

describe("the validation error", () => {
  it("lists every problem with its field path in one message", () => {
    const input = variant(dev, {
      aws: { accountId: "1", region: "nowhere" },
      kubernetesVersion: "1.0",
    });
    expect(() => parseEnvironment(input)).toThrow(
      /environment "dev" is invalid \(3 problems\):\n {2}- kubernetesVersion: "1\.0" is not one of .*\n {2}- aws\.accountId: must be a 12-digit AWS account ID; got "1"\n {2}- aws\.region: must be an AWS region/,
    );
  });

  it("rejects input that is not an object", () => {
    expect(() => parseEnvironment("dev")).toThrow(EnvironmentValidationError);
  });
});
