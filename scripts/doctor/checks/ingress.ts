import type { Environment } from "../../../stacks/environment/schema";
import { always, deploy, fail, pass, type DoctorCheck, type Outcome } from "../check";
import { latestEvent, qualifiedName } from "../kube-facts";
import { externalAddress } from "./metallb";

/** Where the environment says the controller's address comes from. */
function source(env: Environment): string {
  const exposure = env.ingress.exposure;
  if (exposure.type === "nlb") return `an NLB (${exposure.scheme})`;
  const pool = exposure.pool ? `pool ${exposure.pool}` : "any auto-assigning pool";
  return `MetalLB ${pool}` + (exposure.address ? `, address ${exposure.address}` : "");
}

function pendingFix(env: Environment, event: string | undefined): string {
  const said = event ? `The last event says: ${event}. ` : "No event on the Service yet. ";
  if (env.ingress.exposure.type === "nlb") {
    const role =
      env.ingress.exposure.scheme === "internal"
        ? "kubernetes.io/role/internal-elb=1 (private)"
        : "kubernetes.io/role/elb=1 (public)";
    return (
      said +
      "The NLB is built by the AWS cloud provider inside EKS (aws-load-balancer-type: nlb), which " +
      `needs subnets tagged ${role}; ${deploy(env, "infra")} tags them`
    );
  }
  return said + "The address comes from MetalLB: see the metallb.* findings";
}

export const ingressAddress: DoctorCheck = {
  id: "ingress.address",
  description: "The ingress controller's Service has the external address the environment expects.",
  appliesTo: always,
  run: ({ env, cluster }) => {
    const services = cluster.loadBalancerServices.filter(
      (s) => s.metadata?.namespace === cluster.ingressNamespace,
    );
    if (services.length === 0) {
      return [
        fail(
          `no LoadBalancer Service in namespace ${cluster.ingressNamespace}: the ingress controller is not exposed`,
          `${deploy(env, "platform")} installs the ${env.ingress.controller} controller and its Service`,
        ),
      ];
    }
    const exposure = env.ingress.exposure;
    return services.map((service): Outcome => {
      const name = qualifiedName(service);
      const address = externalAddress(service);
      if (address === undefined) {
        const event = latestEvent(
          cluster.serviceEvents,
          "Service",
          service.metadata?.namespace,
          service.metadata?.name,
        );
        return fail(
          `ingress Service ${name} has no external address; it should come from ${source(env)}`,
          pendingFix(env, event ? `${event.reason}: ${event.message}` : undefined),
        );
      }
      if (exposure.type === "metallb" && exposure.address && exposure.address !== address) {
        return fail(
          `ingress Service ${name} got ${address}, but the environment expects ${exposure.address}`,
          `another Service probably holds ${exposure.address} (kubectl get svc -A | grep ${exposure.address}); ` +
            `free it, then recreate ${name} so MetalLB assigns it`,
        );
      }
      return pass(`ingress Service ${name} has ${address} from ${source(env)}`);
    });
  },
};
