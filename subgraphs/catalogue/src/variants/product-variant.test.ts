import { codeOf, domainError, fieldsOf } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import type { ProductStatus } from "../products/product.ts";
import {
  type AddProductVariantCommand,
  addProductVariant,
  changeVariantPrice,
  type PriceTier,
  type ProductVariant,
  setVariantTierPrice,
  type TierPrice,
} from "./product-variant.ts";

const now = new Date("2026-11-24T12:00:00.000Z");
/** The fields a decision's VALIDATION_FAILED names, in order. */
const invalidFields = (fn: () => unknown) => fieldsOf(domainError(fn, "VALIDATION_FAILED"));
const variantId = "01900000-0000-7000-8000-0000000000a1";
const product = (status: ProductStatus = "DRAFT") => ({
  id: "01900000-0000-7000-8000-000000000001",
  status,
});
const base: AddProductVariantCommand = {
  variantSku: "SHIRT-1-M",
  price: { amount: 1000, currency: "EUR" },
};
const variant = (tierPrices: TierPrice[] = []): ProductVariant =>
  addProductVariant(product(), { ...base, tierPrices }, variantId, now).state;

describe("addProductVariant", () => {
  it("creates version 1 with tier prices sorted by tier and a ProductVariantAdded event", () => {
    const { state, events } = addProductVariant(
      product("ACTIVE"),
      {
        ...base,
        tierPrices: [
          { tier: "PLATINUM", amount: 700 },
          { tier: "SILVER", amount: 950 },
        ],
        weightGrams: 250,
        dimensions: { lengthMm: 300, widthMm: 200, heightMm: 20 },
      },
      variantId,
      now,
    );
    expect(state).toMatchObject({ version: 1, weightGrams: 250, dimensions: { heightMm: 20 } });
    expect(events).toEqual([
      {
        type: "ProductVariantAdded",
        aggregateType: "ProductVariant",
        aggregateId: variantId,
        aggregateVersion: 1,
        payload: {
          variantId,
          productId: product().id,
          variantSku: "SHIRT-1-M",
          price: { amount: 1000, currency: "EUR" },
          tierPrices: [
            { tier: "SILVER", amount: 950 },
            { tier: "PLATINUM", amount: 700 },
          ],
          productStatus: "ACTIVE",
        },
      },
    ]);
  });

  it.each<[string, Partial<AddProductVariantCommand>, string[]]>([
    ["bad SKU", { variantSku: "A--B" }, ["variantSku"]],
    ["zero price", { price: { amount: 0, currency: "EUR" } }, ["price.amount"]],
    ["fractional price", { price: { amount: 9.5, currency: "EUR" } }, ["price.amount"]],
    ["unknown currency", { price: { amount: 100, currency: "XYZ" } }, ["price.currency"]],
    ["lowercase currency", { price: { amount: 100, currency: "eur" } }, ["price.currency"]],
    [
      "tier equal to base",
      { tierPrices: [{ tier: "GOLD", amount: 1000 }] },
      ["tierPrices[0].amount"],
    ],
    ["tier above base", { tierPrices: [{ tier: "GOLD", amount: 1200 }] }, ["tierPrices[0].amount"]],
    ["tier of zero", { tierPrices: [{ tier: "GOLD", amount: 0 }] }, ["tierPrices[0].amount"]],
    [
      "tier given twice",
      {
        tierPrices: [
          { tier: "GOLD", amount: 900 },
          { tier: "GOLD", amount: 800 },
        ],
      },
      ["tierPrices[1].tier"],
    ],
    ["zero weight", { weightGrams: 0 }, ["weightGrams"]],
    [
      "bad dimensions",
      { dimensions: { lengthMm: 0, widthMm: 10, heightMm: -1 } },
      ["dimensions.lengthMm", "dimensions.heightMm"],
    ],
  ])("rejects %s", (_, change, fields) => {
    expect(
      invalidFields(() => addProductVariant(product(), { ...base, ...change }, variantId, now)),
    ).toEqual(fields);
  });

  it.each<ProductStatus>(["DRAFT", "ACTIVE", "DISCONTINUED"])(
    "allows adding to a %s product",
    (s) => {
      expect(addProductVariant(product(s), base, variantId, now).events).toHaveLength(1);
    },
  );

  it("rejects adding to an ARCHIVED product", () => {
    expect(codeOf(() => addProductVariant(product("ARCHIVED"), base, variantId, now))).toBe(
      "INVALID_STATE_TRANSITION",
    );
  });
});

