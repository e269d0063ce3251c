import { createInventoryPrisma } from "@shopstream/inventory";
import { createOrderingPrisma, findVariantPrices } from "@shopstream/ordering";
import { e2eDatabaseUrl, unique } from "@shopstream/testing";
import { e2eShop } from "@shopstream/testing/e2e-shop";
import { waitFor } from "@shopstream/testing/kit";
import { afterAll, describe, expect, inject, it } from "vitest";

// Cross-context reactions through the running stack: catalogue writes, the workers relay the
// events, inventory and ordering react. Read models without a public field are read directly.
const inventory = createInventoryPrisma(e2eDatabaseUrl("inventory"));
const ordering = createOrderingPrisma(e2eDatabaseUrl("ordering"));
afterAll(() => Promise.all([inventory.$disconnect(), ordering.$disconnect()]));

const DEFAULT_WAREHOUSE_ID = "00000000-0000-7000-8000-000000000001";

const shop = e2eShop(inject("gatewayUrl"), inject("serviceUrls"));
// Catalogue work is the catalogue manager's; availability is read as a shopper would.
const mutate = shop.as("catalogue_manager").ok;

describe("reactions between contexts", () => {
  it("gives a new variant a stock item in the default warehouse and feeds ordering's price view", async () => {
    const sku = unique("R").toUpperCase();
    const { createProduct } = await mutate<{ createProduct: { id: string } }>(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
      { input: { sku, title: "Reaction test" } },
    );
    const { addProductVariant } = await mutate<{ addProductVariant: { id: string } }>(
      `mutation($productId: ID!, $input: AddProductVariantInput!) { addProductVariant(productId: $productId, input: $input) { id } }`,
      {
        productId: createProduct.id,
        input: {
          variantSku: `${sku}-V`,
          price: { amount: 1_234, currency: "EUR" },
          tierPrices: [{ tier: "GOLD", amount: 1_100 }],
        },
      },
    );
    const variantId = addProductVariant.id;
    await mutate(`mutation($id: ID!) { activateProduct(id: $id) { status } }`, {
      id: createProduct.id,
    });

    const stockItem = await waitFor("the stock item", () =>
      inventory.stockItem.findFirst({ where: { variantId, warehouseId: DEFAULT_WAREHOUSE_ID } }),
    );
    expect(stockItem).toMatchObject({ onHand: 0, reserved: 0 });
    const availability = await shop.send(
      `query($id: ID!) { productVariant(id: $id) { variantSku availability { onHand inStock } } }`,
      {
        id: variantId,
      },
    );
    expect(availability).toEqual({
      data: {
        productVariant: { variantSku: `${sku}-V`, availability: { onHand: 0, inStock: false } },
      },
    });

    await waitFor("the price view to show the active product", async () => {
      const [price] = await findVariantPrices(ordering, [variantId]);
      return price?.productStatus === "ACTIVE" ? price : null;
    });
    await mutate(
      `mutation($id: ID!, $price: MoneyInput!) { changeVariantPrice(id: $id, price: $price) { id } }`,
      {
        id: variantId,
        price: { amount: 1_300, currency: "EUR" },
      },
    );
    const updated = await waitFor("the new price", async () => {
      const [price] = await findVariantPrices(ordering, [variantId]);
      return price?.price.amount === 1_300 ? price : null;
    });
    expect(updated).toMatchObject({
      price: { amount: 1_300, currency: "EUR" },
      tierPrices: [{ tier: "GOLD", amount: 1_100 }],
      productStatus: "ACTIVE",
    });
  });
});
