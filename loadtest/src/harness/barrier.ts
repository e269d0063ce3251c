/**
 * A cyclic barrier: `wait()` parks callers until `parties` of them have arrived, then releases
 * them together and starts a new generation. A generation that does not fill within `timeoutMs`
 * (or when `signal` aborts) is released with whoever came, so a race never hangs a run.
 */
export class Barrier {
  private waiting: Array<(released: Release) => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;

  constructor(
    readonly parties: number,
    private readonly timeoutMs = 10_000,
    signal?: AbortSignal,
    private readonly onRelease?: (release: Release) => void,
  ) {
    if (parties < 1) throw new Error("a barrier needs at least one party");
    signal?.addEventListener("abort", () => this.release(false), { once: true });
  }

  get arrived(): number {
    return this.waiting.length;
  }

  wait(): Promise<Release> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (this.waiting.length === 1) {
        this.timer = setTimeout(() => this.release(false), this.timeoutMs);
      }
      if (this.waiting.length >= this.parties) this.release(true);
    });
  }

  private release(full: boolean) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const waiting = this.waiting;
    this.waiting = [];
    const generation = this.generation++;
    const release = { generation, parties: waiting.length, full };
    if (waiting.length > 0) this.onRelease?.(release);
    for (const resolve of waiting) resolve(release);
  }
}

export interface Release {
  generation: number;
  /** How many callers this generation released together. */
  parties: number;
  /** False when the timeout or the stop signal released an incomplete generation. */
  full: boolean;
}