describe("tier-price rules", () => {
  it.each<[string, TierPrice[], number | null, number, string | null]>([
    // [case, current tiers, tier amount to set for GOLD, resulting version, expected error field]
    ["sets a new tier price below base", [], 900, 2, null],
    ["sets 1 minor unit", [], 1, 2, null],
    ["rejects a price equal to the base", [], 1000, 1, "amount"],
    ["rejects a price above the base", [], 1001, 1, "amount"],
    ["rejects zero", [], 0, 1, "amount"],
    ["rejects a negative amount", [], -5, 1, "amount"],
    ["replaces an existing price", [{ tier: "GOLD", amount: 900 }], 800, 2, null],
    ["removes with null", [{ tier: "GOLD", amount: 900 }], null, 2, null],
  ])("%s", (_, tiers, amount, version, field) => {
    const v = variant(tiers);
    if (field) {
      expect(invalidFields(() => setVariantTierPrice(v, product(), "GOLD", amount, now))).toEqual([
        field,
      ]);
      return;
    }
    const { state, events } = setVariantTierPrice(v, product(), "GOLD", amount, now);
    expect(state.version).toBe(version);
    expect(events[0]).toMatchObject({
      type: "VariantTierPriceSet",
      aggregateType: "ProductVariant",
      aggregateVersion: 2,
      payload: {
        variantId,
        tier: "GOLD",
        previousAmount: tiers[0]?.amount ?? null,
        amount,
        tierPrices: amount === null ? [] : [{ tier: "GOLD", amount }],
      },
    });
  });

  it.each<[PriceTier, number | null]>([
    ["GOLD", 900],
    ["SILVER", null],
  ])("setting %s to its current value %j changes nothing", (tier, amount) => {
    const v = variant([{ tier: "GOLD", amount: 900 }]);
    const { state, events } = setVariantTierPrice(v, product(), tier, amount, now);
    expect(events).toEqual([]);
    expect(state).toBe(v);
  });

  it("keeps tier prices sorted by tier", () => {
    const v = variant([{ tier: "PLATINUM", amount: 700 }]);
    const { state } = setVariantTierPrice(v, product(), "SILVER", 950, now);
    expect(state.tierPrices.map((t) => t.tier)).toEqual(["SILVER", "PLATINUM"]);
  });

  it("rejects tier prices on an ARCHIVED product", () => {
    expect(
      codeOf(() => setVariantTierPrice(variant(), product("ARCHIVED"), "GOLD", 900, now)),
    ).toBe("INVALID_STATE_TRANSITION");
  });
});

describe("changeVariantPrice", () => {
  const tiers: TierPrice[] = [
    { tier: "SILVER", amount: 950 },
    { tier: "GOLD", amount: 900 },
  ];

  it("keeps tier prices that stay below the new price", () => {
    const { state, events } = changeVariantPrice(
      variant(tiers),
      product(),
      { amount: 960, currency: "EUR" },
      now,
    );
    expect(state).toMatchObject({ price: { amount: 960 }, tierPrices: tiers, version: 2 });
    expect(events).toEqual([
      expect.objectContaining({
        type: "VariantPriceChanged",
        aggregateVersion: 2,
        payload: {
          variantId,
          productId: product().id,
          previousPrice: { amount: 1000, currency: "EUR" },
          price: { amount: 960, currency: "EUR" },
          tierPrices: tiers,
        },
      }),
    ]);
  });

  it.each([950, 940, 900, 1])(
    "rejects %i, which is not above every tier price, naming price.amount",
    (amount) => {
      const error = domainError(() =>
        changeVariantPrice(variant(tiers), product(), { amount, currency: "EUR" }, now),
      );
      expect(error.code).toBe("VALIDATION_FAILED");
      expect(error.extensions.fields).toEqual([
        { field: "price.amount", message: expect.stringMatching(/SILVER 950/) },
      ]);
    },
  );

  it("rejects a currency change while tier prices exist, allows it without", () => {
    expect(
      invalidFields(() =>
        changeVariantPrice(variant(tiers), product(), { amount: 2000, currency: "USD" }, now),
      ),
    ).toEqual(["price.currency"]);
    expect(
      changeVariantPrice(variant(), product(), { amount: 2000, currency: "USD" }, now).state.price,
    ).toEqual({
      amount: 2000,
      currency: "USD",
    });
  });

  it("rejects invalid money", () => {
    expect(
      invalidFields(() =>
        changeVariantPrice(variant(), product(), { amount: 0, currency: "XXY" }, now),
      ),
    ).toEqual(["price.amount", "price.currency"]);
  });

  it("an unchanged price changes nothing", () => {
    const v = variant();
    expect(changeVariantPrice(v, product(), { amount: 1000, currency: "EUR" }, now)).toEqual({
      state: v,
      events: [],
    });
  });

  it("rejects price changes on an ARCHIVED product", () => {
    expect(
      codeOf(() =>
        changeVariantPrice(variant(), product("ARCHIVED"), { amount: 5, currency: "EUR" }, now),
      ),
    ).toBe("INVALID_STATE_TRANSITION");
  });
});
