import { deploy, fail, pass, warn, type DoctorCheck, type Outcome } from "../check";
import { missingCniMessage } from "../kube-facts";
import { condition, type Condition, type NodeClaim } from "../resources";

const onEks: DoctorCheck["appliesTo"] = ({ env }) => env.platform === "eks";

function explain(c: Condition | undefined): string {
  if (!c) return "no condition reported yet";
  return [c.reason, c.message].filter(Boolean).join(": ") || `status ${c.status}`;
}

/**
 * Reasons Karpenter gives a lifecycle condition while the step is still under way. Karpenter
 * reports a failed launch as Launched=Unknown with another reason (`LaunchFailed`, or the cloud
 * provider's), and retries, so Unknown alone does not mean "in progress".
 */
const IN_PROGRESS: Readonly<Record<string, readonly string[]>> = {
  Launched: ["AwaitingReconciliation", "CapacityEvidencePending"],
  Registered: ["AwaitingReconciliation", "NodeNotFound"],
};

/** Whether a lifecycle step succeeded, failed, or is still under way. */
function step(claim: NodeClaim, type: string): "done" | "failed" | "pending" {
  const c = condition(claim.status?.conditions, type);
  if (c?.status === "True") return "done";
  if (c === undefined || (c.status === "Unknown" && IN_PROGRESS[type]?.includes(c.reason ?? "")))
    return "pending";
  return "failed";
}

const notInstalled = (stack: string): Outcome =>
  fail(
    "NodeClaim (karpenter.sh/v1) is not installed: Karpenter's CRDs are missing",
    `${stack} installs the karpenter-crd chart and the controller`,
  );

export const karpenterLaunch: DoctorCheck = {
  id: "karpenter.launch",
  description: "Every NodeClaim got an instance (Launched) and its node joined (Registered).",
  appliesTo: onEks,
  run: ({ env, cluster }) => {
    const claims = cluster.nodeClaims;
    if (claims === undefined) return [notInstalled(deploy(env, "platform"))];
    const outcomes: Outcome[] = [];
    for (const claim of claims) {
      const name = claim.metadata.name;
      const launched = step(claim, "Launched");
      const registered = step(claim, "Registered");
      const launchedWhy = explain(condition(claim.status?.conditions, "Launched"));
      const registeredWhy = explain(condition(claim.status?.conditions, "Registered"));
      if (launched === "failed") {
        outcomes.push(
          fail(
            `nodeclaim ${name} not launched: ${launchedWhy}`,
            "Karpenter could not create the instance: kubectl describe ec2nodeclass shows " +
              "whether its subnets, security groups and AMI resolve; details in " +
              "kubectl -n kube-system logs deploy/karpenter",
          ),
        );
      } else if (launched === "pending") {
        outcomes.push(warn(`nodeclaim ${name} is still launching (${launchedWhy})`));
      } else if (registered === "failed") {
        outcomes.push(
          fail(
            `nodeclaim ${name} launched ${claim.status?.providerID ?? ""} but its node did not register: ${registeredWhy}`,
            "the instance could not join the cluster: check the node role's EKS access entry, " +
              "that the node security group reaches the API on 443, and the instance's console " +
              "output (aws ec2 get-console-output)",
          ),
        );
      } else if (registered === "pending") {
        outcomes.push(warn(`nodeclaim ${name} launched, waiting for its node to register`));
      }
    }
    if (outcomes.length > 0) return outcomes;
    return [
      pass(
        claims.length === 0
          ? "no NodeClaims: Karpenter has not needed to launch a node"
          : `${claims.length} NodeClaim(s) launched and registered`,
      ),
    ];
  },
};

export const karpenterInitialization: DoctorCheck = {
  id: "karpenter.initialization",
  description: "Every registered NodeClaim's node initialized, with a working pod network.",
  appliesTo: onEks,
  run: ({ traits, cluster }) => {
    if (cluster.nodeClaims === undefined) return []; // karpenter.launch reports the missing CRD.
    const claims = cluster.nodeClaims.filter((c) => step(c, "Registered") === "done");
    const outcomes: Outcome[] = [];
    for (const claim of claims) {
      if (condition(claim.status?.conditions, "Initialized")?.status === "True") continue;
      const nodeName = claim.status?.nodeName;
      const node = cluster.nodes.find((n) => n.metadata?.name === nodeName);
      const noCni = node ? missingCniMessage(node) : undefined;
      const why = explain(condition(claim.status?.conditions, "Initialized"));
      if (noCni !== undefined) {
        outcomes.push(
          fail(
            `node ${nodeName} (nodeclaim ${claim.metadata.name}) joined without a pod network: ${noCni}`,
            traits.cni === "calico"
              ? "calico-node is not running on it: see why with kubectl -n calico-system get pods " +
                  `-o wide --field-selector spec.nodeName=${nodeName} (image pulls, tolerations ` +
                  "of the node pool's taints); Karpenter counts the node initialized once it is Ready"
              : "aws-node (the VPC CNI) is not running on it: kubectl -n kube-system get pods " +
                  `-l k8s-app=aws-node -o wide --field-selector spec.nodeName=${nodeName}`,
          ),
        );
      } else {
        // Karpenter never fails initialization: it waits (Unknown) until the node is Ready, its
        // startup taints are gone and its resources are registered.
        outcomes.push(
          warn(
            `node ${nodeName} (nodeclaim ${claim.metadata.name}) not initialized yet: ${why}`,
            `kubectl describe node ${nodeName}`,
          ),
        );
      }
    }
    if (outcomes.length > 0) return outcomes;
    return [pass(`${claims.length} registered NodeClaim(s) initialized`)];
  },
};
