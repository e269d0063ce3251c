import type { ChildProcess } from "node:child_process";

/*
 * Restarting a service that died, as the start command does for the stack's processes (a killed
 * worker, a subgraph that crashed): with backoff, and loudly giving up when a process keeps
 * dying. Written here rather than with a process manager (pm2, forever) because the start command
 * already owns these processes, their output and their order of shutdown; the policy is a few
 * lines. docker-compose gets the same behaviour from its restart policies.
 */

export interface RestartPolicy {
  /** Crashes tolerated within `windowMs`; one more and the supervisor gives up. */
  maxRestarts: number;
  windowMs: number;
  /** The wait before the first restart; doubled for each further crash within the window. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxRestarts: 5,
  windowMs: 60_000,
  initialDelayMs: 500,
  maxDelayMs: 15_000,
};

export type CrashDecision =
  | { restart: true; delayMs: number; recentCrashes: number }
  | { restart: false; recentCrashes: number };

/** The crashes of one service and what to do about the next one. Pure: the clock is given. */
export class CrashHistory {
  private crashes: number[] = [];

  constructor(private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY) {}

  crashed(now: number): CrashDecision {
    this.crashes = [...this.crashes.filter((t) => now - t < this.policy.windowMs), now];
    const recentCrashes = this.crashes.length;
    if (recentCrashes > this.policy.maxRestarts) return { restart: false, recentCrashes };
    const delayMs = Math.min(
      this.policy.maxDelayMs,
      this.policy.initialDelayMs * 2 ** (recentCrashes - 1),
    );
    return { restart: true, delayMs, recentCrashes };
  }
}

export interface SupervisedProcess {
  /** The process running now (a new one after each restart). */
  current(): ChildProcess;
  /** Stops supervising and terminates the current process (SIGTERM, then SIGKILL after 10 s). */
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  name: string;
  start: () => ChildProcess;
  policy?: RestartPolicy;
  log: (line: string) => void;
  /** Whether an exit now is a crash to restart from (false while the stack is still starting). */
  restarting: () => boolean;
  /** A crash the supervisor does not restart from: during start-up, or after giving up. */
  onFatal: (failure: { service: string; code: number | null; signal: string | null }) => void;
  /** Each new process after a restart (to update pids). */
  onRestart?: (child: ChildProcess) => void;
  now?: () => number;
}

export function supervise(options: SuperviseOptions): SupervisedProcess {
  const history = new CrashHistory(options.policy);
  const now = options.now ?? Date.now;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let child: ChildProcess;

  const launch = () => {
    child = options.start();
    child.once("exit", (code, signal) => {
      if (stopped) return;
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (!options.restarting()) {
        options.onFatal({ service: options.name, code, signal });
        return;
      }
      const decision = history.crashed(now());
      if (!decision.restart) {
        options.log(
          `[stack] ✗ ${options.name} exited (${how}) ${decision.recentCrashes} times within ${Math.round((options.policy ?? DEFAULT_RESTART_POLICY).windowMs / 1000)} s; giving up on it`,
        );
        options.onFatal({ service: options.name, code, signal });
        return;
      }
      options.log(
        `[stack] ${options.name} exited (${how}); restarting it in ${decision.delayMs} ms (crash ${decision.recentCrashes} of at most ${(options.policy ?? DEFAULT_RESTART_POLICY).maxRestarts} within the window)`,
      );
      timer = setTimeout(() => {
        timer = undefined;
        if (stopped) return;
        launch();
        options.onRestart?.(child);
      }, decision.delayMs);
    });
  };
  launch();

  return {
    current: () => child,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await terminate(child);
    },
  };
}

/** SIGTERM, then SIGKILL if the process has not exited within 10 s. */
export function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
