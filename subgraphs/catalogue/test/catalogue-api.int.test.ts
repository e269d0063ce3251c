import { createPgAdapter } from "@shopstream/db";
import { createLogger } from "@shopstream/service";
import { TEST_ADMIN, testDatabaseUrl, unique } from "@shopstream/testing";
import { errorCode, type GraphQLResult } from "@shopstream/testing/e2e-shop";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../src/context.ts";
import { createCataloguePrisma } from "../src/db.ts";
import { PrismaClient } from "../src/generated/prisma/client.ts";
import { createServer } from "../src/server.ts";

const url = testDatabaseUrl("catalogue");
const prisma = createCataloguePrisma(url);
/** A second client that counts the SQL statements it sends, for the batching test. */
const counted = new PrismaClient({
  adapter: createPgAdapter(url, { max: 5 }),
  log: [{ emit: "event", level: "query" }],
});
let statements = 0;
counted.$on("query", () => {
  statements++;
});
const server = createServer(createLogger("catalogue-test", "error"));

// biome-ignore lint/suspicious/noExplicitAny: GraphQL results are checked by the assertions, not by types
type Json = any;
type Result = GraphQLResult<Record<string, Json>>;
const nodeIds = (connection: { edges: { node: { id: string } }[] }) =>
  connection.edges.map((e) => e.node.id);

async function run(
  query: string,
  variables: Record<string, unknown> = {},
  client = prisma,
): Promise<Result> {
  const res = await server.executeOperation(
    { query, variables },
    {
      contextValue: createContext(client, {
        correlationId: "test",
        principal: TEST_ADMIN,
        actor: "test",
      }),
    },
  );
  if (res.body.kind !== "single") throw new Error("expected a single result");
  return res.body.singleResult as Result;
}

async function ok(query: string, variables: Record<string, unknown> = {}) {
  const result = await run(query, variables);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as Record<string, Json>;
}

/** The fields named by a result's first error. */
const errorFields = (r: Result) =>
  (r.errors?.[0]?.extensions?.fields as { field: string }[] | undefined)?.map((f) => f.field);

const CREATE_CATEGORY = `mutation($input: CreateCategoryInput!) { createCategory(input: $input) { id depth displayOrder active parent { id } } }`;
const CREATE_PRODUCT = `mutation($input: CreateProductInput!) { createProduct(input: $input) { id sku status } }`;
const ADD_VARIANT = `mutation($id: ID!, $input: AddProductVariantInput!) { addProductVariant(productId: $id, input: $input) { id } }`;

async function category(name: string, parentId?: string, displayOrder?: number) {
  return (await ok(CREATE_CATEGORY, { input: { name, parentId, displayOrder } }))
    .createCategory as { id: string; depth: number };
}

async function product(tag: string, title: string, categoryId?: string) {
  const sku = `${tag}-${unique("s").slice(2)}`.toUpperCase();
  const { createProduct } = await ok(CREATE_PRODUCT, { input: { sku, title, categoryId } });
  return createProduct as { id: string; sku: string };
}

beforeAll(async () => {
  await server.start();
});

afterAll(async () => {
  await server.stop();
  await prisma.$disconnect();
  await counted.$disconnect();
});

