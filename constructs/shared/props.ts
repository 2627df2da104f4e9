/**
 * Props of the shared constructs (ManifestsRelease, WaitForCondition), the one place their rules
 * and defaults live, and schemas of the shared types other constructs' props are made of.
 */
import { z } from "zod";
import type { EksClusterAccess, KubeconfigAccess } from "./cluster-access";
import { PLATFORMS, isDnsLabel } from "./kubernetes";
import type { ManifestsReleaseProps } from "./manifests-release";
import { POD_SECURITY_LEVELS, type NamespaceSecurity } from "./namespace";
import type { NodeSegment } from "./node-network";
import { POD_NETWORK_MODES } from "./pod-network";
import {
  addressRange,
  checkedString,
  cidr,
  dependables,
  ipv4,
  kubernetesName,
  wholeNumber,
  withRules,
} from "./validation/fields";
import { PropsShape } from "./validation/parse-props";
import type { DeleteOnDestroyProps, FieldValue, WaitForConditionProps } from "./wait-for-condition";
import { awsRegion, iamRoleArn } from "./aws-account";

export const platformSchema = z.enum(PLATFORMS);

/** A pod network mode, listing the modes when it is none of them. */
export const podNetworkModeSchema = z.enum(POD_NETWORK_MODES);

/** Chart values as a JSON object (escape hatches: their content is the chart's to check). */
export const helmValuesSchema = z.record(z.unknown());

const nodeSegmentShape = {
  cidr: cidr("192.168.10.0/24"),
  nodeAddresses: z.array(addressRange).min(1, {
    message: "is empty; list the addresses nodes take (static ones or the DHCP scope)",
  }),
  gateway: ipv4.optional(),
} satisfies PropsShape<NodeSegment>;

/** One node segment, field by field; `parseNodeSegments` checks how its addresses relate. */
export const nodeSegmentSchema = z.object(nodeSegmentShape).strict();

const manifestsReleaseShape = {
  releaseName: checkedString(
    (name) => isDnsLabel(name) && name.length <= 53,
    (name) =>
      `must be a Helm release name: at most 53 lowercase letters, digits and hyphens; got "${name}"`,
  ),
  namespace: kubernetesName,
  // Passed through as they are: objects may hold tokens, resolved when the values are rendered.
  manifests: z
    .array(
      z.custom<object>((value) => typeof value === "object" && value !== null, {
        message: "must be a Kubernetes object (apiVersion, kind, metadata, ...)",
      }),
    )
    .default([]),
  documents: z.array(z.string()).optional(),
  createNamespace: z.boolean().default(false),
  takeOwnership: z.boolean().default(false),
  keep: z.boolean().default(false),
  protect: z.boolean().default(false),
  dependsOn: dependables.optional(),
} satisfies PropsShape<ManifestsReleaseProps>;

export const manifestsReleasePropsSchema = withRules(
  z.object(manifestsReleaseShape).strict(),
  ({ manifests, documents }, ctx) => {
    if (manifests.length === 0 && documents === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["manifests"],
        message: "is empty; pass at least one object (or documents), or omit the release",
      });
    }
  },
);

const eksAccessShape = {
  kind: z.literal("eks"),
  clusterName: z.string(),
  region: awsRegion,
  endpoint: z.string(),
  certificateAuthorityData: z.string(),
  roleArn: iamRoleArn.optional(),
} satisfies PropsShape<EksClusterAccess>;

const kubeconfigAccessShape = {
  kind: z.literal("kubeconfig"),
  path: z.string().min(1),
  context: z.string().min(1),
} satisfies PropsShape<KubeconfigAccess>;

/** A Kubernetes object as `kind/name` (`resource/name` for kubectl). */
const objectReference = checkedString(
  (resource) => /^[a-z0-9.]+\/[a-z0-9][a-z0-9.-]*$/.test(resource),
  (resource) => `must be kind/name such as tigerastatus/calico; got "${resource}"`,
);

const clusterAccessSchema = z.discriminatedUnion("kind", [
  z.object(eksAccessShape).strict(),
  z.object(kubeconfigAccessShape).strict(),
]);

const fieldValueShape = {
  resource: objectReference,
  jsonPath: checkedString(
    (path) => /^\{[^{}\n]+\}$/.test(path),
    (path) => `must be a kubectl JSONPath template such as {.status.calicoVersion}; got "${path}"`,
  ),
  value: z.string(),
} satisfies PropsShape<FieldValue>;

const waitForConditionShape = {
  access: clusterAccessSchema,
  resource: objectReference,
  namespace: kubernetesName.optional(),
  condition: z.string().refine(
    (condition) => /^[A-Za-z][A-Za-z0-9]*$/.test(condition),
    (condition) => ({
      message: `must be a condition type such as Available; got "${condition}"`,
    }),
  ),
  observedGenerationOf: objectReference.optional(),
  fieldEquals: z.object(fieldValueShape).strict().optional(),
  // Written into the provisioner's environment at synth.
  timeoutSeconds: wholeNumber(30, 7200, " of seconds").default(900),
  triggers: z.record(z.string()).optional(),
  dependsOn: dependables.optional(),
} satisfies PropsShape<WaitForConditionProps>;

export const waitForConditionPropsSchema = z.object(waitForConditionShape).strict();

const namespaceSecurityShape = {
  podSecurityVersion: checkedString(
    (version) => version === "latest" || /^v1\.\d+$/.test(version),
    (version) => `must be a Kubernetes minor version such as v1.34, or latest; got "${version}"`,
  ).default("latest"),
  podSecurityLevel: z.enum(POD_SECURITY_LEVELS).optional(),
  networkPolicies: z.boolean().default(false),
  apiServerCidrs: z
    .array(cidr("10.10.0.0/16"))
    .min(1, { message: "is empty; list where the API server's endpoints are, or leave it out" })
    .default(["0.0.0.0/0"]),
} satisfies PropsShape<NamespaceSecurity>;

/** A component's `namespaceSecurity`, every default filled. */
export const namespaceSecuritySchema = z.object(namespaceSecurityShape).strict().default({});

const deleteOnDestroyShape = {
  access: clusterAccessSchema,
  objects: z.array(objectReference).min(1, { message: "is empty; list the objects to delete" }),
  waitFor: z.array(objectReference).optional(),
  timeoutSeconds: wholeNumber(30, 7200, " of seconds").default(600),
  dependsOn: dependables.optional(),
} satisfies PropsShape<DeleteOnDestroyProps>;

export const deleteOnDestroyPropsSchema = withRules(
  z.object(deleteOnDestroyShape).strict(),
  ({ objects, waitFor }, ctx) => {
    (waitFor ?? []).forEach((object, i) => {
      if (objects.includes(object)) return;
      ctx.addIssue({
        code: "custom",
        path: ["waitFor", i],
        message: `"${object}" is not among objects, so nothing deletes it; add it to objects or drop it here`,
      });
    });
  },
).transform((props) => ({ ...props, waitFor: props.waitFor ?? props.objects }));
