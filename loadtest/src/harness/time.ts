/** A user's wait between journeys: uniform between min and max, or constant when they match. */
export interface Wait {
  minMs: number;
  maxMs: number;
}

export const between = (minS: number, maxS: number): Wait => ({
  minMs: minS * 1000,
  maxMs: maxS * 1000,
});
export const constant = (s: number): Wait => ({ minMs: s * 1000, maxMs: s * 1000 });

export function drawWait(wait: Wait, random: () => number = Math.random): number {
  return wait.minMs + (wait.maxMs - wait.minMs) * random();
}

/** Sleeps `ms`, or less when `signal` aborts (resolves false then). */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Parses `30s`, `2m`, `1h`, `500ms` or a bare number of seconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  const factor = unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "m" ? 60_000 : 3_600_000;
  const ms = n * factor;
  return ms > 0 ? ms : undefined;
}
