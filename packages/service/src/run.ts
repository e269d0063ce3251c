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
  let service: { stop(): Promise<void> };
  try {
    service = await start();
  } catch (error) {
    logger.error("failed to start", {
      error: error instanceof Error ? error.message : String(error),
    });
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping", { signal });
    setTimeout(() => {
      logger.error("shutdown deadline passed; exiting");
      process.exit(1);
    }, opts.shutdownDeadlineMs ?? 10_000).unref();
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error("error while stopping", { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  // Started by the stack orchestrator (with an IPC channel): stop when it goes away.
  if (process.send) process.once("disconnect", () => shutdown("orchestrator exited"));
}
