import {
  CataloguePrismaClient,
  createContext as catalogueContext,
  createServer as catalogueServer,
} from "@shopstream/catalogue";
import { createPgAdapter } from "@shopstream/db";
import {
  InventoryPrismaClient,
  createContext as inventoryContext,
  createServer as inventoryServer,
} from "@shopstream/inventory";
import { testDatabaseUrl, unique } from "@shopstream/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inBatches } from "./in-batches.ts";
import { type InProcessSupergraph, logger, startSupergraph } from "./in-process-supergraph.ts";

// A page of products with their variants and each variant's availability crosses two subgraphs
// (catalogue → inventory). This counts the SQL statements each subgraph sends for a page of 10
// and a page of 50 products: DataLoader batching must keep the count independent of page size.

const counts = { catalogue: 0, inventory: 0 };
const catalogue = new CataloguePrismaClient({
  adapter: createPgAdapter(testDatabaseUrl("catalogue")),
  log: [{ emit: "event", level: "query" }],
});
const inventory = new InventoryPrismaClient({
  adapter: createPgAdapter(testDatabaseUrl("inventory")),
  log: [{ emit: "event", level: "query" }],
});
catalogue.$on("query", () => void counts.catalogue++);
inventory.$on("query", () => void counts.inventory++);

let supergraph: InProcessSupergraph;
const run = <T>(query: string, variables: Record<string, unknown> = {}) =>
  supergraph.run<T>(query, variables);
const categoryName = unique("batching");
let categoryId = "";

beforeAll(async () => {
  supergraph = await startSupergraph({
    catalogue: {
      apollo: catalogueServer(logger),
      context: (base) => catalogueContext(catalogue, base),
    },
    inventory: {
      apollo: inventoryServer(logger),
      context: (base) => inventoryContext({ prisma: inventory }, base),
    },
  });

  // 50 products × 2 variants, each variant with stock, all in one category of this test's own.
  // Stock goes to a warehouse of this test's own: a running stack's workers may meanwhile give
  // each new variant its (empty) stock item in the default warehouse.
  const warehouseId = (
    await run<{ createWarehouse: { id: string } }>(
      `mutation($input: CreateWarehouseInput!) { createWarehouse(input: $input) { id } }`,
      {
        input: {
          name: categoryName,
          address: { street: "1 Test St", city: "Testville", postalCode: "T1", country: "GB" },
        },
      },
    )
  ).createWarehouse.id;
  categoryId = (
    await run<{ createCategory: { id: string } }>(
      `mutation($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`,
      {
        input: { name: categoryName },
      },
    )
  ).createCategory.id;
  const tag = unique("B").toUpperCase();
  await inBatches(
    Array.from({ length: 50 }, (_, i) => i),
    10,
    async (i) => {
      const productId = (
        await run<{ createProduct: { id: string } }>(
          `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
          {
            input: { sku: `${tag}-${i}`, title: `Batching ${i}`, categoryId },
          },
        )
      ).createProduct.id;
      for (const v of [1, 2]) {
        const variantId = (
          await run<{ addProductVariant: { id: string } }>(
            `mutation($productId: ID!, $input: AddProductVariantInput!) { addProductVariant(productId: $productId, input: $input) { id } }`,
            {
              productId,
              input: {
                variantSku: `${tag}-${i}-${v}`,
                price: { amount: 1000 + i, currency: "EUR" },
              },
            },
          )
        ).addProductVariant.id;
        const stockItemId = (
          await run<{ initializeStock: { id: string } }>(
            `mutation($input: InitializeStockInput!) { initializeStock(input: $input) { id } }`,
            {
              input: { variantId, warehouseId },
            },
          )
        ).initializeStock.id;
        await run(
          `mutation($id: ID!) { receiveStock(stockItemId: $id, quantity: ${v * 3}) { id } }`,
          { id: stockItemId },
        );
      }
    },
  );
}, 120_000);

afterAll(async () => {
  await supergraph?.stop();
  await Promise.all([catalogue.$disconnect(), inventory.$disconnect()]);
});

const PAGE = `query($categoryId: ID!, $first: Int!) {
  products(filter: { categoryId: $categoryId }, first: $first) {
    totalCount
    edges { node { id title variants { id variantSku price { amount formatted } availability { onHand reserved available inStock } } } }
  }
}`;

interface Page {
  products: {
    totalCount: number;
    edges: { node: { variants: { availability: { onHand: number; inStock: boolean } }[] } }[];
  };
}

async function countedPage(first: number) {
  counts.catalogue = 0;
  counts.inventory = 0;
  const page = await run<Page>(PAGE, { categoryId, first });
  return { page, catalogue: counts.catalogue, inventory: counts.inventory };
}

describe("federated batching (gateway → catalogue → inventory)", () => {
  it("answers a page of 50 products with variants and availability in as many SQL statements as a page of 10", async () => {
    const ten = await countedPage(10);
    const fifty = await countedPage(50);
    console.log(
      `SQL statements — page of 10: catalogue ${ten.catalogue}, inventory ${ten.inventory}; ` +
        `page of 50: catalogue ${fifty.catalogue}, inventory ${fifty.inventory}`,
    );
    expect(ten.page.products.edges).toHaveLength(10);
    expect(fifty.page.products.edges).toHaveLength(50);
    const variants = fifty.page.products.edges.flatMap((e) => e.node.variants);
    expect(variants).toHaveLength(100);
    expect(variants.every((v) => v.availability.inStock && v.availability.onHand > 0)).toBe(true);
    expect(fifty.catalogue).toBe(ten.catalogue);
    expect(fifty.inventory).toBe(ten.inventory);
    expect(fifty.catalogue + fifty.inventory).toBeLessThanOrEqual(8);
  });
});
