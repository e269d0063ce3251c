import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { ANONYMOUS, actorOf, isRole, type Principal, principalOf } from "@shopstream/auth";
import { appendLive, liveChannel, liveStreamKey } from "@shopstream/live";
import type { DomainEvent } from "@shopstream/outbox";
import type { Redis } from "@shopstream/redis";
import { createRedis } from "@shopstream/redis";
import { createLogger } from "@shopstream/service";
import { TEST_REDIS_URL, unique } from "@shopstream/testing";
import { execute, GraphQLError, type GraphQLSchema, parse } from "graphql";
import { afterEach } from "vitest";
import { createGateway } from "../src/gateway.ts";
import type { GatewayExecutor } from "../src/live/entity-fetch.ts";
import { LiveHub, type LiveHubOptions } from "../src/live/hub.ts";
import {
  type Authenticate,
  type SubscriptionLimits,
  type SubscriptionServerOptions,
  startSubscriptionServer,
} from "../src/live/subscription-server.ts";
import { recorder } from "./live-fixtures.ts";

/**
 * Real Redis and real sockets for the gateway's live path: every test takes its own key prefix
 * (`unique("live")`), appends events exactly as the workers' relay does, and gets its own hub
 * and, when it needs one, its own HTTP + graphql-ws server.
 */

export const logger = createLogger("live-test", "error");

/** Things a test opened, closed after it in reverse order. */
export class Resources {
  private readonly closers: (() => unknown)[] = [];
  add<T>(value: T, close: (value: T) => unknown): T {
    this.closers.push(() => close(value));
    return value;
  }
  async closeAll(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) await close();
  }
}

const redisConnection = (resources: Resources, options: { connectionName?: string } = {}) =>
  resources.add(createRedis(TEST_REDIS_URL, options), (r) => r.disconnect());

/** A prefix of the test's own; its streams are deleted when the test ends. */
function livePrefix(resources: Resources, redis: Redis): string {
  const prefix = unique("live");
  resources.add(prefix, async (p) => {
    const keys = ["ordering", "inventory"].map((c) => liveStreamKey(p, c));
    await redis.del(...keys);
  });
  return prefix;
}

let position = 0;

/**
 * Appends `events` to `context`'s live stream in one MULTI, as the relay does after a batch
 * (`appendLive` then `exec`), and returns their stream ids.
 */
async function append(
  redis: Redis,
  prefix: string,
  context: string,
  events: DomainEvent[],
  history?: number,
): Promise<string[]> {
  const multi = redis.multi();
  appendLive(
    multi,
    prefix,
    context,
    events.map((event) => ({ position: String(++position), event })),
    history,
  );
  const results = (await multi.exec()) ?? [];
  return results.slice(0, events.length).map(([error, id]) => {
    if (error) throw error;
    return id as string;
  });
}

/** How many connections are subscribed to `context`'s announcement channel. */
async function subscribers(redis: Redis, prefix: string, context: string): Promise<number> {
  const [, count] = (await redis.pubsub("NUMSUB", liveChannel(prefix, context))) as [
    string,
    number,
  ];
  return Number(count);
}

function startHub(
  resources: Resources,
  prefix: string,
  options: Partial<LiveHubOptions> = {},
): LiveHub {
  const hub = new LiveHub({
    subscriber: options.subscriber ?? redisConnection(resources),
    reader: options.reader ?? redisConnection(resources),
    prefix,
    logger,
    ...options,
  });
  return resources.add(hub, (h) => h.close());
}

/**
 * The tests' stand-in for token checks. `connection_init`'s `actor` names the principal's
 * subject, `roles` its roles (by default `fulfilment`: staff who may subscribe to both fields,
 * `{ actor: "dashboard" }` → `staff:dashboard`), `customerId` a customer's record, and
 * `expiresInMs` when its credentials expire; no `actor` is anonymous.
 */
export const principalFromActorParam: Authenticate = (params) => {
  if (typeof params.actor !== "string") return ANONYMOUS;
  const roles = Array.isArray(params.roles) ? params.roles.filter(isRole) : ["fulfilment" as const];
  const customerId = typeof params.customerId === "string" ? params.customerId : null;
  const principal = principalOf(params.actor, roles, customerId);
  return typeof params.expiresInMs === "number"
    ? { principal, expiresAt: Date.now() + params.expiresInMs }
    : principal;
};

/** The API schema of the committed supergraph, as the gateway loads it (no subgraph needed). */
export async function loadApiSchema(): Promise<{
  schema: GraphQLSchema;
  /** The gateway's own executor (which, with no subgraph running, answers only `__typename`). */
  executor: GatewayExecutor;
  stop: () => Promise<void>;
}> {
  const gateway = createGateway({
    supergraphPath: fileURLToPath(new URL("../../schema/supergraph.graphql", import.meta.url)),
    subgraphUrls: {},
    logger,
  });
  await gateway.server.start();
  const schema = gateway.apiSchema();
  if (!schema) throw new Error("the gateway loaded no API schema");
  return { schema, executor: gateway.executor, stop: () => gateway.server.stop() };
}

/**
 * The subgraph network boundary for the WebSocket path: answers what the federated gateway would
 * from fixed in-memory entities, by executing each request against the API schema, and records
 * every request. Mutations change the in-memory orders. `view`, when given, is what the
 * subgraphs show the request's principal of an entity found by id (roles and ownership shape
 * answers per principal).
 */
