/** How far a message's time may be from this node's clock and still count as "now" for a reminder. */
export const MAX_MESSAGE_CLOCK_SKEW_MS = 60_000;

/**
 * The time a handler's relative schedule (`after`, `every`, `cron`) counts from: the handled
 * message's CloudEvents `time`, so a redelivered handler computes the same due time (and the
 * same delivery id). A message time far from this node's clock (a producer with a wrong clock,
 * an operator's replay days later) gives way to `now`.
 */
export function reminderBaseTime(messageTime: string | undefined, now: number = Date.now()): number {
  const t = messageTime === undefined ? Number.NaN : Date.parse(messageTime);
  return Number.isFinite(t) && Math.abs(t - now) <= MAX_MESSAGE_CLOCK_SKEW_MS ? t : now;
}
