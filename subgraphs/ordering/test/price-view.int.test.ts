import { newId } from "@shopstream/outbox";
import { deliverEvent } from "@shopstream/testing/kit";
import { afterAll, describe, expect, it } from "vitest";
import { applyPriceViewChange, findVariantPrices } from "../src/pricing/price-view.repository.ts";
import { nextEvent, prices, prisma } from "./ordering.harness.ts";

afterAll(() => prisma.$disconnect());

describe("ordering price view (fed by catalogue events)", () => {
  it("follows prices and tier prices, and product status applied in either order", async () => {
    const productId = newId();
    const variantId = newId();
    const apply = async (aggregateType: string, id: string, type: string, payload: unknown) =>
      expect(await deliverEvent(prices, nextEvent(aggregateType, id, type, payload))).toBe(
        "applied",
      );
    const productMoved = (type: string, previousStatus: string, status: string) =>
      apply("Product", productId, type, {
        productId,
        previousStatus,
        status,
        variantIds: [variantId],
      });
    // The product is activated before ordering has seen the variant: different aggregates, so
    // the pipeline may apply them in this order.
    await apply("Product", productId, "ProductCreated", { productId, status: "DRAFT" });
    await productMoved("ProductActivated", "DRAFT", "ACTIVE");
    await apply("ProductVariant", variantId, "ProductVariantAdded", {
      variantId,
      productId,
      variantSku: `SKU-${variantId.slice(-6)}`,
      price: { amount: 2500, currency: "EUR" },
      tierPrices: [],
      productStatus: "DRAFT",
    });
    const tierPriceSet = nextEvent("ProductVariant", variantId, "VariantTierPriceSet", {
      tierPrices: [{ tier: "GOLD", amount: 2000 }],
    });
    expect(await deliverEvent(prices, tierPriceSet)).toBe("applied");
    await apply("ProductVariant", variantId, "VariantPriceChanged", {
      previousPrice: { amount: 2500, currency: "EUR" },
      price: { amount: 2600, currency: "EUR" },
      tierPrices: [{ tier: "GOLD", amount: 2000 }],
    });
    // An event delivered again is stopped by the inbox.
    expect(await deliverEvent(prices, tierPriceSet)).toBe("skipped-duplicate");
    // An older change reaching the view (a rebuild from a replay) changes nothing either.
    await prisma.$transaction((tx) =>
      applyPriceViewChange(
        tx,
        { kind: "variant-price", variantId, version: 2, tierPrices: [] },
        new Date(),
      ),
    );

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

    await productMoved("ProductDiscontinued", "ACTIVE", "DISCONTINUED");
    expect((await findVariantPrices(prisma, [variantId]))[0]?.productStatus).toBe("DISCONTINUED");
  });
});
