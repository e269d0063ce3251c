import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ApolloServer, BaseContext } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ANONYMOUS, actorOf, type Principal } from "@shopstream/auth";
import { type ErrorCode, isDomainError, unexpectedError } from "@shopstream/errors";
import { type Registry, renderMetrics } from "@shopstream/metrics";
import express, {
  type ErrorRequestHandler,
  type Express,
  type Request,
  type RequestHandler,
  type Response,
} from "express";
import { Admission, type AdmissionLimits } from "./admission.ts";
import type { Logger } from "./logger.ts";

/** Per-request context every resolver receives. */
export interface RequestContext extends BaseContext {
  correlationId: string;
  /** Who is calling, as authenticated for this request (anonymous without credentials). */
  principal: Principal;
  /** How events and logs name the principal: always `actorOf(principal)`. */
  actor: string;
  /**
   * A guest cart's token (`x-cart-token`), which the gateway forwards: it is not a principal,
   * only the proof of holding one guest cart (`@shopstream/policy`'s `guest` ownership).
   */
  cartToken?: string | null;
}

/**
 * Establishes who sent a `/graphql` request, before Apollo sees it and before its body is read
 * (headers only: an unauthenticated caller costs no parsing). Throwing a `DomainError` with code
 * `UNAUTHENTICATED` answers HTTP 401 (`FORBIDDEN` 403, `RATE_LIMITED` 429 and
 * `SERVICE_UNAVAILABLE` 503, with `Retry-After` when the error gives `retryAfter` or
 * `retryAfterSeconds`); anything else thrown is an unexpected error (500, logged under a
 * correlation id).
 */
export type Authenticate = (req: Request) => Promise<Principal>;

export type ReadinessCheck = () => Promise<void>;

export interface HttpServiceOptions<TContext extends RequestContext> {
  name: string;
  port: number;
  host?: string;
  logger: Logger;
  /** The GraphQL server for `/graphql`; omitted by processes that only serve health. */
  apollo?: ApolloServer<TContext>;
  /**
   * Authenticates every request to `/graphql` (POST and GET) before Apollo runs. Without it
   * every request is anonymous. `/health`, `/ready` and the `routes` are never behind it.
   */
  authenticate?: Authenticate;
  /**
   * Bounds the `/graphql` requests worked on at once, before authentication; beyond the bound
   * they queue briefly, then are refused with 503, `Retry-After` and SERVICE_UNAVAILABLE.
   * Without it there is no bound.
   */
  admission?: AdmissionLimits;
  /** Extra context built from the request (on top of correlation id and principal). */
  context?: (base: RequestContext, req: Request) => Promise<TContext> | TContext;
  /** Each named check must resolve for `/ready` to answer 200. */
  readiness: Record<string, ReadinessCheck>;
  /** Mount additional routes (webhooks, IDE) before `/graphql`. */
  routes?: (app: Express) => void;
  /** Request body limit for JSON bodies. */
  bodyLimit?: string;
  /** Served at `/metrics` (Prometheus' text format), open like `/health`. */
  metrics?: Registry;
}

export interface RunningHttpService {
  url: string;
  port: number;
  server: Server;
  stop(): Promise<void>;
}

/**
 * The context every request starts from. The correlation id may come from the caller (the
 * gateway forwards its own: it is a tracing id, not a credential); the principal only ever comes
 * from `authenticate`.
 */
export function requestContext(req: Request, principal: Principal = ANONYMOUS): RequestContext {
  const value = req.headers["x-correlation-id"];
  const correlationId =
    typeof value === "string" && value.length > 0 && value.length <= 200 ? value : randomUUID();
  const token = req.headers["x-cart-token"];
  const cartToken =
    typeof token === "string" && token.length > 0 && token.length <= 200 ? token : null;
  return { correlationId, principal, actor: actorOf(principal), cartToken };
}

/** A GraphQL error response outside of GraphQL execution: always JSON, never an HTML page. */
function sendError(
  res: Response,
  status: number,
  error: { message: string; extensions?: { code?: unknown; [key: string]: unknown } },
) {
  res
    .status(status)
    .type("application/json")
    .send(JSON.stringify({ errors: [error] }));
}

/** Seconds a refused client is told to wait (`Retry-After`) when the service is saturated. */
const ADMISSION_RETRY_AFTER_SECONDS = 1;

/**
 * Holds a slot of `admission` for each request until its response is finished or abandoned. The
 * `close` listener comes first: a client that went away while queued releases its slot at once
 * when admitted, instead of holding it for ever.
 */
