import type { IncomingMessage, Server } from "node:http";
import { ANONYMOUS, type Principal } from "@shopstream/auth";
import { createErrorFormatter } from "@shopstream/errors";
import type { Logger } from "@shopstream/service";
import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  GraphQLError,
  type GraphQLError as GraphQLErrorType,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  getOperationAST,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
} from "graphql";
// graphql-ws names it like a React hook; it is not one.
import { useServer as attachGraphqlWs } from "graphql-ws/use/ws";
import type { Redis } from "ioredis";
import { type WebSocket, WebSocketServer } from "ws";
import { type OperationLimits, operationRules, withoutSuggestions } from "../limits.ts";
import { rateLimitedMessage } from "../rate-limit.ts";
import { subscriberAccess } from "./access.ts";
import { decodeLiveCursor } from "./cursor.ts";
import { EntityFetcher, type GatewayExecutor } from "./entity-fetch.ts";
import type { LiveHub } from "./hub.ts";
import { openLiveStream } from "./live-stream.ts";
import { mapIterator, operationKey, SharedResults } from "./shared-results.ts";
import { LIVE_SOURCES, type LivePayload } from "./sources.ts";

/** A connection's principal and when its credentials expire (ms since the epoch; null: never). */
export interface ConnectionSession {
  principal: Principal;
  expiresAt: number | null;
}

/**
 * Called once per connection with the `connection_init` payload and the upgrade request; null
 * (or a throw) refuses the connection with 4403 Forbidden. This is where token checks plug in.
 * A session's `expiresAt` closes the connection (4403) when it passes; a bare principal never
 * expires.
 */
export type Authenticate = (
  connectionParams: Readonly<Record<string, unknown>>,
  request: IncomingMessage,
) => Promise<Principal | ConnectionSession | null> | Principal | ConnectionSession | null;

const sessionOf = (value: Principal | ConnectionSession): ConnectionSession =>
  "principal" in value ? value : { principal: value, expiresAt: null };

/**
 * Close codes of the gateway's own refusals (graphql-ws's codes: the client treats 4429 as fatal
 * rather than reconnecting at once, and may reconnect after 4403 with new credentials).
 */
export const CLOSE_TOKEN_EXPIRED = { code: 4403, reason: "Token expired" } as const;
export const CLOSE_RATE_LIMITED = 4429;

/** setTimeout's longest delay (about 24.8 days); a later expiry re-arms the timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Without an authenticate hook every connection is anonymous (the gateway always passes one). */
export const anonymousConnections: Authenticate = () => ANONYMOUS;

export interface SubscriptionLimits extends OperationLimits {
  /** Most subscriptions (and in-flight operations) one connection may hold. */
  maxSubscriptionsPerConnection: number;
  /** A connection holding no subscription for this long is closed. */
  idleTimeoutMs: number;
  /** WebSocket ping interval; a peer that misses a pong in between is dropped. */
  keepAliveMs: number;
  /** Live events held for one slow subscriber before it is ended (SUBSCRIBER_TOO_SLOW). */
  maxBufferedEvents: number;
  /** Largest message accepted, like the HTTP path's body limit. */
  maxPayloadBytes: number;
}

export interface SubscriptionServerOptions {
  server: Server;
  path: string;
  /** The supergraph's API schema (the one HTTP requests are validated against), as it is now. */
  schema: () => GraphQLSchema | null;
  /** Runs queries and mutations, and entity look-ups, through the gateway. */
  executor: GatewayExecutor;
  hub: LiveHub;
  reader: Redis;
  prefix: string;
  limits: SubscriptionLimits;
  authenticate?: Authenticate;
  /**
   * Charges one connection (at `connection_init`, once authenticated) or one subscribe to the
   * principal's (or IP's) budget: seconds to wait, or null.
   */
  rateLimit?: (principal: unknown, request: IncomingMessage) => Promise<number | null>;
  /**
   * Origins a browser may open a socket from (`https://shop.example`); others get 403 at the
   * upgrade. Null or absent: any. A request without `Origin` (not a browser) is let through.
   */
  allowedOrigins?: readonly string[] | null;
  /** The production profile: no introspection, no validation suggestions. */
  production?: boolean;
  logger: Logger;
}

