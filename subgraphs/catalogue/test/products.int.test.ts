import { testDatabaseUrl, unique } from "@shopstream/testing";
import { expectDomainError } from "@shopstream/testing/kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCataloguePrisma } from "../src/db.ts";
import {
  activateProduct,
  archiveProduct,
  discontinueProduct,
} from "../src/products/change-product-status.ts";
import { createProduct } from "../src/products/create-product.ts";
import { addProductImage, removeProductImage } from "../src/products/product-image-commands.ts";
import { updateProductDetails } from "../src/products/update-product-details.ts";
import {
  addProductVariant,
  changeVariantPrice,
  setVariantTierPrice,
} from "../src/variants/variant-commands.ts";
import { meta, newSku, productWithVariant } from "./helpers.ts";

const prisma = createCataloguePrisma(testDatabaseUrl("catalogue"));
const deps = { prisma };

const eventsOf = (aggregateId: string) =>
  prisma.outbox.findMany({ where: { aggregateId }, orderBy: { aggregateVersion: "asc" } });

beforeAll(async () => {
  // Makes the first of two concurrent updates hold its row lock for a while, so the second has
  // certainly read the same version before the first commits: a real lost-update race.
  await prisma.$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION test_slow_product_update() RETURNS trigger AS $$
    BEGIN
      IF NEW.title LIKE 'slow-%' THEN PERFORM pg_sleep(0.3); END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql`);
  // CREATE OR REPLACE: idempotent even when two test runs start at once. Left in place (it only
  // slows titles starting with "slow-"), so a parallel run never loses it.
  await prisma.$executeRawUnsafe(
    "CREATE OR REPLACE TRIGGER test_slow_product_update BEFORE UPDATE ON product FOR EACH ROW EXECUTE FUNCTION test_slow_product_update()",
  );
});

afterAll(async () => {
  await prisma.$disconnect();
});

describe("createProduct", () => {
  it("writes a DRAFT product and one ProductCreated event at version 1", async () => {
    const sku = newSku();
    const product = await createProduct(
      deps,
      { sku, title: "Shirt", slug: sku.toLowerCase() },
      meta(),
    );
    expect(await prisma.product.findUnique({ where: { id: product.id } })).toMatchObject({
      sku,
      status: "DRAFT",
      version: 1,
    });
    const events = await eventsOf(product.id);
    expect(events.map((e) => [e.eventType, e.aggregateType, e.aggregateVersion])).toEqual([
      ["ProductCreated", "Product", 1],
    ]);
    expect(events[0]?.payload).toMatchObject({
      productId: product.id,
      sku,
      title: "Shirt",
      status: "DRAFT",
    });
  });

  it.each([
    ["sku", (sku: string) => ({ sku, title: "Again" })],
    ["slug", (sku: string) => ({ sku: newSku(), title: "Again", slug: sku.toLowerCase() })],
  ])("rejects a taken %s with DUPLICATE naming it", async (field, second) => {
    const sku = newSku();
    await createProduct(deps, { sku, title: "First", slug: sku.toLowerCase() }, meta());
    const error = await expectDomainError(createProduct(deps, second(sku), meta()), "DUPLICATE");
    expect(error.extensions.fields).toEqual([{ field, message: "is already taken" }]);
  });

  it("lets exactly one of five concurrent creations with one SKU succeed", async () => {
    const sku = newSku();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => createProduct(deps, { sku, title: "Race" }, meta())),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected"))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "DUPLICATE" });
    expect(await prisma.product.count({ where: { sku } })).toBe(1);
  });
});

describe("updateProductDetails", () => {
  it("saves only the changes, bumps the version and records previous values", async () => {
    const { product } = await productWithVariant(deps);
    const updated = await updateProductDetails(
      deps,
      product.id,
      { brand: "Acme", title: product.title },
      meta(),
    );
    expect(updated.version).toBe(2);
    const events = await eventsOf(product.id);
    expect(events.at(-1)).toMatchObject({
      eventType: "ProductDetailsUpdated",
      aggregateVersion: 2,
      payload: { productId: product.id, changes: { brand: { previous: null, value: "Acme" } } },
    });
  });

  it("two concurrent updates: exactly one wins, the other is CONFLICT, nothing is lost", async () => {
    const { product } = await productWithVariant(deps);
    const results = await Promise.allSettled([
      updateProductDetails(deps, product.id, { title: `slow-${unique()}`, brand: "A" }, meta()),
      updateProductDetails(deps, product.id, { title: `slow-${unique()}`, brand: "B" }, meta()),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    expect(won).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ code: "CONFLICT" });
    const row = await prisma.product.findUniqueOrThrow({ where: { id: product.id } });
    expect(row.version).toBe(2);
    expect(row.brand).toBe((won[0] as PromiseFulfilledResult<{ brand: string }>).value.brand);
    expect((await eventsOf(product.id)).map((e) => e.aggregateVersion)).toEqual([1, 2]);
  });

  it("assigns an existing category and rejects an unknown one", async () => {
    const { product } = await productWithVariant(deps);
    const error = await expectDomainError(
      updateProductDetails(
        deps,
        product.id,
        { categoryId: "01900000-0000-7000-8000-00000000dead" },
        meta(),
      ),
      "VALIDATION_FAILED",
    );
    expect(error.extensions.fields).toEqual([{ field: "categoryId", message: "does not exist" }]);
  });

  it("answers NOT_FOUND for an unknown product and VALIDATION_FAILED for a malformed id", async () => {
    await expectDomainError(
      updateProductDetails(deps, "01900000-0000-7000-8000-00000000beef", { brand: "x" }, meta()),
      "NOT_FOUND",
    );
    await expectDomainError(
      updateProductDetails(deps, "nope", { brand: "x" }, meta()),
      "VALIDATION_FAILED",
    );
  });
});

describe("variants", () => {
  it("concurrent additions with one variant SKU: exactly one succeeds, the rest are DUPLICATE", async () => {
    const { product } = await productWithVariant(deps);
    const variantSku = newSku("V");
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        addProductVariant(
          deps,
          product.id,
          { variantSku, price: { amount: 500, currency: "EUR" } },
          meta(),
        ),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected"))
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        code: "DUPLICATE",
        extensions: { fields: [{ field: "variantSku", message: "is already taken" }] },
      });
    expect(await prisma.productVariant.count({ where: { variantSku } })).toBe(1);
  });

  it("a product SKU may equal a variant SKU (each is unique in its own kind)", async () => {
    const { sku, product } = await productWithVariant(deps);
    await expect(
      addProductVariant(
        deps,
        product.id,
        { variantSku: sku, price: { amount: 1, currency: "EUR" } },
        meta(),
      ),
    ).resolves.toMatchObject({ variantSku: sku });
  });

  it("price and tier-price changes raise gap-free ProductVariant events with the contract payloads", async () => {
    const { product, variant } = await productWithVariant(deps);
    await setVariantTierPrice(deps, variant.id, "GOLD", 900, meta());
    await setVariantTierPrice(deps, variant.id, "SILVER", 950, meta());
    await changeVariantPrice(deps, variant.id, { amount: 1200, currency: "EUR" }, meta());
    await expectDomainError(
      changeVariantPrice(deps, variant.id, { amount: 920, currency: "EUR" }, meta()),
      "VALIDATION_FAILED",
      ["price.amount"],
    );
    await setVariantTierPrice(deps, variant.id, "GOLD", null, meta());

    const events = await eventsOf(variant.id);
    expect(events.map((e) => [e.eventType, e.aggregateType, e.aggregateVersion])).toEqual([
      ["ProductVariantAdded", "ProductVariant", 1],
      ["VariantTierPriceSet", "ProductVariant", 2],
      ["VariantTierPriceSet", "ProductVariant", 3],
      ["VariantPriceChanged", "ProductVariant", 4],
      ["VariantTierPriceSet", "ProductVariant", 5],
    ]);
    expect(events[0]?.payload).toEqual({
      variantId: variant.id,
      productId: product.id,
      variantSku: variant.variantSku,
      price: { amount: 1000, currency: "EUR" },
      tierPrices: [],
      productStatus: "DRAFT",
    });
    expect(events[3]?.payload).toEqual({
      variantId: variant.id,
      productId: product.id,
      previousPrice: { amount: 1000, currency: "EUR" },
      price: { amount: 1200, currency: "EUR" },
      tierPrices: [
        { tier: "SILVER", amount: 950 },
        { tier: "GOLD", amount: 900 },
      ],
    });
    expect(events[4]?.payload).toMatchObject({
      tier: "GOLD",
      previousAmount: 900,
      amount: null,
      tierPrices: [{ tier: "SILVER", amount: 950 }],
    });
    const row = await prisma.productVariant.findUniqueOrThrow({ where: { id: variant.id } });
    expect(row).toMatchObject({ priceAmount: 1200, silverPrice: 950, goldPrice: null, version: 5 });
  });

  it("the database refuses a tier price at or above the base price whatever the code does", async () => {
    const { variant } = await productWithVariant(deps);
    await expect(
      prisma.productVariant.update({ where: { id: variant.id }, data: { goldPrice: 1000 } }),
    ).rejects.toThrow();
  });
});

describe("images", () => {
  it("keeps exactly one primary image; removing it promotes the next", async () => {
    const { product } = await productWithVariant(deps);
    const a = await addProductImage(deps, product.id, { url: "https://img.test/a.png" }, meta());
    const b = await addProductImage(
      deps,
      product.id,
      { url: "https://img.test/b.png", isPrimary: true },
      meta(),
    );
    await addProductImage(deps, product.id, { url: "https://img.test/c.png" }, meta());
    const rows = () =>
      prisma.productImage.findMany({
        where: { productId: product.id },
        orderBy: { position: "asc" },
      });
    expect((await rows()).map((r) => [r.url.slice(-5), r.isPrimary])).toEqual([
      ["a.png", false],
      ["b.png", true],
      ["c.png", false],
    ]);
    const primaryId = b.images.find((i) => i.isPrimary)?.id as string;
    await removeProductImage(deps, product.id, primaryId, meta());
    expect((await rows()).map((r) => [r.url.slice(-5), r.position, r.isPrimary])).toEqual([
      ["a.png", 0, true],
      ["c.png", 1, false],
    ]);
    expect(a.images[0]?.isPrimary).toBe(true);
    const events = await eventsOf(product.id);
    expect(events.map((e) => [e.eventType, e.aggregateVersion])).toEqual([
      ["ProductCreated", 1],
      ["ProductImageAdded", 2],
      ["ProductImageAdded", 3],
      ["ProductImageAdded", 4],
      ["ProductImageRemoved", 5],
    ]);
  });

  it("rejects an 11th image", async () => {
    const { product } = await productWithVariant(deps);
    for (let i = 0; i < 10; i++)
      await addProductImage(deps, product.id, { url: `https://img.test/${i}.png` }, meta());
    const error = await expectDomainError(
      addProductImage(deps, product.id, { url: "https://img.test/11.png" }, meta()),
      "VALIDATION_FAILED",
    );
    expect(error.extensions.fields).toEqual([{ field: "images", message: expect.any(String) }]);
    expect(await prisma.productImage.count({ where: { productId: product.id } })).toBe(10);
  });
});