describe("category tree (executeOperation)", () => {
  it("builds three levels, rejects a fourth naming parentId, and lists one level at a time", async () => {
    const root = await category(unique("Root"));
    const mid = await category("Mid", root.id);
    const leaf = await category("Leaf", mid.id);
    expect([root.depth, mid.depth, leaf.depth]).toEqual([1, 2, 3]);
    const tooDeep = await run(CREATE_CATEGORY, { input: { name: "Too deep", parentId: leaf.id } });
    expect(errorCode(tooDeep)).toBe("VALIDATION_FAILED");
    expect(errorFields(tooDeep)).toEqual(["parentId"]);

    const b = await category("B", mid.id, 2);
    const a = await category("A", mid.id, 1);
    const page1 = await ok(
      `query($p: ID) { categories(parentId: $p, first: 2) { totalCount edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }`,
      { p: mid.id },
    );
    expect(page1.categories.totalCount).toBe(3);
    expect(page1.categories.edges.map((e: Json) => e.node.name)).toEqual(["Leaf", "A"]);
    const page2 = await ok(
      `query($p: ID, $after: String) { categories(parentId: $p, first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage hasPreviousPage } } }`,
      { p: mid.id, after: page1.categories.pageInfo.endCursor },
    );
    expect(nodeIds(page2.categories)).toEqual([b.id]);
    expect(page2.categories.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });

    const tree = await ok(
      `query($id: ID!) { category(id: $id) { name children { name depth parent { id } children { name } } } }`,
      { id: root.id },
    );
    expect(tree.category.children).toEqual([
      {
        name: "Mid",
        depth: 2,
        parent: { id: root.id },
        children: [{ name: "Leaf" }, { name: "A" }, { name: "B" }],
      },
    ]);
    expect(a.depth).toBe(3);
  });

  it("renames, reorders and deactivates (one way); a deactivated parent takes no children", async () => {
    const root = await category(unique("Root"));
    const renamed = await ok(
      `mutation($id: ID!) { updateCategory(id: $id, input: { name: "Renamed" }) { name version } }`,
      { id: root.id },
    );
    expect(renamed.updateCategory).toEqual({ name: "Renamed", version: 2 });
    const reordered = await ok(
      `mutation($id: ID!) { reorderCategory(id: $id, displayOrder: 7) { displayOrder version } }`,
      {
        id: root.id,
      },
    );
    expect(reordered.reorderCategory).toEqual({ displayOrder: 7, version: 3 });
    const DEACTIVATE = `mutation($id: ID!) { deactivateCategory(id: $id) { active version } }`;
    expect((await ok(DEACTIVATE, { id: root.id })).deactivateCategory).toEqual({
      active: false,
      version: 4,
    });
    expect(errorCode(await run(DEACTIVATE, { id: root.id }))).toBe("INVALID_STATE_TRANSITION");
    expect(
      errorFields(await run(CREATE_CATEGORY, { input: { name: "X", parentId: root.id } })),
    ).toEqual(["parentId"]);
    const events = await prisma.outbox.findMany({
      where: { aggregateId: root.id },
      orderBy: { aggregateVersion: "asc" },
    });
    expect(events.map((e) => [e.eventType, e.aggregateType, e.aggregateVersion])).toEqual([
      ["CategoryCreated", "Category", 1],
      ["CategoryUpdated", "Category", 2],
      ["CategoryReordered", "Category", 3],
      ["CategoryDeactivated", "Category", 4],
    ]);
  });
});

describe("moving categories", () => {
  const MOVE = `mutation($id: ID!, $parentId: ID) { updateCategory(id: $id, input: { parentId: $parentId }) { depth parent { id } version } }`;

  it("moves a leaf (recomputing depth) but not a category with subcategories or below level 3", async () => {
    const a = await category(unique("A"));
    const a1 = await category("A1", a.id);
    const a2 = await category("A2", a1.id);
    const b = await category(unique("B"));
    const leaf = await category("Leaf", b.id);
    expect((await ok(MOVE, { id: leaf.id, parentId: a1.id })).updateCategory).toEqual({
      depth: 3,
      parent: { id: a1.id },
      version: 2,
    });
    expect((await ok(MOVE, { id: leaf.id, parentId: null })).updateCategory).toMatchObject({
      depth: 1,
      parent: null,
    });
    expect(errorFields(await run(MOVE, { id: a1.id, parentId: b.id }))).toEqual(["parentId"]);
    expect(errorFields(await run(MOVE, { id: leaf.id, parentId: a2.id }))).toEqual(["parentId"]);
    expect(
      errorCode(await run(MOVE, { id: "01900000-0000-7000-8000-00000000dead", parentId: null })),
    ).toBe("NOT_FOUND");
  });
});

