import type { DomainEvent } from "@shopstream/outbox";
import { describe, expect, it } from "vitest";
import { isOrderable, priceViewChange, unitPriceFor, type VariantPrice } from "./price-view.ts";

const event = (type: string, payload: unknown, aggregateVersion = 1): DomainEvent => ({
  id: "01900000-0000-7000-8000-000000000001",
  type,
  schemaVersion: 1,
  aggregateType:
    type.startsWith("Product") && type !== "ProductVariantAdded" ? "Product" : "ProductVariant",
  aggregateId: "01900000-0000-7000-8000-0000000000aa",
  aggregateVersion,
  occurredAt: "2026-11-24T00:00:00.000Z",
  payload,
  metadata: { correlationId: "c", causationId: null, idempotencyKey: null, actor: "t" },
});

const variant: VariantPrice = {
  variantId: "v",
  productId: "p",
  variantSku: "SKU-1",
  price: { amount: 1000, currency: "EUR" },
  tierPrices: [
    { tier: "SILVER", amount: 950 },
    { tier: "PLATINUM", amount: 800 },
  ],
  productStatus: "ACTIVE",
};

describe("priceViewChange", () => {
  it("turns ProductVariantAdded into an upsert with sorted tier prices", () => {
    const { productStatus: _, ...added } = variant;
    const change = priceViewChange(
      event("ProductVariantAdded", {
        ...added,
        // Out of tier order, with a tier ordering does not know.
        tierPrices: [
          { tier: "GOLD", amount: 900 },
          { tier: "DIAMOND", amount: 1 },
          { tier: "SILVER", amount: 950 },
        ],
        productStatus: "DRAFT",
      }),
    );
    expect(change).toMatchObject({
      kind: "variant-upsert",
      version: 1,
      fields: {
        price: { amount: 1000, currency: "EUR" },
        tierPrices: [
          { tier: "SILVER", amount: 950 },
          { tier: "GOLD", amount: 900 },
        ],
        initialProductStatus: "DRAFT",
      },
    });
  });

  it("turns price and tier-price changes into price updates at the event's version", () => {
    expect(
      priceViewChange(
        event(
          "VariantPriceChanged",
          { price: { amount: 1200, currency: "EUR" }, tierPrices: [] },
          3,
        ),
      ),
    ).toEqual({
      kind: "variant-price",
      variantId: expect.any(String),
      version: 3,
      price: { amount: 1200, currency: "EUR" },
      tierPrices: [],
    });
    expect(
      priceViewChange(
        event("VariantTierPriceSet", { tierPrices: [{ tier: "GOLD", amount: 1 }] }, 4),
      ),
    ).toMatchObject({
      kind: "variant-price",
      version: 4,
      tierPrices: [{ tier: "GOLD", amount: 1 }],
    });
  });

  it.each(["ProductCreated", "ProductActivated", "ProductDiscontinued", "ProductArchived"])(
    "tracks product status from %s",
    (type) => {
      expect(priceViewChange(event(type, { status: "ACTIVE" }, 2))).toMatchObject({
        kind: "product-status",
        version: 2,
        status: "ACTIVE",
      });
    },
  );

  it("ignores events that do not affect prices", () => {
    expect(priceViewChange(event("ProductImageAdded", {}))).toBeNull();
  });

  it("rejects a malformed price (the consumer dead-letters it)", () => {
    expect(() =>
      priceViewChange(
        event("VariantPriceChanged", { price: { amount: 9.5, currency: "EUR" }, tierPrices: [] }),
      ),
    ).toThrow(/price/);
  });
});

describe("unitPriceFor", () => {
  it.each([
    ["STANDARD", 1000],
    ["SILVER", 950],
    ["GOLD", 950],
    ["PLATINUM", 800],
  ] as const)("gives a %s customer %i", (tier, amount) => {
    expect(unitPriceFor(variant, tier)).toEqual({ amount, currency: "EUR" });
  });

  it("only lets ACTIVE products' variants be ordered", () => {
    expect(isOrderable(variant)).toBe(true);
    expect(isOrderable({ ...variant, productStatus: "DISCONTINUED" })).toBe(false);
  });
});
