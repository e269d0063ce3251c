/**
 * What verified tokens resolved to, by their exact string, each until its `exp` or `maxAgeMs`
 * after it was verified, whichever comes first; at most `max` of them (the oldest go first).
 *
 * Why: clients send the same bearer token with every request, and the gateway's signer reuses
 * one internal token per principal and subgraph for minutes, yet each request paid an ECDSA
 * verification — the biggest single cost of authentication in the profile of
 * `pnpm bench:orders`. Only successes are kept, and never past `maxAgeMs`, so a withdrawn key
 * stops being honoured within that time. A Map in insertion order is the whole LRU needed here
 * (entries are never refreshed), so no cache library.
 */
export class VerifiedTokens<T> {
  readonly #entries = new Map<string, { value: T; until: number }>();

  constructor(
    private readonly max = 10_000,
    private readonly maxAgeMs = 60_000,
  ) {}

  get(token: string, now = Date.now()): T | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.#entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  /** Remembers a token verified just now; `expiresAtMs` is its `exp` (in ms), if any. */
  set(token: string, value: T, expiresAtMs: number | null, now = Date.now()): void {
    const until = Math.min(now + this.maxAgeMs, expiresAtMs ?? Number.POSITIVE_INFINITY);
    if (until <= now) return;
    if (this.#entries.size >= this.max) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, { value, until });
  }

  get size(): number {
    return this.#entries.size;
  }
}