/** `https://Shop.example/` and `https://shop.example` are the same origin. */
const normalizeOrigin = (origin: string) => origin.trim().toLowerCase().replace(/\/+$/, "");

interface Connection {
  principal: Principal;
  operations: Set<string>;
  idle: NodeJS.Timeout | undefined;
  /** Closes the connection when its token expires. */
  expiry: NodeJS.Timeout | undefined;
  alive: boolean;
}

interface OperationContext {
  principal: Principal;
  /** The operation's text, part of the key under which subscribers share results. */
  query: string;
  /** Set for queries and mutations: they run through the gateway exactly as over HTTP. */
  delegate?: { query: string; variables: Record<string, unknown>; operationName?: string };
}

const LIVE = new WeakSet<object>();
const FETCHED = new WeakSet<object>();

/** Remembers every object of a fetched entity: their keys are response keys (aliases). */
function markFetched(value: unknown): void {
  if (typeof value !== "object" || value === null || FETCHED.has(value)) return;
  FETCHED.add(value);
  for (const child of Object.values(value)) markFetched(child);
}

const validationError = (message: string, code: string, extra: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...extra } });

/**
 * GraphQL over WebSocket (graphql-ws) on the gateway's own HTTP server and path. Subscriptions
 * come from the live streams through one hub per process; every event is then executed against
 * the subscriber's selection with graphql-js, and each entity field (`order`, `variant`, …) is
 * loaded through the federated gateway with exactly the sub-selection asked for. Queries and
 * mutations sent over the socket run through the gateway like HTTP ones.
 */