export function inMemoryGateway(
  schema: GraphQLSchema,
  view?: (entity: Record<string, unknown>, principal: Principal) => Record<string, unknown> | null,
) {
  const entities = {
    order: new Map<string, Record<string, unknown>>(),
    productVariant: new Map<string, Record<string, unknown>>(),
    stockItem: new Map<string, Record<string, unknown>>(),
    warehouse: new Map<string, Record<string, unknown>>(),
  };
  /** Each request, with the actor its principal's events would record. */
  const requests: (Parameters<GatewayExecutor>[0] & { actor: string })[] = [];
  const byId =
    (map: Map<string, Record<string, unknown>>) => (args: { id: string }, principal: Principal) => {
      const entity = map.get(args.id) ?? null;
      return entity && view ? view(entity, principal) : entity;
    };
  const rootValue = {
    order: byId(entities.order),
    productVariant: byId(entities.productVariant),
    stockItem: byId(entities.stockItem),
    warehouse: byId(entities.warehouse),
    cancelOrder: (args: { id: string; reason?: string }) => {
      const order = entities.order.get(args.id);
      if (!order) {
        throw new GraphQLError(`Order ${args.id} was not found`, {
          extensions: { code: "NOT_FOUND" },
        });
      }
      order.status = "CANCELLED";
      return order;
    },
  };
  const executor: GatewayExecutor = async (request) => {
    requests.push({ ...request, actor: actorOf(request.principal) });
    const result = await execute({
      schema,
      document: parse(request.query),
      variableValues: request.variables,
      ...(request.operationName ? { operationName: request.operationName } : {}),
      rootValue,
      contextValue: request.principal,
    });
    // What crosses the network: plain JSON.
    return JSON.parse(JSON.stringify(result));
  };
  /** Entity look-ups made for subscription events (as opposed to queries sent by clients). */
  const entityFetches = () => requests.filter((r) => r.query.startsWith("query LiveEntity"));
  return { entities, requests, entityFetches, executor };
}

export const TEST_LIMITS: SubscriptionLimits = {
  maxDepth: 15,
  maxTokens: 10_000,
  maxSubscriptionsPerConnection: 100,
  idleTimeoutMs: 60_000,
  keepAliveMs: 30_000,
  maxBufferedEvents: 1_000,
  maxPayloadBytes: 1024 * 1024,
};

/** The gateway's WebSocket path on an HTTP server of its own, on a free port. */
async function startLiveServer(
  resources: Resources,
  options: {
    schema: GraphQLSchema;
    executor: GatewayExecutor;
    prefix: string;
    limits?: Partial<SubscriptionLimits>;
    authenticate?: Authenticate;
    rateLimit?: SubscriptionServerOptions["rateLimit"];
  },
) {
  const http: Server = resources.add(createServer(), (s) => {
    s.closeAllConnections();
    return new Promise((resolve) => s.close(resolve));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const reader = redisConnection(resources);
  const hub = startHub(resources, options.prefix, { reader });
  const live = startSubscriptionServer({
    server: http,
    path: "/graphql",
    schema: () => options.schema,
    executor: options.executor,
    hub,
    reader,
    prefix: options.prefix,
    limits: { ...TEST_LIMITS, ...options.limits },
    authenticate: options.authenticate ?? principalFromActorParam,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    logger,
  });
  resources.add(live, (l) => l.close());
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/graphql`, hub, live };
}

/**
 * A test file's live test bed: what a test opens through it is closed after that test.
 *
 *   const bed = liveTestBed();
 *   it("…", async () => {
 *     const { hub, append, listen } = bed.hub({ pollMs: 0 });
 */
export function liveTestBed() {
  const resources = new Resources();
  afterEach(() => resources.closeAll());

  /** A Redis connection of the test's own (named, when a test must find it in CLIENT LIST). */
  const connection = (options: { connectionName?: string } = {}) =>
    redisConnection(resources, options);

  /**
   * The test's own key prefix and a plain connection to append with and inspect (`redis`):
   * `append` writes to a context's live stream as the relay does, `subscribers` counts the
   * connections subscribed to its announcements.
   */
  function stream() {
    const redis = connection();
    const prefix = livePrefix(resources, redis);
    return {
      redis,
      prefix,
      append: (context: string, events: DomainEvent[], history?: number) =>
        append(redis, prefix, context, events, history),
      subscribers: (context: string) => subscribers(redis, prefix, context),
    };
  }

  /**
   * `stream()` plus a hub on its prefix, with the subscriber and reader connections given in
   * `options` or new ones; `listen` records what the hub hands a new listener of a context.
   */
  function hub(options: Partial<LiveHubOptions> = {}) {
    const own = stream();
    const subscriber = options.subscriber ?? connection();
    const reader = options.reader ?? connection();
    const hub = startHub(resources, own.prefix, { ...options, subscriber, reader });
    const listen = async (context = "ordering") => {
      const listener = recorder();
      await hub.listen(context, listener.listener);
      return listener;
    };
    return { ...own, subscriber, reader, hub, listen };
  }

  /** `stream()` plus the gateway's WebSocket path on its prefix: its URL, its hub and server. */
  async function server(options: Omit<Parameters<typeof startLiveServer>[1], "prefix">) {
    const own = stream();
    return { ...own, ...(await startLiveServer(resources, { ...options, prefix: own.prefix })) };
  }

  return { resources, connection, stream, hub, server };
}