describe("products query (executeOperation)", () => {
  it("filters by case-insensitive search on title or SKU, status and category, and pages", async () => {
    const tag = unique("find").replace("-", "");
    const cat = await category(unique("Cat"));
    const p1 = await product(tag, "Alpha shirt", cat.id);
    const p2 = await product("OTHER", `Beta ${tag} Mug`, cat.id);
    const p3 = await product(tag, "Gamma");
    await ok(ADD_VARIANT, {
      id: p3.id,
      input: { variantSku: `${p3.sku}-V`, price: { amount: 100, currency: "EUR" } },
    });
    await ok(`mutation($id: ID!) { activateProduct(id: $id) { status } }`, { id: p3.id });

    const search = (filter: Record<string, unknown>, extra = "") =>
      ok(
        `query($f: ProductFilter, $after: String) { products(filter: $f, first: 2, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } ${extra} }`,
        { f: filter },
      );
    const all = await search({ search: tag.toUpperCase() });
    expect(all.products.totalCount).toBe(3);
    // Newest first.
    expect(nodeIds(all.products)).toEqual([p3.id, p2.id]);
    expect(all.products.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = await ok(
      `query($f: ProductFilter, $after: String) { products(filter: $f, first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage hasPreviousPage } } }`,
      { f: { search: tag }, after: all.products.pageInfo.endCursor },
    );
    expect(nodeIds(next.products)).toEqual([p1.id]);
    expect(next.products.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });

    expect((await search({ search: tag, status: "ACTIVE" })).products.totalCount).toBe(1);
    expect((await search({ search: tag, categoryId: cat.id })).products.totalCount).toBe(2);
    expect((await search({ search: `%${tag}` })).products.totalCount).toBe(0);
    // LIKE wildcards in the search text match only themselves.
    const sale = await product("SALE", `Sale 50%_off ${tag}`);
    expect(nodeIds((await search({ search: `50%_OFF ${tag}` })).products)).toEqual([sale.id]);
    expect((await search({ search: `50%xoff ${tag}` })).products.totalCount).toBe(0);
    expect((await search({ search: `5_%_off ${tag}` })).products.totalCount).toBe(0);

    const byCategory = await ok(
      `query($id: ID!) { category(id: $id) { products(first: 5) { totalCount edges { node { id } } } } }`,
      { id: cat.id },
    );
    expect(nodeIds(byCategory.category.products)).toEqual([p2.id, p1.id]);
  });

  it.each([
    [{ first: 101 }, ["first"]],
    [{ first: -1 }, ["first"]],
    [{ after: "garbage!" }, ["after"]],
    [{ after: "Y2F0ZWdvcnl8MXx4" }, ["after"]],
    [{ filter: { categoryId: "nope" } }, ["filter.categoryId"]],
  ])("rejects %j with VALIDATION_FAILED", async (args, fields) => {
    const result = await run(
      `query($first: Int, $after: String, $filter: ProductFilter) { products(first: $first, after: $after, filter: $filter) { totalCount } }`,
      args,
    );
    expect(errorCode(result)).toBe("VALIDATION_FAILED");
    expect(errorFields(result)).toEqual(fields);
  });

  it("a page of products with variants, tier prices, images and categories costs a constant number of SQL statements", async () => {
    const tag = unique("batch").replace("-", "");
    const root = await category(unique("R"));
    const child = await category("C", root.id);
    for (let i = 0; i < 12; i++) {
      const p = await product(tag, `Batch ${i}`, i % 2 ? child.id : root.id);
      for (const v of [1, 2])
        await ok(ADD_VARIANT, {
          id: p.id,
          input: {
            variantSku: `${p.sku}-V${v}`,
            price: { amount: 1000, currency: "EUR" },
            tierPrices: [{ tier: "GOLD", amount: 900 }],
          },
        });
      await ok(
        `mutation($id: ID!) { addProductImage(productId: $id, input: { url: "https://img.test/a.png" }) { id } }`,
        {
          id: p.id,
        },
      );
    }
    const PAGE = `query($f: ProductFilter, $n: Int) { products(filter: $f, first: $n) { totalCount edges { node {
      id sku images { url isPrimary } primaryImage { url }
      category { name parent { name } children { name } }
      variants { variantSku price { amount formatted } tierPrices { tier price { amount } } product { sku } }
    } } } }`;
    const cost = async (n: number) => {
      statements = 0;
      const result = await run(PAGE, { f: { search: tag }, n }, counted);
      expect(result.errors).toBeUndefined();
      expect(result.data?.products.edges).toHaveLength(n);
      return statements;
    };
    const small = await cost(2);
    const large = await cost(12);
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(10);
    console.info(`products page: ${large} SQL statements for 2 or 12 products`);
  });
});

