import { PermanentEventError } from "@shopstream/events";
import { newId } from "@shopstream/outbox";
import { deliverEvent } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { inventoryConsumers } from "../src/consumers.ts";
import { DEFAULT_WAREHOUSE_ID, eventsOf, prisma, upstreamEvents } from "./helpers.ts";

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
    // Twice at once, plus a replay under a new id: it passes the inbox, and the (variant,
    // warehouse) unique index keeps it from adding a second item.
    const outcomes = await Promise.all([
      deliver(event),
      deliver(event),
      deliver({ ...event, id: newId() }),
    ]);
    outcomes.push(await deliver(event));
    expect(outcomes.sort()).toEqual([
      "applied",
      "applied",
      "skipped-duplicate",
      "skipped-duplicate",
    ]);

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
      causationId: event.id,
      actor: "inventory.variant-stock",
    });
  });

  it("dead-letters a payload without a variant id at once", async () => {
    await expect(deliver(variantAdded(newId(), { variantId: "nope" }))).rejects.toBeInstanceOf(
      PermanentEventError,
    );
  });
});
