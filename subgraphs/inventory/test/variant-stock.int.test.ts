import { PermanentEventError } from "@shopstream/events";
import { defaultMetadata, newId, toEnvelope } from "@shopstream/outbox";
import { afterAll, describe, expect, it } from "vitest";
import { inventoryConsumers } from "../src/consumers.ts";
import { DEFAULT_WAREHOUSE_ID, eventsOf, prisma } from "./helpers.ts";

afterAll(() => prisma.$disconnect());

const [consumer] = inventoryConsumers(prisma);

function variantAdded(variantId: string, payload: Record<string, unknown> = {}) {
  return toEnvelope(
    {
      type: "ProductVariantAdded",
      aggregateType: "ProductVariant",
      aggregateId: variantId,
      aggregateVersion: 1,
      payload: {
        variantId,
        productId: newId(),
        variantSku: "SKU-1",
        price: { amount: 1000, currency: "EUR" },
        tierPrices: [],
        productStatus: "DRAFT",
        ...payload,
      },
    },
    defaultMetadata({ actor: "catalogue-test" }),
  );
}

/** What the runner does: the handler inside the consumer's own transaction. */
const deliver = (event: ReturnType<typeof variantAdded>) =>
  consumer!.transaction((tx) => consumer!.handlers.ProductVariantAdded!(event, tx));

describe("inventory.variant-stock consumer", () => {
  it("declares what the workers need", () => {
    expect(consumer).toMatchObject({
      name: "inventory.variant-stock",
      source: "catalogue",
      aggregateTypes: ["ProductVariant"],
    });
  });

  it("gives a new variant one stock item at 0 in the default warehouse, even when delivered twice or concurrently", async () => {
    const variantId = newId();
    const event = variantAdded(variantId);
    await Promise.all([deliver(event), deliver(event)]);
    await deliver(event);
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
