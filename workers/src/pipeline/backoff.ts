/**
 * Exponential backoff with "equal jitter": a random delay between half and all of
 * min(cap, base·2^(attempt−1)). The random half spreads the retries of many failing jobs so they
 * do not hit a recovering dependency in lock-step; the fixed half means a retry never comes back
 * at once. ("Full jitter", 0 to the ceiling, could retry within milliseconds into the same held
 * lock or restarting dependency and waste one of an event's few attempts before it is
 * dead-lettered.)
 */
export function backoffDelay(
  attempt: number,
  opts: { baseMs: number; capMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
