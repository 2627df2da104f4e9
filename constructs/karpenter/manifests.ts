/**
 * The Karpenter objects `KarpenterNodePools` renders, as plain data. Declared here rather than
 * taken from `@kubernetes-models/karpenter`, which is bundled into the library at build time and
 * is not installed beside it: the public types must not name a package a consumer lacks. The
 * construct checks at compile time that these shapes are valid model input (`satisfies`), and the
 * models validate every object at synth.
 */

/** A `karpenter.k8s.aws/v1` EC2NodeClass, as rendered. */
export interface EC2NodeClassManifest {
  apiVersion: "karpenter.k8s.aws/v1";
  kind: "EC2NodeClass";
  metadata: { name: string };
  spec: {
    /** Node IAM role name; Karpenter creates the instance profile from it. */
    role: string;
    amiSelectorTerms: { alias: string }[];
    subnetSelectorTerms: { tags: Record<string, string> }[];
    securityGroupSelectorTerms: { tags: Record<string, string> }[];
    metadataOptions: {
      httpEndpoint: "enabled" | "disabled";
      httpProtocolIPv6: "enabled" | "disabled";
      httpPutResponseHopLimit: number;
      httpTokens: "required" | "optional";
    };
    blockDeviceMappings: {
      deviceName: string;
      ebs: {
        volumeSize: string;
        volumeType: "gp3";
        encrypted: boolean;
        kmsKeyID: string;
        deleteOnTermination: boolean;
      };
    }[];
    /** Only when Calico is the CNI. */
    kubelet?: { maxPods: number };
  };
}

/** One scheduling requirement of a NodePool. */
export interface NodePoolRequirement {
  key: string;
  operator: "In" | "Gt";
  values: string[];
}

/** A `karpenter.sh/v1` NodePool, as rendered. */
export interface NodePoolManifest {
  apiVersion: "karpenter.sh/v1";
  kind: "NodePool";
  metadata: { name: string };
  spec: {
    template: {
      spec: {
        nodeClassRef: { group: "karpenter.k8s.aws"; kind: "EC2NodeClass"; name: string };
        requirements: NodePoolRequirement[];
        expireAfter: string;
        terminationGracePeriod: string;
      };
    };
    disruption: {
      consolidationPolicy: "WhenEmpty" | "WhenEmptyOrUnderutilized";
      consolidateAfter: string;
      budgets: {
        nodes: string;
        schedule?: string;
        duration?: string;
        reasons?: ("Underutilized" | "Empty" | "Drifted")[];
      }[];
    };
    limits: { cpu: string; memory: string };
    weight?: number;
  };
}
