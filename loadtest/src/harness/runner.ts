import { type Journey, type RunEnv, runJourney, type UserSession } from "./journey.ts";
import { drawWait, sleep, type Wait } from "./time.ts";

/** A weighted journey of a user class; `make` builds it for one run (races share coordinators). */
export interface WeightedJourney {
  weight: number;
  make: (env: RunEnv) => Journey;
}

export interface UserClass {
  name: string;
  wait: Wait;
  journeys: WeightedJourney[];
}

export interface RunOptions {
  users: number;
  spawnRate: number;
  durationMs: number;
  userClass: UserClass;
  env: RunEnv;
  /** Stops the run (Ctrl-C); the env's signal is derived from it. */
  stop: AbortController;
  /** How long in-flight journeys may take to settle after the stop. */
  settleMs?: number;
  random?: () => number;
}

/** Picks a journey by weight. */
export function pick<T extends { weight: number }>(items: readonly T[], random: () => number): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let r = random() * total;
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item;
  }
  return items[items.length - 1]!;
}

/**
 * Runs the users of one class: spawned at `spawnRate` per second up to `users`, each looping
 * over weighted journeys with the class's wait between them, until the duration ends or `stop`
 * aborts. In-flight steps are let settle (up to `settleMs`); `pause()` parks users between
 * journeys (the live page's Stop), `resume()` lets them go on.
 */
export class Runner {
  private paused = false;
  private readonly resumeWaiters: Array<() => void> = [];
  private readonly loops: Promise<void>[] = [];
  readonly journeys: { weight: number; journey: Journey }[];

  constructor(private readonly o: RunOptions) {
    this.journeys = o.userClass.journeys.map((j) => ({ weight: j.weight, journey: j.make(o.env) }));
  }

  get isPaused() {
    return this.paused;
  }

  pause() {
    this.paused = true;
  }

  resume() {
    this.paused = false;
    for (const w of this.resumeWaiters.splice(0)) w();
  }

  private async userLoop(id: number) {
    const { env, userClass } = this.o;
    const random = this.o.random ?? Math.random;
    const user: UserSession = { id, tokens: new Map() };
    env.stats.users++;
    try {
      while (!env.signal.aborted) {
        if (this.paused) {
          await new Promise<void>((resolve) => {
            this.resumeWaiters.push(resolve);
            env.signal.addEventListener("abort", () => resolve(), { once: true });
          });
          continue;
        }
        const { journey } = pick(this.journeys, random);
        await runJourney(journey, user, env);
        if (!(await sleep(drawWait(userClass.wait, random), env.signal))) break;
      }
    } finally {
      env.stats.users--;
    }
  }

  /** Runs to the end; resolves once every user stopped (or the settle deadline passed). */
  async run(): Promise<void> {
    const { users, spawnRate, durationMs, stop, env } = this.o;
    const timer = setTimeout(() => stop.abort(), durationMs);
    const gap = 1000 / spawnRate;
    for (let i = 0; i < users && !env.signal.aborted; i++) {
      this.loops.push(this.userLoop(i));
      if (i < users - 1 && !(await sleep(gap, env.signal))) break;
    }
    await new Promise<void>((resolve) => {
      if (env.signal.aborted) resolve();
      else env.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    clearTimeout(timer);
    this.resume();
    const settle = sleep(this.o.settleMs ?? 30_000);
    await Promise.race([Promise.allSettled(this.loops), settle]);
  }
}
