/**
 * Admission control for a service's `/graphql`: at most `maxInFlight` requests are worked on at
 * once; up to `maxQueued` more wait (first come, first served) at most `queueTimeoutMs` for a
 * slot; anything beyond is refused at once. A refused request is answered 503 with
 * `Retry-After` and SERVICE_UNAVAILABLE, before any work (authentication, parsing, planning) is
 * spent on it — so a burst is served at the pace the pools behind allow, or refused in a way a
 * client can retry, never left to pile up until the pools' waits time out inside a resolver.
 *
 * Hand-written (a counter and a FIFO of waiters) rather than p-limit/p-queue: those bound the
 * running work but have no bound on the queue's length or on the time a request waits in it,
 * which is the whole point here.
 */
export interface AdmissionLimits {
  /** Requests worked on at once. */
  maxInFlight: number;
  /** Requests waiting for a slot at once; more are refused straight away. */
  maxQueued: number;
  /** How long a request waits for a slot before it is refused. */
  queueTimeoutMs: number;
}

interface Waiter {
  admit: () => void;
  timer: ReturnType<typeof setTimeout>;
}

/** The counting and queueing, without HTTP (unit-tested on its own). */
export class Admission {
  #inFlight = 0;
  #queue: Waiter[] = [];

  constructor(readonly limits: AdmissionLimits) {}

  get inFlight(): number {
    return this.#inFlight;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Resolves true once a slot is held (call `release` when done), false when refused. */
  acquire(): Promise<boolean> {
    if (this.#inFlight < this.limits.maxInFlight) {
      this.#inFlight++;
      return Promise.resolve(true);
    }
    if (this.#queue.length >= this.limits.maxQueued) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        admit: () => {
          clearTimeout(waiter.timer);
          resolve(true);
        },
        timer: setTimeout(() => {
          this.#queue.splice(this.#queue.indexOf(waiter), 1);
          resolve(false);
        }, this.limits.queueTimeoutMs),
      };
      this.#queue.push(waiter);
    });
  }

  /** Gives a slot back: to the longest waiter, or free. */
  release(): void {
    const next = this.#queue.shift();
    if (next) next.admit();
    else this.#inFlight--;
  }
}
