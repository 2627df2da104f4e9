/**
 * NginxIngressProps: the one place their rules and defaults live. The environment schema
 * composes the controller options and the exposure schemas.
 */
import { z } from "zod";
import { Platform } from "../shared/kubernetes";
import {
  helmValuesSchema,
  namespaceSecuritySchema,
  platformSchema,
  podNetworkModeSchema,
} from "../shared/props";
import {
  chartVersion,
  cidr,
  dependables,
  ipv4,
  kubernetesName,
  ownedNamespace,
  positiveInteger,
} from "../shared/validation/fields";
import { PropsShape } from "../shared/validation/parse-props";
import { VERSIONS } from "../versions";
import { F5_NGINX_CHART } from "./f5-nginx";
import { INGRESS_NGINX_CHART } from "./ingress-nginx";
import type { MetalLbExposure, NginxIngressProps, NlbExposure } from "./nginx-ingress";
import { ControllerChart, NGINX_CONTROLLERS, NginxController } from "./options";

const CONTROLLER_CHARTS: Readonly<Record<NginxController, ControllerChart>> = {
  "f5-nginx": F5_NGINX_CHART,
  "ingress-nginx": INGRESS_NGINX_CHART,
};

export const TIERS = ["dev", "staging", "prod"] as const;
export const tierSchema = z.enum(TIERS);

const nlbExposureShape = {
  type: z.literal("nlb"),
  scheme: z.enum(["internet-facing", "internal"]).default("internal"),
  awsLoadBalancerController: z.boolean().default(false),
  sourceRanges: z
    .array(cidr("203.0.113.0/24"))
    .min(1, { message: "is empty; list the client CIDRs, or leave it out to admit any" })
    .optional(),
} satisfies PropsShape<NlbExposure>;

export const nlbExposureSchema = z.object(nlbExposureShape).strict();

const metallbExposureShape = {
  type: z.literal("metallb"),
  /** A fixed address from a MetalLB pool; omit to take any address of `pool`. */
  address: ipv4.optional(),
  /** MetalLB pool to allocate from. */
  pool: kubernetesName.optional(),
} satisfies PropsShape<MetalLbExposure>;

export const metallbExposureSchema = z.object(metallbExposureShape).strict();

/**
 * Why an exposure cannot work on a platform, or undefined when it can. The environment checks
 * report it too.
 */
export function exposureProblem(
  platform: Platform,
  type: (MetalLbExposure | NlbExposure)["type"],
): string | undefined {
  if (type === "nlb" && platform !== "eks") {
    return 'is "nlb", but an NLB exists only on AWS; on-prem use { type: "metallb" }';
  }
  if (type === "metallb" && platform !== "onprem") {
    return (
      'is "metallb", but MetalLB cannot work on AWS: a VPC answers ARP itself and has no BGP ' +
      'to peer with; use { type: "nlb" }'
    );
  }
  return undefined;
}

/** A Kubernetes CPU quantity (`250m`, `1`) and memory quantity (`256Mi`, `1Gi`). */
const resourcesSchema = z
  .object({
    cpu: z
      .string()
      .refine(
        (cpu) => /^\d+(\.\d+)?m?$/.test(cpu),
        (cpu) => ({ message: `must be a CPU quantity such as 250m or 1; got "${cpu}"` }),
      )
      .default("250m"),
    memory: z
      .string()
      .refine(
        (memory) => /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/.test(memory),
        (memory) => ({
          message: `must be a memory quantity such as 256Mi or 1Gi; got "${memory}"`,
        }),
      )
      .default("256Mi"),
  })
  .strict();

/** The controller options an environment's `ingress` shares with NginxIngressProps. */
export const ingressOptionFields = {
  /**
   * `f5-nginx`, the F5 NGINX Ingress Controller. `ingress-nginx` (community) is retired since
   * March 2026, with no releases and no CVE fixes since: only for a cluster still on it (synth warns).
   */
  controller: z.enum(NGINX_CONTROLLERS).default("f5-nginx"),
  /** @default 1 in dev, 2 elsewhere (with a PodDisruptionBudget) */
  replicas: positiveInteger.optional(),
  className: kubernetesName.default("nginx"),
  defaultClass: z.boolean().default(true),
  metrics: z.boolean().default(true),
  resources: resourcesSchema.default({}),
};

const nginxIngressShape = {
  ...ingressOptionFields,
  tier: tierSchema,
  exposure: z.discriminatedUnion("type", [nlbExposureSchema, metallbExposureSchema]),
  podNetworkMode: podNetworkModeSchema,
  platform: platformSchema,
  namespace: ownedNamespace.optional(),
  version: z.string().optional(),
  valuesOverride: helmValuesSchema.optional(),
  protectCrds: z.boolean().optional(),
  dependsOn: dependables.optional(),
  namespaceSecurity: namespaceSecuritySchema,
} satisfies PropsShape<NginxIngressProps>;

/**
 * Checks that the exposure exists on the platform and resolves the defaults that depend on other
 * props: replicas on the tier, namespace and chart version on the controller. A transform, so it
 * runs only once every field is valid.
 */
export const nginxIngressPropsSchema = z
  .object(nginxIngressShape)
  .strict()
  .transform((props, ctx) => {
    const fail = (path: string, message: string) =>
      ctx.addIssue({ code: "custom", path: [path], message });
    const exposure = exposureProblem(props.platform, props.exposure.type);
    if (exposure) fail("exposure", exposure);
    const chart = CONTROLLER_CHARTS[props.controller];
    const version = props.version ?? VERSIONS[chart.versionKey];
    const versionCheck = chartVersion(chart.versionKey).safeParse(version);
    if (!versionCheck.success) fail("version", versionCheck.error.issues[0].message);
    return {
      ...props,
      chart,
      version,
      // One replica is enough to try things in dev; elsewhere two, so a drain keeps one.
      replicas: props.replicas ?? (props.tier === "dev" ? 1 : 2),
      namespace: props.namespace ?? chart.releaseName,
      protectCrds: props.protectCrds ?? props.tier !== "dev",
    };
  });
