/**
 * Adds `items` to `target` one by one. `target.push(...items)` passes every item as an argument,
 * and a plan with about 100,000 changes overflows the call stack that way.
 */
export function appendAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}
