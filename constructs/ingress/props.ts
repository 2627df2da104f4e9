/**
 * NginxIngressProps: the one place their rules and defaults live. The environment schema
 * composes the controller options and the exposure schemas.
 */
import { z } from "zod";
import { helmValuesSchema, platformSchema } from "../shared/kubernetes";
import { podNetworkModeSchema } from "../shared/pod-network";
import {
  chartVersion,
  dependables,
  ipv4,
  kubernetesName,
  positiveInteger,
} from "../shared/validation/fields";
import { PropsShape } from "../shared/validation/parse-props";
import { VERSIONS } from "../versions";
import { F5_NGINX_CHART } from "./f5-nginx";
import { INGRESS_NGINX_CHART } from "./ingress-nginx";
import type { MetalLbExposure, NginxIngressProps, NlbExposure } from "./nginx-ingress";
import { ControllerChart, NGINX_CONTROLLERS, NginxController } from "./options";

export const CONTROLLER_CHARTS: Readonly<Record<NginxController, ControllerChart>> = {
  "f5-nginx": F5_NGINX_CHART,
  "ingress-nginx": INGRESS_NGINX_CHART,
};

export const TIERS = ["dev", "staging", "prod"] as const;
export const tierSchema = z.enum(TIERS);

const nlbExposureShape = {
  type: z.literal("nlb"),
  scheme: z.enum(["internet-facing", "internal"]).default("internal"),
  awsLoadBalancerController: z.boolean().default(false),
} satisfies PropsShape<NlbExposure>;

export const nlbExposureSchema = z.object(nlbExposureShape).strict();

const metallbExposureShape = {
  type: z.literal("metallb"),
  address: ipv4.optional(),
  pool: kubernetesName.optional(),
} satisfies PropsShape<MetalLbExposure>;

export const metallbExposureSchema = z.object(metallbExposureShape).strict();

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
  controller: z.enum(NGINX_CONTROLLERS).default("f5-nginx"),
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
  namespace: kubernetesName.optional(),
  version: z.string().optional(),
  valuesOverride: helmValuesSchema.optional(),
  dependsOn: dependables.optional(),
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
    if (props.exposure.type === "nlb" && props.platform !== "eks") {
      fail("exposure", 'is "nlb", but an NLB exists only on AWS; on-prem use { type: "metallb" }');
    }
    if (props.exposure.type === "metallb" && props.platform !== "onprem") {
      fail(
        "exposure",
        'is "metallb", but MetalLB cannot work on AWS: a VPC answers ARP itself and has no BGP ' +
          'to peer with; use { type: "nlb" }',
      );
    }
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
    };
  });
