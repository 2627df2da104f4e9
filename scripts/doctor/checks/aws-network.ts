import type { IpPermission, SecurityGroup } from "@aws-sdk/client-ec2";
import type { NodePort } from "../../../constructs/shared/pod-network";
import { deploy, fail, listOf, pass, warn, type DoctorCheck, type Outcome } from "../check";
import { instanceId } from "../aws";

const onEks: DoctorCheck["appliesTo"] = ({ env }) => env.platform === "eks";

/** Pod traffic routed natively can arrive on any port, so the node group must pass everything. */
const ALL_TRAFFIC: NodePort = {
  description: "pod traffic without encapsulation",
  protocol: "-1",
  fromPort: 0,
  toPort: 0,
};

const PROTOCOL_NUMBERS: Readonly<Record<string, string>> = { tcp: "6", udp: "17", icmp: "1" };
const protocolNumber = (p: string) => PROTOCOL_NUMBERS[p.toLowerCase()] ?? p;
const hasPorts = (protocol: string) => protocol === "tcp" || protocol === "udp";

function describePort(port: NodePort): string {
  if (port.protocol === "-1") return `all traffic (${port.description})`;
  const what = hasPorts(port.protocol)
    ? `${port.protocol.toUpperCase()} ${port.fromPort}`
    : `IP protocol ${port.protocol}`;
  return `${what} (${port.description})`;
}

/** Whether a rule admits `port` from members of `groupId` itself. */
function admits(rule: IpPermission, port: NodePort, groupId: string): boolean {
  if (!rule.UserIdGroupPairs?.some((pair) => pair.GroupId === groupId)) return false;
  if (rule.IpProtocol === "-1") return true;
  if (port.protocol === "-1") return false;
  if (protocolNumber(rule.IpProtocol ?? "") !== protocolNumber(port.protocol)) return false;
  return (
    !hasPorts(port.protocol) ||
    ((rule.FromPort ?? 0) <= port.fromPort && port.toPort <= (rule.ToPort ?? 65535))
  );
}

/** The AWS CLI shorthand that adds a self-referencing rule for `port`. */
function permissionArgument(port: NodePort, groupId: string): string {
  const ports = hasPorts(port.protocol) ? `,FromPort=${port.fromPort},ToPort=${port.toPort}` : "";
  return `IpProtocol=${port.protocol}${ports},UserIdGroupPairs=[{GroupId=${groupId}}]`;
}

function checkGroup(group: SecurityGroup, required: readonly NodePort[], stack: string): Outcome {
  const id = group.GroupId ?? "";
  const label = `${id} (${group.GroupName})`;
  const missing = required.filter(
    (port) => !(group.IpPermissions ?? []).some((rule) => admits(rule, port, id)),
  );
  if (missing.length === 0) {
    return pass(
      required.length === 0
        ? `node security group ${label}: the mode needs no extra ports between nodes`
        : `node security group ${label} allows ${required.map(describePort).join(", ")} between nodes`,
    );
  }
  return fail(
    `node security group ${label} does not allow ${missing.map(describePort).join(", ")} between nodes`,
    `${stack} adds one rule per port the pod network mode needs; or now: aws ec2 ` +
      `authorize-security-group-ingress --group-id ${id} --ip-permissions ` +
      missing.map((port) => `'${permissionArgument(port, id)}'`).join(" "),
  );
}

export const awsNodePorts: DoctorCheck = {
  id: "aws.node-ports",
  description:
    "The node security group admits, from itself, every port the pod network mode uses between nodes.",
  appliesTo: onEks,
  run: ({ env, traits, aws }) => {
    if (env.platform !== "eks" || !aws) return [];
    const groups = aws.nodeSecurityGroups;
    if (groups.length === 0) {
      return [
        fail(
          `no security group is tagged karpenter.sh/discovery=${env.cluster.name}`,
          `${deploy(env, "infra")} creates and tags the node security group`,
        ),
      ];
    }
    const required = [...traits.nodePorts, ...(traits.nativePodTraffic ? [ALL_TRAFFIC] : [])];
    return groups.map((g) => checkGroup(g, required, deploy(env, "infra")));
  },
};

export const awsSourceDestCheck: DoctorCheck = {
  id: "aws.source-dest-check",
  description:
    "EC2 source/destination check is off on every node in modes that route pod packets natively.",
  appliesTo: (ctx) => onEks(ctx) && ctx.traits.routesNatively,
  run: ({ env, cluster, aws }) => {
    if (!aws) return [];
    const nodeOf = new Map(cluster.nodes.map((n) => [instanceId(n), n.metadata?.name]));
    if (aws.instances.length === 0) {
      return [warn("no EC2 instance found for the cluster's nodes (spec.providerID)")];
    }
    const checked = aws.instances.filter((i) => i.SourceDestCheck === true);
    if (checked.length === 0) {
      return [pass(`source/destination check off on all ${aws.instances.length} instances`)];
    }
    const ids = checked.map((i) => i.InstanceId ?? "");
    return [
      fail(
        `source/destination check is on for ${listOf(ids.map((id) => `${id} (${nodeOf.get(id)})`))}: ` +
          `EC2 drops the pod packets ${env.podNetwork.mode} routes natively to and from them`,
        "Felix turns it off (FelixConfiguration awsSrcDstCheck: Disable) with the node role's " +
          "ec2:ModifyNetworkInterfaceAttribute: look for UnauthorizedOperation in kubectl -n " +
          "calico-system logs ds/calico-node -c calico-node; to unblock now: aws ec2 " +
          `modify-instance-attribute --no-source-dest-check --instance-id ${ids[0]}`,
      ),
    ];
  },
};
