/**
 * Props of the shared constructs (ManifestsRelease, WaitForCondition): the one place their rules
 * and defaults live.
 */
import { z } from "zod";
import type { EksClusterAccess, KubeconfigAccess } from "./cluster-access";
import { isDnsLabel } from "./kubernetes";
import type { ManifestsReleaseProps } from "./manifests-release";
import {
  checkedString,
  dependables,
  kubernetesName,
  wholeNumber,
  withRules,
} from "./validation/fields";
import { PropsShape } from "./validation/parse-props";
import type { WaitForConditionProps } from "./wait-for-condition";
import { awsRegion, iamRoleArn } from "./aws-account";

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

const waitForConditionShape = {
  access: z.discriminatedUnion("kind", [
    z.object(eksAccessShape).strict(),
    z.object(kubeconfigAccessShape).strict(),
  ]),
  resource: checkedString(
    (resource) => /^[a-z0-9.]+\/[a-z0-9][a-z0-9.-]*$/.test(resource),
    (resource) => `must be kind/name such as tigerastatus/calico; got "${resource}"`,
  ),
  namespace: kubernetesName.optional(),
  condition: z.string().refine(
    (condition) => /^[A-Za-z][A-Za-z0-9]*$/.test(condition),
    (condition) => ({
      message: `must be a condition type such as Available; got "${condition}"`,
    }),
  ),
  // Written into the provisioner's environment at synth.
  timeoutSeconds: wholeNumber(30, 7200, " of seconds").default(900),
  triggers: z.record(z.string()).optional(),
  dependsOn: dependables.optional(),
} satisfies PropsShape<WaitForConditionProps>;

export const waitForConditionPropsSchema = z.object(waitForConditionShape).strict();
