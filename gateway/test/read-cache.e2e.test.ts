import { unique } from "@shopstream/testing";
import { e2eShop, pollUntil } from "@shopstream/testing/e2e-shop";
import { describe, expect, inject, it } from "vitest";

// The gateway's public catalogue cache (gateway/src/read-cache.ts): anonymous catalogue and
// inventory answers are kept until that context changes. These tests read anonymously until
// the answer is cached, change the data, and require the next reads to show the change within a
// short deadline (the cache's own safety age is a minute, so only invalidation can pass them).

const shop = e2eShop(inject("gatewayUrl"), inject("serviceUrls"));
const catalogue = shop.as("catalogue_manager");
const fulfilment = shop.as("fulfilment");
const FRESH = { timeoutMs: 5_000 };

interface VariantRead {
  productVariant: {
    price: { amount: number; formatted: string };
    availability: { onHand: number; reserved: number; available: number };
  } | null;
}
const readVariant = (id: string, client = shop) =>
  client.ok<VariantRead>(
    `query($id: ID!) { productVariant(id: $id) {
      price { amount formatted } availability { onHand reserved available } } }`,
    { id },
  );

describe("public catalogue cache", () => {
  it("an anonymous read shows a price, stock or status change right after it", async () => {
    const variantId = await shop.activeVariant(unique("CACHE"), 1_000);
    const { stockItemId } = await shop.stock(variantId, 5);
    const first = await pollUntil(
      "the stock to show",
      () => readVariant(variantId),
      (r) => r.productVariant?.availability.onHand === 5,
    );
    expect(await readVariant(variantId)).toEqual(first);

    await catalogue.ok(
      `mutation($id: ID!) { changeVariantPrice(id: $id, price: { amount: 1250, currency: "EUR" }) { id } }`,
      { id: variantId },
    );
    await pollUntil(
      "the new price",
      () => readVariant(variantId),
      (r) => r.productVariant?.price.amount === 1_250,
      FRESH,
    );

    await shop
      .as("inventory_manager")
      .ok(`mutation($id: ID!) { receiveStock(stockItemId: $id, quantity: 3) { id } }`, {
        id: stockItemId,
      });
    await pollUntil(
      "the received stock",
      () => readVariant(variantId),
      (r) => r.productVariant?.availability.onHand === 8,
      FRESH,
    );

    const { productVariant } = await catalogue.ok<{ productVariant: { product: { id: string } } }>(
      `query($id: ID!) { productVariant(id: $id) { product { id } } }`,
      { id: variantId },
    );
    await catalogue.ok(`mutation($id: ID!) { discontinueProduct(id: $id) { id } }`, {
      id: productVariant.product.id,
    });
    await pollUntil(
      "the variant to leave the storefront",
      () => readVariant(variantId),
      (r) => r.productVariant === null,
      FRESH,
    );
  });

  it("a change made by the workers (a reservation) reaches a cached anonymous read through its event", async () => {
    const variantId = await shop.activeVariant(unique("CACHE-RSV"), 800);
    await shop.stock(variantId, 4);
    await pollUntil(
      "the stock to show",
      () => readVariant(variantId),
      (r) => r.productVariant?.availability.available === 4,
    );
    const customerId = await shop.registerCustomer();
    const order = await shop.placeOrder(customerId, [{ variantId, quantity: 3 }]);
    await shop.scriptPayment({ orderId: order.id }, [{ outcome: "succeed" }]);
    await fulfilment.ok(`mutation($id: ID!) { confirmOrder(id: $id) { status } }`, {
      id: order.id,
    });
    // Inventory reserves in reaction to the order's event: no inventory write passed through
    // the gateway, so only inventory's own event can have emptied the cached answer.
    await pollUntil(
      "the reservation to show",
      () => readVariant(variantId),
      (r) => r.productVariant?.availability.reserved === 3,
      { timeoutMs: 15_000 },
    );
  });

  it("a principal-specific read is never answered from another principal's entry", async () => {
    // A DRAFT product: the catalogue manager sees it, an anonymous shopper does not.
    const sku = unique("CACHE-DRAFT");
    const { createProduct } = await catalogue.ok<{ createProduct: { id: string } }>(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
      { input: { sku, title: `Draft ${sku}` } },
    );
    const query = `query($id: ID!) { product(id: $id) { id status } }`;
    const vars = { id: createProduct.id };
    for (let i = 0; i < 3; i++) {
      const [anonymous, staff] = await Promise.all([
        shop.ok<{ product: unknown }>(query, vars),
        catalogue.ok<{ product: unknown }>(query, vars),
      ]);
      expect(anonymous.product).toBeNull();
      expect(staff.product).toEqual({ id: createProduct.id, status: "DRAFT" });
    }
  });
});
