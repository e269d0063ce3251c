import { DomainError } from "@shopstream/errors";
import { defaultMetadata, newId } from "@shopstream/outbox";
import { testDatabaseUrl } from "@shopstream/testing";
import { expect } from "vitest";
import { createInventoryPrisma } from "../src/db.ts";
import { initializeStock } from "../src/stock/initialize-stock.ts";
import { moveStock } from "../src/stock/move-stock.ts";

/** The warehouse the migration seeds. */
export const DEFAULT_WAREHOUSE_ID = "00000000-0000-7000-8000-000000000001";

export const prisma = createInventoryPrisma(testDatabaseUrl("inventory"), { poolSize: 20 });
export const deps = { prisma };
export const meta = () => defaultMetadata({ actor: "test" });

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

/** The outbox events of one aggregate, in version order. */
export async function eventsOf(aggregateId: string) {
  return prisma.outbox.findMany({ where: { aggregateId }, orderBy: { aggregateVersion: "asc" } });
}

export async function expectDomainError(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, String(error)).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  return error as DomainError;
}

/** Versions 1..n, each exactly once: the gap-free rule consumers rely on. */
export function expectGapFree(events: { aggregateVersion: number }[], version: number) {
  expect(events.map((e) => e.aggregateVersion)).toEqual(
    Array.from({ length: version }, (_, i) => i + 1),
  );
}
