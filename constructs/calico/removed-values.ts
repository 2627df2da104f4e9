import type { HelmValues } from "../shared/kubernetes";
import { calicoCrdsInOwnChart } from "./crds";

/**
 * tigera-operator chart values whose fields the v3.32 CRDs no longer have (compared with v3.31's):
 * the API server would drop them, or refuse the object, so the setting would silently not apply.
 */
const REMOVED_IN_V3_32: readonly { readonly path: readonly string[]; readonly field: string }[] = [
  { path: ["installation", "cni", "specVersion"], field: "Installation spec.cni.specVersion" },
  ...["bpfKubeProxyEndpointSlicesEnabled", "iptablesLockFilePath", "iptablesLockTimeout"].map(
    (name) => ({
      path: ["defaultFelixConfiguration", name],
      field: `FelixConfiguration spec.${name}`,
    }),
  ),
];

function has(values: unknown, path: readonly string[]): boolean {
  let node = values;
  for (const key of path) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return node !== undefined && node !== null;
}

/** Values in `valuesOverride` that chart `version` can no longer apply, with what to do. */
export function removedValueProblems(
  valuesOverride: Readonly<HelmValues> | undefined,
  version: string,
): { readonly path: string[]; readonly message: string }[] {
  if (valuesOverride === undefined || !calicoCrdsInOwnChart(version)) return [];
  return REMOVED_IN_V3_32.filter(({ path }) => has(valuesOverride, path)).map(
    ({ path, field }) => ({
      path: [...path],
      message: `sets ${field}, which Calico v3.32 removed from its CRDs (the setting would not apply); remove it`,
    }),
  );
}
