import type { ResourceChangeJson } from "../../scripts/plan/plan-json";

/** A resource change of a plan JSON for `address`, with empty values unless `details` gives them. */
export const change = (
  address: string,
  actions: string[],
  details: Partial<ResourceChangeJson["change"]> = {},
): ResourceChangeJson => {
  const [type, name] = address.split(".");
  return { address, type, name, change: { actions, before: {}, after: {}, ...details } };
};
