/** Option values on the operator commands' command lines. */

/**
 * Whether an option's value is missing: nothing follows it, or another option does. A negative
 * number is a value (a wrong one, which the range check then names).
 */
export function isMissingValue(given: string | undefined): given is undefined {
  return !given || /^-(?!\d)/.test(given);
}

/** `text` as a whole number from `min` to `max`, else undefined. Digits only: Number() also takes "1e3", "0x10" and " 2". */
export function wholeNumber(text: string, min: number, max: number): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}
