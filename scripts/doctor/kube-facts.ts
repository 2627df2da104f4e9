/** Small readings of core objects that several checks share. */
import type { CoreV1Event, V1Node, V1Pod } from "../lib/cluster/kubernetes-client";

/**
 * The kubelet's words when no CNI plugin is configured or installed on the node (containerd
 * says `cni plugin not initialized`, older runtimes `cni config uninitialized`; a sandbox that
 * names a missing binary says `failed to find plugin "calico"`).
 */
const NO_CNI =
  /NetworkPluginNotReady|cni config uninitialized|cni plugin not initialized|failed to find plugin/i;

function readyCondition(node: V1Node) {
  return node.status?.conditions?.find((c) => c.type === "Ready");
}

export function isNodeReady(node: V1Node): boolean {
  return readyCondition(node)?.status === "True";
}

/** The Ready condition's message when the node is NotReady for want of a pod network; else undefined. */
export function missingCniMessage(node: V1Node): string | undefined {
  const ready = readyCondition(node);
  if (ready?.status === "True") return undefined;
  const message = ready?.message ?? "";
  return NO_CNI.test(message) ? message : undefined;
}

/** Why the node is NotReady, from its Ready condition. */
export function notReadyMessage(node: V1Node): string {
  const ready = readyCondition(node);
  return ready?.message || ready?.reason || "no Ready condition reported";
}

export function isPodReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

function eventTime(event: CoreV1Event): number {
  const when = event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp;
  return when ? new Date(when).getTime() : 0;
}

/** The newest event about one object, if any. */
export function latestEvent(
  events: readonly CoreV1Event[],
  kind: string,
  namespace: string | undefined,
  name: string | undefined,
): CoreV1Event | undefined {
  return events
    .filter(
      (e) =>
        e.involvedObject.kind === kind &&
        e.involvedObject.name === name &&
        (e.involvedObject.namespace ?? undefined) === (namespace ?? undefined),
    )
    .reduce<
      CoreV1Event | undefined
    >((newest, e) => (newest === undefined || eventTime(e) >= eventTime(newest) ? e : newest), undefined);
}

/** `namespace/name`, as kubectl prints objects. */
export function qualifiedName(object: {
  metadata?: { namespace?: string; name?: string };
}): string {
  const { namespace, name } = object.metadata ?? {};
  return namespace ? `${namespace}/${name}` : (name ?? "(unnamed)");
}
