import { checkedNumber, withJsonSchema } from "./validation/fields";

/** Retention periods CloudWatch Logs accepts (`retention_in_days`); 0 keeps events forever. */
export const LOG_RETENTION_DAYS = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
  3288, 3653,
] as const;

/** Days of a log group's retention that CloudWatch Logs accepts, or a token. */
export const logRetentionDays = withJsonSchema(
  checkedNumber(
    (days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days),
    (days) =>
      `must be a retention CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(", ")}); got ${days}`,
  ),
  { type: "integer", enum: LOG_RETENTION_DAYS },
);