describe("Category.products (batched)", () => {
  it("pages each category's products and costs the same SQL for 2 or 6 categories", async () => {
    const root = await category(unique("Shop"));
    const children: { id: string }[] = [];
    for (let i = 0; i < 6; i++) children.push(await category(`Child ${i}`, root.id, i));
    const made: Record<string, string[]> = {};
    for (const [i, c] of children.entries()) {
      made[c.id] = [];
      for (let n = 0; n <= i % 3; n++)
        made[c.id]?.push((await product("CP", `P${i}-${n}`, c.id)).id);
    }
    const TREE = `query($root: ID!, $n: Int, $after: String) { categories(parentId: $root, first: $n) { edges { node {
      id products(first: 2, after: $after) { totalCount edges { node { id variants { id } } } pageInfo { hasNextPage hasPreviousPage endCursor } }
    } } } }`;
    const cost = async (n: number) => {
      statements = 0;
      const result = await run(TREE, { root: root.id, n }, counted);
      expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
      return { statements, edges: result.data?.categories.edges as Json[] };
    };
    const small = await cost(2);
    const large = await cost(6);
    expect(large.statements).toBe(small.statements);
    for (const edge of large.edges) {
      const expected = [...(made[edge.node.id] ?? [])].reverse();
      expect(edge.node.products.totalCount).toBe(expected.length);
      expect(nodeIds(edge.node.products)).toEqual(expected.slice(0, 2));
      expect(edge.node.products.pageInfo.hasNextPage).toBe(expected.length > 2);
    }
    const third = children[2] as { id: string };
    const firstPage = large.edges.find((e: Json) => e.node.id === third.id).node.products;
    const rest = await ok(
      `query($id: ID!, $after: String) { category(id: $id) { products(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage hasPreviousPage } } } }`,
      { id: third.id, after: firstPage.pageInfo.endCursor },
    );
    expect(nodeIds(rest.category.products)).toEqual([made[third.id]?.[0]]);
    expect(rest.category.products.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
  });
});

describe("federation", () => {
  it("resolves Product, ProductVariant and Category references through _entities", async () => {
    const cat = await category(unique("Fed"));
    const p = await product("FED", "Federated", cat.id);
    const { addProductVariant } = await ok(ADD_VARIANT, {
      id: p.id,
      input: { variantSku: `${p.sku}-V`, price: { amount: 250, currency: "JPY" } },
    });
    const data = await ok(
      `query($reps: [_Any!]!) { _entities(representations: $reps) {
        ... on Product { sku } ... on ProductVariant { price { amount currency formatted } priceForTier(tier: GOLD) { amount } } ... on Category { name }
      } }`,
      {
        reps: [
          { __typename: "Product", id: p.id },
          { __typename: "ProductVariant", id: addProductVariant.id },
          { __typename: "Category", id: cat.id },
        ],
      },
    );
    expect(data._entities).toEqual([
      { sku: p.sku },
      { price: { amount: 250, currency: "JPY", formatted: "¥250" }, priceForTier: { amount: 250 } },
      { name: expect.stringMatching(/^Fed-/) },
    ]);
  });
});
