import type { ConsumerTransaction, EventConsumer } from "@shopstream/events";
import { type DomainEvent, defaultMetadata, newId, toEnvelope } from "@shopstream/outbox";
import { createLogger } from "@shopstream/service";
import { TEST_ADMIN, testDatabaseUrl } from "@shopstream/testing";
import { deliverEvent } from "@shopstream/testing/kit";
import { afterAll, beforeAll, expect } from "vitest";
import { createContext, type InventoryContext } from "../src/context.ts";
import { createInventoryPrisma } from "../src/db.ts";
import { createServer } from "../src/server.ts";
import { initializeStock } from "../src/stock/initialize-stock.ts";
import { moveStock } from "../src/stock/move-stock.ts";

/** The warehouse the migration seeds. */
export const DEFAULT_WAREHOUSE_ID = "00000000-0000-7000-8000-000000000001";

// Vitest loads this module once per test file: each file has its own client and closes it.
export const prisma = createInventoryPrisma(testDatabaseUrl("inventory"), { poolSize: 20 });
afterAll(() => prisma.$disconnect());

export const deps = { prisma };
export const meta = () => defaultMetadata({ actor: "test" });

export const address = { street: "1 Dock Rd", city: "Hull", postalCode: "HU1 1AA", country: "GB" };

/** A fresh stock item of a fresh variant in the default warehouse, holding `onHand` units. */
export async function newStockItem(
  opts: { onHand?: number; reorderPoint?: number; warehouseId?: string } = {},
) {
  const item = await initializeStock(
    deps,
    {
      variantId: newId(),
      warehouseId: opts.warehouseId ?? null,
      reorderPoint: opts.reorderPoint ?? 0,
    },
    meta(),
  );
  if (opts.onHand) {
    return moveStock(deps, item.id, { kind: "receive", quantity: opts.onHand }, meta());
  }
  return item;
}

/** A stock item as stored now. */
export const stockOf = (id: string) => prisma.stockItem.findUniqueOrThrow({ where: { id } });

/** The outbox events of one aggregate, in version order. */
export async function eventsOf(aggregateId: string) {
  return prisma.outbox.findMany({ where: { aggregateId }, orderBy: { aggregateVersion: "asc" } });
}

/**
 * The aggregate's events have versions 1..`version`, each exactly once (the gap-free rule
 * consumers rely on); returns them.
 */
export async function expectGapFree(aggregateId: string, version: number) {
  const events = await eventsOf(aggregateId);
  expect(events.map((e) => e.aggregateVersion)).toEqual(
    Array.from({ length: version }, (_, i) => i + 1),
  );
  return events;
}

/** The aggregate's events are exactly `types`, at versions 1..n; returns them. */
export async function expectHistory(aggregateId: string, types: string[]) {
  const events = await expectGapFree(aggregateId, types.length);
  expect(events.map((e) => e.eventType)).toEqual(types);
  return events;
}

/**
 * Another context's events as its outbox carries them: fresh ids and, per aggregate, versions 1,
 * 2, 3… in the order they are built, as delivering through the inbox requires.
 */
export function upstreamEvents(aggregateType: string, actor: string) {
  const versions = new Map<string, number>();
  return (type: string, aggregateId: string, payload: Record<string, unknown>): DomainEvent => {
    const aggregateVersion = (versions.get(aggregateId) ?? 0) + 1;
    versions.set(aggregateId, aggregateVersion);
    return toEnvelope(
      { type, aggregateType, aggregateId, aggregateVersion, payload },
      defaultMetadata({ actor }),
    );
  };
}

/**
 * Delivers `event` through the inbox the ways a broker may: twice at once, replayed under a new
 * id (which passes the inbox, so the handler's own idempotency must hold), and once more late.
 * Expects the first delivery and the replay to apply and the two repeats to be skipped.
 */
export async function deliverRepeatedly<Tx extends ConsumerTransaction>(
  consumer: EventConsumer<Tx>,
  event: DomainEvent,
): Promise<{ ids: string[] }> {
  const replay = { ...event, id: newId() };
  const outcomes = await Promise.all([
    deliverEvent(consumer, event),
    deliverEvent(consumer, event),
    deliverEvent(consumer, replay),
  ]);
  outcomes.push(await deliverEvent(consumer, event));
  expect(outcomes.sort()).toEqual(["applied", "applied", "skipped-duplicate", "skipped-duplicate"]);
  // The original and its replay race: either may be the one whose effect is kept.
  return { ids: [event.id, replay.id] };
}

export interface GraphQLResult {
  data?: Record<string, unknown> | null;
  errors?: readonly { extensions?: Record<string, unknown> }[];
}

/** The subgraph in-process for one test file: started before its tests, stopped after them. */
export function inProcessSubgraph() {
  const server = createServer(createLogger("inventory-test", "error"));
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  const context = () =>
    createContext(deps, { correlationId: "test", principal: TEST_ADMIN, actor: "test" });
  return {
    context,
    async run(
      query: string,
      variables: Record<string, unknown> = {},
      contextValue: InventoryContext = context(),
    ): Promise<GraphQLResult> {
      const res = await server.executeOperation({ query, variables }, { contextValue });
      if (res.body.kind !== "single") throw new Error("expected a single result");
      return res.body.singleResult as GraphQLResult;
    },
  };
}
