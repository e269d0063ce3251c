/**
 * Exponential backoff with "full jitter" (AWS architecture blog): a random delay between 0 and
 * min(cap, base·2^(attempt−1)). Jitter spreads retries of many failing jobs so they do not hit a
 * recovering dependency in lock-step.
 */
export function backoffDelay(
  attempt: number,
  opts: { baseMs: number; capMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
