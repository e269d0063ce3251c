import { ConfigError } from "@shopstream/config";
import { pingRedis, redisHelp } from "@shopstream/redis";
import { createLogger, runService, startHttpService } from "@shopstream/service";
import pg from "pg";
import { loadWorkersConfig } from "./config.ts";

/**
 * The workers process. For now it only verifies its connections (Redis and every context's
 * database) and serves `/health` and `/ready`; the event pipeline arrives with the next issue.
 */
let config: ReturnType<typeof loadWorkersConfig>;
try {
  config = loadWorkersConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`workers: ${error.message}\n`);
  process.exit(1);
}
const logger = createLogger("workers", config.logLevel);

try {
  await pingRedis(config.redisUrl);
} catch {
  process.stderr.write(`workers: ${redisHelp(config.redisUrl)}\n`);
  process.exit(1);
}

await runService(logger, async () => {
  const pools = Object.entries(config.databaseUrls).map(
    ([context, url]) => [context, new pg.Pool({ connectionString: url, max: 1 })] as const,
  );
  const readiness: Record<string, () => Promise<void>> = {
    redis: () => pingRedis(config.redisUrl),
  };
  for (const [context, pool] of pools)
    readiness[`postgres:${context}`] = async () => void (await pool.query("SELECT 1"));
  for (const [name, check] of Object.entries(readiness))
    await check().catch((error: unknown) => {
      throw new Error(
        `${name} unreachable: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  logger.info("connections verified", { checks: Object.keys(readiness) });
  const http = await startHttpService({
    name: "workers",
    port: config.port,
    host: config.host,
    logger,
    readiness,
  });
  return {
    async stop() {
      await http.stop();
      await Promise.all(pools.map(([, pool]) => pool.end()));
    },
  };
});
