import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ApolloServer, BaseContext } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type Express, type Request } from "express";
import type { Logger } from "./logger.ts";

/** Per-request context every resolver receives. */
export interface RequestContext extends BaseContext {
  correlationId: string;
  actor: string;
}

export type ReadinessCheck = () => Promise<void>;

export interface HttpServiceOptions<TContext extends RequestContext> {
  name: string;
  port: number;
  host?: string;
  logger: Logger;
  /** The GraphQL server for `/graphql`; omitted by processes that only serve health. */
  apollo?: ApolloServer<TContext>;
  /** Extra context built from the request (on top of correlation id and actor). */
  context?: (base: RequestContext, req: Request) => Promise<TContext> | TContext;
  /** Each named check must resolve for `/ready` to answer 200. */
  readiness: Record<string, ReadinessCheck>;
  /** Mount additional routes (webhooks, IDE) before `/graphql`. */
  routes?: (app: Express) => void;
  /** Request body limit for JSON bodies. */
  bodyLimit?: string;
}

export interface RunningHttpService {
  url: string;
  port: number;
  server: Server;
  stop(): Promise<void>;
}

export function requestContext(req: Request): RequestContext {
  const header = (name: string) => {
    const value = req.headers[name];
    return typeof value === "string" && value.length > 0 && value.length <= 200 ? value : undefined;
  };
  return {
    correlationId: header("x-correlation-id") ?? randomUUID(),
    actor: header("x-actor") ?? "anonymous",
  };
}

async function runChecks(checks: Record<string, ReadinessCheck>) {
  const results: Record<string, string> = {};
  let ok = true;
  await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error("timed out after 2s")), 2000).unref(),
          ),
        ]);
        results[name] = "ok";
      } catch (error) {
        ok = false;
        results[name] = error instanceof Error ? error.message : String(error);
      }
    }),
  );
  return { ok, results };
}

/**
 * Starts an Express server with `/health` (process alive), `/ready` (dependencies reachable)
 * and the Apollo server on `/graphql`. Express and the official Apollo integration rather than a
 * hand-rolled router: the same stack serves webhooks and the IDE later.
 */
export async function startHttpService<TContext extends RequestContext>(
  options: HttpServiceOptions<TContext>,
): Promise<RunningHttpService> {
  const { apollo, logger } = options;
  const app = express();
  app.disable("x-powered-by");

  app.get("/health", (_req, res) => {
    res.json({ status: "ok", service: options.name });
  });
  app.get("/ready", async (_req, res) => {
    const { ok, results } = await runChecks(options.readiness);
    res
      .status(ok ? 200 : 503)
      .json({ status: ok ? "ready" : "unavailable", service: options.name, checks: results });
  });

  options.routes?.(app);

  if (apollo) {
    const buildContext = options.context ?? ((base: RequestContext) => base as TContext);
    await apollo.start();
    app.use(
      "/graphql",
      express.json({ limit: options.bodyLimit ?? "1mb" }),
      expressMiddleware(apollo, {
        context: async ({ req }) => buildContext(requestContext(req), req),
      }),
    );
  }

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port, options.host ?? "0.0.0.0", (error?: Error) =>
      error ? reject(error) : resolve(s),
    );
    s.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}${apollo ? "/graphql" : ""}`;
  logger.info("listening", { url });

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    server,
    stop() {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 5000).unref();
        });
        await apollo?.stop();
      })();
      return stopping;
    },
  };
}
