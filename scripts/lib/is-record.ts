/** A JSON object (not null, not an array): what parsed plan, state and manifest JSON is read as. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);
