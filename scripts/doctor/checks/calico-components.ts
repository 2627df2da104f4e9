import { always, deploy, fail, listOf, pass, warn, type DoctorCheck } from "../check";
import { isPodReady } from "../kube-facts";
import { condition } from "../resources";
import { CALICO_NAMESPACE } from "../snapshot";

export const calicoOperator: DoctorCheck = {
  id: "calico.operator",
  description:
    "The tigera-operator reports every component it manages Available and none Degraded.",
  appliesTo: always,
  run: ({ env, cluster }) => {
    const statuses = cluster.tigeraStatuses;
    if (statuses === undefined || statuses.length === 0) {
      return [
        fail(
          "no TigeraStatus found: the tigera-operator is not installed or has not started",
          `${deploy(env, "platform")} installs it; if it is installed: kubectl -n tigera-operator logs deploy/tigera-operator`,
        ),
      ];
    }
    const degraded = statuses.filter(
      (s) => condition(s.status?.conditions, "Degraded")?.status === "True",
    );
    const unavailable = statuses.filter(
      (s) =>
        !degraded.includes(s) && condition(s.status?.conditions, "Available")?.status !== "True",
    );
    return [
      ...degraded.map((s) => {
        const c = condition(s.status?.conditions, "Degraded");
        return fail(
          `TigeraStatus ${s.metadata.name} is Degraded: ${c?.reason ?? "no reason"}: ${c?.message ?? ""}`.trim(),
          "the operator's message above names the failing object; more in " +
            "kubectl -n tigera-operator logs deploy/tigera-operator",
        );
      }),
      ...unavailable.map((s) => {
        const progressing = condition(s.status?.conditions, "Progressing");
        return warn(
          `TigeraStatus ${s.metadata.name} is not Available yet` +
            (progressing?.message ? ` (Progressing: ${progressing.message})` : ""),
        );
      }),
      ...(degraded.length + unavailable.length === 0
        ? [pass(`tigera-operator: ${statuses.map((s) => s.metadata.name).join(", ")} Available`)]
        : []),
    ];
  },
};

export const calicoNode: DoctorCheck = {
  id: "calico.node",
  description: "calico-node runs and is ready on every node it is scheduled to.",
  appliesTo: always,
  run: ({ env, cluster }) => {
    const ds = cluster.calicoNode;
    if (!ds) {
      return [
        fail(
          `DaemonSet ${CALICO_NAMESPACE}/calico-node not found: Calico has not been rolled out`,
          `see calico.operator; ${deploy(env, "platform")} installs the operator that creates it`,
        ),
      ];
    }
    const desired = ds.status?.desiredNumberScheduled ?? 0;
    const ready = ds.status?.numberReady ?? 0;
    if (ready >= desired) return [pass(`calico-node ready on ${ready} of ${desired} nodes`)];
    const notReady = cluster.calicoPods.filter(
      (p) => p.metadata?.labels?.["k8s-app"] === "calico-node" && !isPodReady(p),
    );
    return [
      fail(
        `calico-node ready on ${ready} of ${desired} nodes; not ready: ` +
          listOf(notReady.map((p) => `${p.metadata?.name} on ${p.spec?.nodeName}`)),
        `its readiness probe says which part fails (BIRD/BGP or Felix): kubectl -n ${CALICO_NAMESPACE} ` +
          `describe pod ${notReady[0]?.metadata?.name ?? "-l k8s-app=calico-node"}; BGP peers are in calico.bgp-sessions`,
      ),
    ];
  },
};

export const calicoTypha: DoctorCheck = {
  id: "calico.typha",
  description: "Typha, which fans the datastore out to calico-node, has all its replicas ready.",
  appliesTo: always,
  run: ({ env, cluster }) => {
    const typha = cluster.typha;
    if (!typha) {
      return [
        fail(
          `Deployment ${CALICO_NAMESPACE}/calico-typha not found: Calico has not been rolled out`,
          `see calico.operator; ${deploy(env, "platform")} installs the operator that creates it`,
        ),
      ];
    }
    const wanted = typha.spec?.replicas ?? 0;
    const ready = typha.status?.readyReplicas ?? 0;
    if (ready >= wanted) return [pass(`calico-typha ${ready}/${wanted} ready`)];
    return [
      fail(
        `calico-typha ${ready}/${wanted} ready: calico-node cannot start without it`,
        `kubectl -n ${CALICO_NAMESPACE} describe deploy calico-typha; Typha listens on TCP 5473 ` +
          "on the node network, so nodes must reach each other on it",
      ),
    ];
  },
};