describe("product lifecycle", () => {
  it("DRAFT → ACTIVE → DISCONTINUED → ARCHIVED with variantIds; archived products are read-only", async () => {
    const { product, variant } = await productWithVariant(deps);
    await activateProduct(deps, product.id, meta());
    await discontinueProduct(deps, product.id, meta());
    const archived = await archiveProduct(deps, product.id, meta());
    expect(archived).toMatchObject({ status: "ARCHIVED", version: 4 });
    const events = await eventsOf(product.id);
    expect(events.slice(1).map((e) => [e.eventType, e.aggregateVersion, e.payload])).toEqual([
      [
        "ProductActivated",
        2,
        {
          productId: product.id,
          previousStatus: "DRAFT",
          status: "ACTIVE",
          variantIds: [variant.id],
        },
      ],
      [
        "ProductDiscontinued",
        3,
        {
          productId: product.id,
          previousStatus: "ACTIVE",
          status: "DISCONTINUED",
          variantIds: [variant.id],
        },
      ],
      [
        "ProductArchived",
        4,
        {
          productId: product.id,
          previousStatus: "DISCONTINUED",
          status: "ARCHIVED",
          variantIds: [variant.id],
        },
      ],
    ]);
    for (const attempt of [
      () => updateProductDetails(deps, product.id, { brand: "x" }, meta()),
      () => addProductImage(deps, product.id, { url: "https://img.test/x.png" }, meta()),
      () =>
        addProductVariant(
          deps,
          product.id,
          { variantSku: newSku("V"), price: { amount: 5, currency: "EUR" } },
          meta(),
        ),
      () => changeVariantPrice(deps, variant.id, { amount: 5, currency: "EUR" }, meta()),
      () => setVariantTierPrice(deps, variant.id, "GOLD", 5, meta()),
      () => activateProduct(deps, product.id, meta()),
    ])
      await expectDomainError(attempt(), "INVALID_STATE_TRANSITION");
    expect((await eventsOf(product.id)).length).toBe(4);
  });

  it("refuses to activate a product without variants", async () => {
    const product = await createProduct(deps, { sku: newSku(), title: "Empty" }, meta());
    await expectDomainError(activateProduct(deps, product.id, meta()), "INVALID_STATE_TRANSITION");
  });

  it("activation racing the first variant's addition never activates a product without variants", async () => {
    // Both orders must be seen: the variant first (activated, listing it) and the activation
    // first (refused). Which wins depends on the machine's timing, so rounds alternate which
    // call starts first, with a head start of 0–6 ms (from a true tie to a clear lead), and
    // repeat until both have been seen.
    const tally = { activated: 0, refused: 0 };
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    for (let round = 0; round < 20 && (tally.activated === 0 || tally.refused === 0); round++) {
      const product = await createProduct(deps, { sku: newSku(), title: "Race" }, meta());
      const headStart = ((round >> 1) % 4) * 2;
      const activate = async () => {
        if (round % 2 === 1) await later(headStart);
        return activateProduct(deps, product.id, meta());
      };
      const add = async () => {
        if (round % 2 === 0) await later(headStart);
        return addProductVariant(
          deps,
          product.id,
          { variantSku: newSku("V"), price: { amount: 5, currency: "EUR" } },
          meta(),
        );
      };
      const [activated, added] = await Promise.allSettled([activate(), add()]);
      expect(added.status).toBe("fulfilled");
      if (activated.status === "fulfilled") {
        tally.activated++;
        const event = (await eventsOf(product.id)).find((e) => e.eventType === "ProductActivated");
        expect(event?.payload).toMatchObject({ variantIds: [expect.any(String)] });
      } else {
        tally.refused++;
        expect(activated.reason).toMatchObject({ code: "INVALID_STATE_TRANSITION" });
      }
    }
    console.info(`activation race: ${JSON.stringify(tally)}`);
    expect(tally.activated, JSON.stringify(tally)).toBeGreaterThan(0);
    expect(tally.refused, JSON.stringify(tally)).toBeGreaterThan(0);
  });
});
