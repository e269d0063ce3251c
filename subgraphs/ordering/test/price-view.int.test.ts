import type { DomainEvent } from "@shopstream/outbox";
import { newId } from "@shopstream/outbox";
import { testDatabaseUrl } from "@shopstream/testing";
import { afterAll, describe, expect, it } from "vitest";
import { createOrderingPrisma } from "../src/db.ts";
import { createPriceViewConsumer } from "../src/pricing/price-view.consumer.ts";
import { findVariantPrices } from "../src/pricing/price-view.repository.ts";

const prisma = createOrderingPrisma(testDatabaseUrl("ordering"));
const consumer = createPriceViewConsumer(prisma);
afterAll(() => prisma.$disconnect());

const meta = { correlationId: "t", causationId: null, idempotencyKey: null, actor: "t" };
const ev = (
  aggregateType: string,
  aggregateId: string,
  type: string,
  version: number,
  payload: unknown,
): DomainEvent => ({
  id: newId(),
  type,
  schemaVersion: 1,
  aggregateType,
  aggregateId,
  aggregateVersion: version,
  occurredAt: new Date().toISOString(),
  payload,
  metadata: meta,
});

async function apply(event: DomainEvent) {
  const handler = consumer.handlers[event.type];
  if (handler) await consumer.transaction((tx) => handler(event, tx));
}

describe("ordering price view (fed by catalogue events)", () => {
  it("follows prices and tier prices, and product status applied in either order", async () => {
    const productId = newId();
    const variantId = newId();
    // The product is activated before ordering has seen the variant: different aggregates, so
    // the pipeline may apply them in this order.
    await apply(ev("Product", productId, "ProductCreated", 1, { productId, status: "DRAFT" }));
    await apply(
      ev("Product", productId, "ProductActivated", 2, {
        productId,
        previousStatus: "DRAFT",
        status: "ACTIVE",
        variantIds: [variantId],
      }),
    );
    await apply(
      ev("ProductVariant", variantId, "ProductVariantAdded", 1, {
        variantId,
        productId,
        variantSku: `SKU-${variantId.slice(-6)}`,
        price: { amount: 2500, currency: "EUR" },
        tierPrices: [],
        productStatus: "DRAFT",
      }),
    );
    await apply(
      ev("ProductVariant", variantId, "VariantTierPriceSet", 2, {
        tierPrices: [{ tier: "GOLD", amount: 2000 }],
      }),
    );
    await apply(
      ev("ProductVariant", variantId, "VariantPriceChanged", 3, {
        previousPrice: { amount: 2500, currency: "EUR" },
        price: { amount: 2600, currency: "EUR" },
        tierPrices: [{ tier: "GOLD", amount: 2000 }],
      }),
    );
    // An older event arriving again changes nothing.
    await apply(ev("ProductVariant", variantId, "VariantTierPriceSet", 2, { tierPrices: [] }));

    expect(await findVariantPrices(prisma, [variantId])).toEqual([
      {
        variantId,
        productId,
        variantSku: `SKU-${variantId.slice(-6)}`,
        price: { amount: 2600, currency: "EUR" },
        tierPrices: [{ tier: "GOLD", amount: 2000 }],
        productStatus: "ACTIVE",
      },
    ]);

    await apply(
      ev("Product", productId, "ProductDiscontinued", 3, {
        productId,
        previousStatus: "ACTIVE",
        status: "DISCONTINUED",
        variantIds: [variantId],
      }),
    );
    expect((await findVariantPrices(prisma, [variantId]))[0]?.productStatus).toBe("DISCONTINUED");
  });
});