function admissionMiddleware(admission: Admission): RequestHandler {
  return (_req, res, next) => {
    let closed = false;
    let held = false;
    // `close` follows `finish`, and also comes when the client went away first.
    res.once("close", () => {
      closed = true;
      if (held) admission.release();
    });
    admission.acquire().then((admitted) => {
      if (!admitted) {
        if (closed) return;
        const code: ErrorCode = "SERVICE_UNAVAILABLE";
        res.setHeader("retry-after", String(ADMISSION_RETRY_AFTER_SECONDS));
        sendError(res, 503, {
          message: "The service is at capacity; retry shortly",
          extensions: { code, retryAfterSeconds: ADMISSION_RETRY_AFTER_SECONDS },
        });
        return;
      }
      if (closed) {
        admission.release();
        return;
      }
      held = true;
      next();
    }, next);
  };
}

/** Where `authenticate`'s principal waits for Apollo's context function. */
const PRINCIPAL = Symbol("principal");
type AuthenticatedRequest = Request & { [PRINCIPAL]?: Principal };

/**
 * The HTTP status of an expected refusal by `authenticate`. UNAUTHENTICATED is the contract; a
 * busy dependency (e.g. the look-up of a customer's id) or a rate limit may refuse too.
 */
const REFUSAL_STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
};

function authenticationMiddleware(authenticate: Authenticate, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    let principal: Principal;
    try {
      principal = await authenticate(req);
    } catch (error) {
      const status = isDomainError(error) ? REFUSAL_STATUS[error.code] : undefined;
      if (isDomainError(error) && status !== undefined) {
        if (status === 401) res.setHeader("www-authenticate", "Bearer");
        const wait = error.extensions.retryAfter ?? error.extensions.retryAfterSeconds;
        if (typeof wait === "number" && wait > 0)
          res.setHeader("retry-after", String(Math.ceil(wait)));
        sendError(res, status, {
          message: error.message,
          extensions: { ...error.extensions, code: error.code },
        });
        return;
      }
      sendError(res, 500, unexpectedError(logger, error));
      return;
    }
    (req as AuthenticatedRequest)[PRINCIPAL] = principal;
    next();
  };
}

/** body-parser's errors carry a `type` and an HTTP status; anything else is unexpected. */
interface HttpError extends Error {
  type?: unknown;
  status?: unknown;
  expose?: unknown;
}

/**
 * The last middleware: every error reaching it is answered with a JSON GraphQL error, so
 * Express's default handler (an HTML page with the stack and server paths) is never reached.
 */
function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: HttpError, req, res, _next) => {
    if (res.headersSent) {
      // Half an answer is already on the wire: all that is left is to cut it off.
      logger.warn("error after the response started", { path: req.path, error: String(error) });
      res.destroy();
      return;
    }
    const status = typeof error?.status === "number" ? error.status : 500;
    if (error?.type === "entity.too.large" || status === 413) {
      sendError(res, 413, {
        message: "The request body is too large.",
        extensions: { code: "PAYLOAD_TOO_LARGE" },
      });
      return;
    }
    if (error?.type === "entity.parse.failed") {
      sendError(res, 400, {
        message: "The request body is not valid JSON.",
        extensions: { code: "BAD_REQUEST" },
      });
      return;
    }
    if (status >= 400 && status < 500 && error?.expose === true) {
      // body-parser's other refusals: unsupported charset or encoding, aborted request, ...
      sendError(res, status, {
        message: "The request body could not be read.",
        extensions: { code: "BAD_REQUEST" },
      });
      return;
    }
    sendError(res, 500, unexpectedError(logger, error));
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

  const { metrics } = options;
  if (metrics) {
    app.get("/metrics", async (_req, res) => {
      const { contentType, body } = await renderMetrics(metrics);
      res.type(contentType).send(body);
    });
  }

  options.routes?.(app);

  if (apollo) {
    const buildContext = options.context ?? ((base: RequestContext) => base as TContext);
    await apollo.start();
    app.use(
      "/graphql",
      ...(options.admission ? [admissionMiddleware(new Admission(options.admission))] : []),
      ...(options.authenticate ? [authenticationMiddleware(options.authenticate, logger)] : []),
      express.json({ limit: options.bodyLimit ?? "1mb" }),
      expressMiddleware(apollo, {
        context: async ({ req }) =>
          buildContext(requestContext(req, (req as AuthenticatedRequest)[PRINCIPAL]), req),
      }),
    );
  }

  app.use((req, res) => {
    sendError(res, 404, {
      message: `No route for ${req.method} ${req.path}`,
      extensions: { code: "NOT_FOUND" },
    });
  });
  app.use(errorHandler(logger));

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
