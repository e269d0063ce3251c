import type { Logger } from "./logger.ts";

/**
 * Runs a service's main: on SIGINT/SIGTERM it calls `stop` once, exits 0 when done, and exits
 * 1 if stopping takes longer than the deadline. Start-up failures print a clear message and exit 1.
 */
export async function runService(
  logger: Logger,
  start: () => Promise<{ stop(): Promise<void> }>,
  opts: { shutdownDeadlineMs?: number } = {},
): Promise<void> {
  let service: { stop(): Promise<void> } | undefined;
  let shutdown: ((signal: string) => void) | undefined;
  // Started by the stack orchestrator (with an IPC channel): stop when it goes away. Listened to
  // before starting: an orchestrator that dies while this service is still starting (a start-up
  // timeout) must not leave it running with no one to stop it.
  if (process.send)
    process.once("disconnect", () => {
      if (shutdown) shutdown("orchestrator exited");
      else {
        logger.warn("orchestrator exited during start-up; exiting");
        process.exit(1);
      }
    });
  try {
    service = await start();
  } catch (error) {
    logger.error("failed to start", {
      error: error instanceof Error ? error.message : String(error),
    });
    process.exit(1);
  }
  const running = service;
  let stopping = false;
  shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping", { signal });
    setTimeout(() => {
      logger.error("shutdown deadline passed; exiting");
      process.exit(1);
    }, opts.shutdownDeadlineMs ?? 10_000).unref();
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error("error while stopping", { error: String(error) });
        process.exit(1);
      },
    );
  };
  const stop = shutdown;
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  // The orchestrator went away while this service was starting and the exit above raced it.
  if (process.send && !process.connected) stop("orchestrator exited");
}
