import type { V1Namespace, V1Pod } from "../lib/cluster/kubernetes-client";
import { IPERF_PORT, IPERF_SERVER_ARGS } from "./iperf";
import type { BenchNode } from "./placement";

/** Every object netbench creates carries these, so leftovers of a killed run can be found. */
export const MANAGED_BY = { "app.kubernetes.io/managed-by": "platform-netbench" } as const;
export const RUN_LABEL = "netbench.platform.io/run";
export const MANAGED_SELECTOR = Object.entries(MANAGED_BY)
  .map(([k, v]) => `${k}=${v}`)
  .join(",");

export function runLabels(runId: string): Record<string, string> {
  return { ...MANAGED_BY, [RUN_LABEL]: runId };
}

/** A namespace per run: deleting it removes everything the run created. */
export function benchNamespace(runId: string): V1Namespace {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: `netbench-${runId}`,
      labels: {
        ...runLabels(runId),
        // The pods below meet the restricted Pod Security Standard.
        "pod-security.kubernetes.io/enforce": "restricted",
      },
    },
  };
}

/** Pins a pod to one node: the affinity rule that places server and clients. */
function pinnedTo(node: BenchNode): NonNullable<V1Pod["spec"]>["affinity"] {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: "kubernetes.io/hostname", operator: "In", values: [node.hostname] },
            ],
          },
        ],
      },
    },
  };
}

function iperfPod(
  runId: string,
  name: string,
  role: string,
  node: BenchNode,
  image: string,
  args: readonly string[],
): V1Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels: { ...runLabels(runId), "netbench.platform.io/role": role } },
    spec: {
      affinity: pinnedTo(node),
      restartPolicy: "Never",
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 1,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 65534,
        seccompProfile: { type: "RuntimeDefault" },
      },
      containers: [
        {
          name: "iperf3",
          image,
          command: ["iperf3"],
          args: [...args],
          ports: role === "server" ? [{ containerPort: IPERF_PORT, protocol: "TCP" }] : undefined,
          // Requests only: a CPU limit would throttle the measurement.
          resources: { requests: { cpu: "100m", memory: "64Mi" } },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        },
      ],
    },
  };
}

export const SERVER_POD = "iperf3-server";

export function serverPod(runId: string, node: BenchNode, image: string): V1Pod {
  return iperfPod(runId, SERVER_POD, "server", node, image, IPERF_SERVER_ARGS);
}

export function clientPod(
  runId: string,
  name: string,
  node: BenchNode,
  image: string,
  args: readonly string[],
): V1Pod {
  return iperfPod(runId, name, "client", node, image, args);
}
