import type { ApolloServer } from "@apollo/server";
import { loadConfigOrExit } from "@shopstream/config";
import type { ContextName } from "@shopstream/db";
import { createMetricsRegistry, GraphqlMetrics } from "@shopstream/metrics";
import type { Express } from "express";
import { graphqlMetricsPlugin } from "./graphql-metrics.ts";
import { type RequestContext, startHttpService } from "./http-service.ts";
import { internalAuthenticator } from "./internal-auth.ts";
import { createLogger, type Logger } from "./logger.ts";
import { runService } from "./run.ts";
import { loadRunnableSubgraphConfig, type SubgraphConfig } from "./subgraph-config.ts";

interface PrismaLike {
  $disconnect(): Promise<void>;
  $queryRawUnsafe(query: string): Promise<unknown>;
}

/**
 * A subgraph's whole `main`: load and validate config, connect Prisma, serve HTTP with
 * `/health` and `/ready`, and stop cleanly on SIGINT/SIGTERM. Every GraphQL request (`_entities`
 * and `_service` included) must carry the gateway's internal token for this subgraph, or is
 * answered 401; health, readiness and the extra `routes` (webhooks) are not behind it.
 */
export async function runSubgraph<P extends PrismaLike, C extends RequestContext>(opts: {
  context: ContextName;
  createPrisma: (databaseUrl: string, opts: { poolSize: number; acquireTimeoutMs: number }) => P;
  createServer: (logger: Logger) => ApolloServer<C>;
  createContext: (prisma: P, base: RequestContext) => C;
  routes?: (app: Express, prisma: P, config: SubgraphConfig) => void;
}): Promise<void> {
  const config = loadConfigOrExit(opts.context, () => loadRunnableSubgraphConfig(opts.context));
  const logger = createLogger(opts.context, config.logLevel);
  await runService(logger, async () => {
    const prisma = opts.createPrisma(config.databaseUrl, {
      poolSize: config.databasePoolSize,
      acquireTimeoutMs: config.databaseAcquireTimeoutMs,
    });
    const registry = createMetricsRegistry(opts.context);
    const apollo = opts.createServer(logger);
    apollo.addPlugin(graphqlMetricsPlugin(new GraphqlMetrics(registry)));
    const http = await startHttpService({
      name: opts.context,
      port: config.port,
      host: config.host,
      logger,
      apollo,
      metrics: registry,
      authenticate: internalAuthenticator(config.internalAuthPublicKeys, opts.context),
      context: (base) => opts.createContext(prisma, base),
      readiness: { postgres: async () => void (await prisma.$queryRawUnsafe("SELECT 1")) },
      ...(opts.routes ? { routes: (app: Express) => opts.routes?.(app, prisma, config) } : {}),
    });
    return {
      async stop() {
        await http.stop();
        await prisma.$disconnect();
      },
    };
  });
}