export function startSubscriptionServer(options: SubscriptionServerOptions) {
  const { limits, logger } = options;
  const authenticate = options.authenticate ?? anonymousConnections;
  const fetcher = new EntityFetcher(options.executor);
  const shared = new SharedResults();
  const formatError = createErrorFormatter(logger);
  const connections = new Map<WebSocket, Connection>();
  const rules = [
    ...specifiedRules,
    ...operationRules(
      limits,
      { GraphQLError, NoSchemaIntrospectionCustomRule },
      { introspection: !options.production },
    ),
  ];
  const message = options.production ? withoutSuggestions : (m: string) => m;
  const origins = options.allowedOrigins?.length
    ? new Set(options.allowedOrigins.map(normalizeOrigin))
    : null;

  const wss = new WebSocketServer({
    server: options.server,
    path: options.path,
    maxPayload: limits.maxPayloadBytes,
    ...(origins
      ? {
          verifyClient: (
            info: { origin: string; req: IncomingMessage },
            done: (ok: boolean, status?: number, reason?: string) => void,
          ) => {
            if (!info.req.headers.origin || origins.has(normalizeOrigin(info.origin))) done(true);
            else {
              logger.warn("websocket origin refused", { origin: info.origin });
              done(false, 403, "Origin not allowed");
            }
          },
        }
      : {}),
  });

  const armIdle = (socket: WebSocket, connection: Connection) => {
    clearTimeout(connection.idle);
    connection.idle = setTimeout(() => {
      if (connection.operations.size === 0) socket.close(1000, "Idle timeout");
    }, limits.idleTimeoutMs);
    connection.idle.unref();
  };

  wss.on("connection", (socket) => {
    const connection: Connection = {
      principal: ANONYMOUS,
      operations: new Set(),
      idle: undefined,
      expiry: undefined,
      alive: true,
    };
    connections.set(socket, connection);
    armIdle(socket, connection);
    socket.on("pong", () => {
      connection.alive = true;
    });
    socket.once("close", () => {
      clearTimeout(connection.idle);
      clearTimeout(connection.expiry);
      connections.delete(socket);
    });
  });

  const keepAlive = setInterval(() => {
    for (const [socket, connection] of connections) {
      if (!connection.alive) {
        socket.terminate();
        continue;
      }
      connection.alive = false;
      socket.ping();
    }
  }, limits.keepAliveMs);
  keepAlive.unref();

  /**
   * Closes the connection (4403) once the token it was opened with expires: a connection must
   * not outlive its credentials. The client reconnects with a fresh token.
   */
  const armExpiry = (socket: WebSocket, connection: Connection, expiresAt: number) => {
    clearTimeout(connection.expiry);
    const left = expiresAt - Date.now();
    if (left <= 0) {
      logger.info("websocket token expired", { sub: connection.principal.sub });
      socket.close(CLOSE_TOKEN_EXPIRED.code, CLOSE_TOKEN_EXPIRED.reason);
      return;
    }
    connection.expiry = setTimeout(
      () => armExpiry(socket, connection, expiresAt),
      Math.min(left, MAX_TIMER_MS),
    );
    connection.expiry.unref();
  };

  const subscribeFieldResolver: GraphQLFieldResolver<unknown, OperationContext> = async (
    _source,
    args,
    context,
    info,
  ) => {
    const live = LIVE_SOURCES[info.fieldName];
    if (!live) throw new GraphQLError(`${info.fieldName} is not served live by this gateway`);
    // The policy table first: a caller it refuses learns nothing from the arguments' checks.
    const allowed = subscriberAccess(info.fieldName, context.principal, live);
    const select = live.filter(args);
    const after =
      args.after === undefined || args.after === null
        ? null
        : decodeLiveCursor(String(args.after), live.context);
    return openLiveStream({
      hub: options.hub,
      reader: options.reader,
      prefix: options.prefix,
      context: live.context,
      after,
      maxBuffered: limits.maxBufferedEvents,
      // Per subscriber, per event: a customer's stream holds only what they own, replay included.
      select: (event) => {
        if (!allowed(event)) return null;
        const payload = select(event);
        if (payload) LIVE.add(payload);
        return payload;
      },
    });
  };

  // Synchronous except for entity fields: most fields read a value already in hand.
  const fieldResolver: GraphQLFieldResolver<unknown, OperationContext> = (
    source,
    _args,
    context,
    info,
  ) => {
    if (info.parentType === info.schema.getSubscriptionType()) return source;
    if (typeof source !== "object" || source === null) return undefined;
    if (LIVE.has(source)) {
      const payload = source as LivePayload;
      const ref = payload.entities[info.fieldName];
      if (ref) {
        return fetcher.fetch(payload.cursor, ref, info, context.principal).then((entity) => {
          markFetched(entity);
          return entity;
        });
      }
      return info.fieldName === "cursor" ? payload.cursor : payload.fields[info.fieldName];
    }
    const record = source as Record<string, unknown>;
    return FETCHED.has(source) ? record[info.path.key as string] : record[info.fieldName];
  };

  const format = (errors: readonly GraphQLErrorType[]) =>
    errors.map((e) => formatError(e.toJSON(), e));

  const server = attachGraphqlWs<
    Record<string, unknown>,
    { socket: WebSocket; request: IncomingMessage }
  >(
    {
      connectionInitWaitTimeout: 5_000,
      onConnect: async (ctx) => {
        const { socket, request } = ctx.extra;
        const connection = connections.get(socket);
        let session: ConnectionSession;
        try {
          const found = await authenticate(ctx.connectionParams ?? {}, request);
          if (!found || !connection) return false;
          session = sessionOf(found);
        } catch (error) {
          logger.warn("websocket authentication failed", { error: String(error) });
          return false;
        }
        // Expired by the gateway's clock (the verifier tolerates some skew): refused as well.
        if (session.expiresAt !== null && session.expiresAt <= Date.now()) return false;
        // Opening a connection is charged like an operation: a client cannot dodge its budget
        // by reconnecting, nor flood the gateway with connections that never subscribe.
        const wait = await options.rateLimit?.(session.principal, request);
        if (wait !== undefined && wait !== null) {
          socket.close(CLOSE_RATE_LIMITED, rateLimitedMessage(wait));
          return false;
        }
        // Gone while it was being checked: nothing to arm a timer for.
        if (!connections.has(socket)) return false;
        connection.principal = session.principal;
        if (session.expiresAt !== null) armExpiry(socket, connection, session.expiresAt);
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const connection = connections.get(ctx.extra.socket);
        const schema = options.schema();
        if (!connection || !schema) {
          return [validationError("The gateway is not ready yet", "SERVICE_UNAVAILABLE")];
        }
        const wait = await options.rateLimit?.(connection.principal, ctx.extra.request);
        if (wait !== undefined && wait !== null) {
          return [validationError(rateLimitedMessage(wait), "RATE_LIMITED", { retryAfter: wait })];
        }
        // graphql-ws's own list, which already holds this one: it drops an operation the moment
        // the client completes it, while `operations` keeps it until its stream has unwound (a
        // Redis round trip), which would refuse a client that completes one and starts another.
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerConnection) {
          return [
            validationError(
              `This connection already holds ${limits.maxSubscriptionsPerConnection} subscriptions, the most allowed; complete one or open another connection`,
              "TOO_MANY_SUBSCRIPTIONS",
              { limit: limits.maxSubscriptionsPerConnection },
            ),
          ];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: limits.maxTokens });
        } catch (error) {
          return [
            validationError(
              error instanceof Error ? error.message : String(error),
              "GRAPHQL_PARSE_FAILED",
            ),
          ];
        }
        const problems = validate(schema, document, rules);
        if (problems.length > 0) {
          return problems.map((p) =>
            validationError(message(p.message), "GRAPHQL_VALIDATION_FAILED", {
              ...(p.locations ? { locations: p.locations } : {}),
            }),
          );
        }
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) {
          return [validationError("Unable to identify the operation", "GRAPHQL_VALIDATION_FAILED")];
        }
        connection.operations.add(id);
        clearTimeout(connection.idle);
        const variables = payload.variables ?? {};
        const contextValue: OperationContext = {
          principal: connection.principal,
          query: payload.query,
          ...(operation.operation === "subscription"
            ? {}
            : {
                delegate: {
                  query: payload.query,
                  variables,
                  ...(payload.operationName ? { operationName: payload.operationName } : {}),
                },
              }),
        };
        const args: ExecutionArgs = {
          schema,
          document,
          variableValues: variables,
          operationName: payload.operationName ?? null,
          contextValue,
          fieldResolver,
          subscribeFieldResolver,
        };
        return args;
      },
      subscribe: async (args: ExecutionArgs) => {
        const source = await createSourceEventStream(args);
        if (!(Symbol.asyncIterator in source)) return source;
        const context = args.contextValue as OperationContext;
        const key = operationKey(args, context.query, context.principal);
        return mapIterator(
          (source as AsyncIterable<LivePayload>)[Symbol.asyncIterator](),
          (payload) =>
            shared.get(`${payload.cursor}\u0000${key}`, () =>
              execute({ ...args, rootValue: payload }),
            ),
        );
      },
      execute: async (args: ExecutionArgs): Promise<ExecutionResult> => {
        const context = args.contextValue as OperationContext;
        if (!context.delegate) return execute(args);
        const result = await options.executor({
          ...context.delegate,
          principal: context.principal,
        });
        // Already shaped by the gateway's HTTP path; re-wrapped only because the protocol
        // serializes GraphQLError instances.
        return {
          ...(result.data !== undefined ? { data: result.data } : {}),
          ...(result.errors
            ? {
                errors: result.errors.map(
                  (e) => new GraphQLError(e.message, { extensions: e.extensions ?? {} }),
                ),
              }
            : {}),
        };
      },
      onNext: (_ctx, _id, _payload, args, result) => {
        if (!result.errors || (args.contextValue as OperationContext).delegate) return;
        return { ...result, errors: format(result.errors) };
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onComplete: (ctx, id) => {
        const connection = connections.get(ctx.extra.socket);
        if (!connection?.operations.delete(id)) return;
        if (connection.operations.size === 0) armIdle(ctx.extra.socket, connection);
      },
    },
    wss,
  );

  return {
    fetcher,
    shared,
    /** Open WebSocket connections. */
    get connections() {
      return connections.size;
    },
    /** Active operations over all connections. */
    get operations() {
      let n = 0;
      for (const c of connections.values()) n += c.operations.size;
      return n;
    },
    async close(): Promise<void> {
      clearInterval(keepAlive);
      for (const socket of connections.keys()) socket.close(1001, "Going away");
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
