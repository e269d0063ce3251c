import { PermanentEventError } from "@shopstream/events";
import { newId } from "@shopstream/outbox";
import { deliverEvent } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { inventoryConsumers } from "../src/consumers.ts";
import {
  DEFAULT_WAREHOUSE_ID,
  deliverRepeatedly,
  eventsOf,
  prisma,
  upstreamEvents,
} from "./helpers.ts";

const [consumer] = inventoryConsumers(prisma);

const variantEvents = upstreamEvents("ProductVariant", "catalogue-test");
const variantAdded = (variantId: string, payload: Record<string, unknown> = {}) =>
  variantEvents("ProductVariantAdded", variantId, {
    variantId,
    productId: newId(),
    variantSku: "SKU-1",
    price: { amount: 1000, currency: "EUR" },
    tierPrices: [],
    productStatus: "DRAFT",
    ...payload,
  });

/** Through the real inbox path, as the workers deliver. */
const deliver = (event: ReturnType<typeof variantAdded>) => deliverEvent(consumer!, event);

describe("inventory.variant-stock consumer", () => {
  it("gives a new variant one stock item at 0 in the default warehouse, even when delivered twice, concurrently or replayed", async () => {
    const variantId = newId();
    const event = variantAdded(variantId);
    // The replay passes the inbox; the (variant, warehouse) unique index stops it.
    const delivered = await deliverRepeatedly(consumer!, event);

    const items = await prisma.stockItem.findMany({ where: { variantId } });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      warehouseId: DEFAULT_WAREHOUSE_ID,
      onHand: 0,
      reserved: 0,
      version: 1,
    });
    const events = await eventsOf(items[0]!.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventType: "StockInitialized", aggregateVersion: 1 });
    expect(events[0]?.metadata).toMatchObject({
      correlationId: event.metadata.correlationId,
      actor: "inventory.variant-stock",
    });
    // Caused by whichever delivery won the race: the original or its replay under a new id.
    expect(delivered.ids).toContain((events[0]!.metadata as { causationId: string }).causationId);
  });

  it("dead-letters a payload without a variant id at once", async () => {
    await expect(deliver(variantAdded(newId(), { variantId: "nope" }))).rejects.toBeInstanceOf(
      PermanentEventError,
    );
  });
});
