/** Helpers the gateway benchmarks share: operations as a test principal, percentiles, seeding. */
import { graphql } from "@shopstream/testing";
import { type TestPrincipal, tokens } from "@shopstream/testing/tokens";

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One operation as `who` (catalogue work as the catalogue manager, stock as the inventory manager). */
export async function ok<T>(
  who: TestPrincipal,
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
) {
  for (let attempt = 1; ; attempt++) {
    const result = await graphql<T>(url, query, variables, await tokens.headers(who));
    const busy = result.errors?.find((e) => e.extensions?.code === "SERVICE_UNAVAILABLE");
    // A busy service answers with a retryable code: wait as it asks and send again.
    if (busy && attempt < 10) {
      await sleep(1000 * Number(busy.extensions?.retryAfterSeconds ?? 1));
      continue;
    }
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data as T;
  }
}

/** A warehouse of the benchmark's own, through the gateway as the inventory manager. */
export async function createBenchWarehouse(url: string, tag: string): Promise<string> {
  const { createWarehouse } = await ok<{ createWarehouse: { id: string } }>(
    "inventory_manager",
    url,
    `mutation($input: CreateWarehouseInput!) { createWarehouse(input: $input) { id } }`,
    {
      input: {
        name: `Bench ${tag}`,
        address: { street: "1 Main St", city: "Leeds", postalCode: "LS1 1AA", country: "GB" },
        capacity: 1_000_000,
        zones: ["REGULAR"],
      },
    },
  );
  return createWarehouse.id;
}

/** A product (DRAFT) with `variants` variants priced from `firstPrice` EUR minor units up. */
export async function createBenchProduct(
  url: string,
  sku: string,
  variants: number,
  firstPrice: number,
): Promise<{ productId: string; variantIds: string[] }> {
  const { createProduct } = await ok<{ createProduct: { id: string } }>(
    "catalogue_manager",
    url,
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
    { input: { sku, title: `Bench ${sku}` } },
  );
  const variantIds: string[] = [];
  for (let i = 0; i < variants; i++) {
    const { addProductVariant } = await ok<{ addProductVariant: { id: string } }>(
      "catalogue_manager",
      url,
      `mutation($id: ID!, $input: AddProductVariantInput!) { addProductVariant(productId: $id, input: $input) { id } }`,
      {
        id: createProduct.id,
        input: { variantSku: `${sku}-${i}`, price: { amount: firstPrice + i, currency: "EUR" } },
      },
    );
    variantIds.push(addProductVariant.id);
  }
  return { productId: createProduct.id, variantIds };
}

export const activateBenchProduct = (url: string, id: string) =>
  ok("catalogue_manager", url, `mutation($id: ID!) { activateProduct(id: $id) { id } }`, { id });

/** Initialises a variant's stock in a warehouse; returns the stock item id. */
export async function initializeBenchStock(
  url: string,
  variantId: string,
  warehouseId: string,
): Promise<string> {
  const { initializeStock } = await ok<{ initializeStock: { id: string } }>(
    "inventory_manager",
    url,
    `mutation($input: InitializeStockInput!) { initializeStock(input: $input) { id } }`,
    { input: { variantId, warehouseId } },
  );
  return initializeStock.id;
}

export const receiveBenchStock = (url: string, stockItemId: string, quantity: number) =>
  ok(
    "inventory_manager",
    url,
    `mutation($id: ID!, $q: Int!) { receiveStock(stockItemId: $id, quantity: $q) { onHand } }`,
    { id: stockItemId, q: quantity },
  );
