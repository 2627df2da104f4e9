/** Retention periods CloudWatch Logs accepts (`retention_in_days`); 0 keeps events forever. */
export const LOG_RETENTION_DAYS = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
  3288, 3653,
] as const;

/** Whether CloudWatch Logs accepts `days` as a log group retention. */
export function isLogRetentionDays(days: number): boolean {
  return (LOG_RETENTION_DAYS as readonly number[]).includes(days);
}
