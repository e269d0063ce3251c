import { ANONYMOUS, actorOf, type Principal, principalOf } from "@shopstream/auth";
import { createLogger } from "@shopstream/service";
import { TEST_ADMIN, testDatabaseUrl, unique } from "@shopstream/testing";
import type { GraphQLResult } from "@shopstream/testing/e2e-shop";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../src/context.ts";
import { createCataloguePrisma } from "../src/db.ts";
import { createServer } from "../src/server.ts";

/*
 * Which products and categories a caller sees through the root queries: the catalogue roles
 * (catalogue manager, inventory manager, admin) everything, anyone else ACTIVE products and
 * active categories only. Entity references are never narrowed.
 */

const prisma = createCataloguePrisma(testDatabaseUrl("catalogue"));
const server = createServer(createLogger("catalogue-test", "error"));

// biome-ignore lint/suspicious/noExplicitAny: GraphQL results are checked by the assertions, not by types
type Json = any;

async function run(
  principal: Principal,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResult<Record<string, Json>>> {
  const res = await server.executeOperation(
    { query, variables },
    {
      contextValue: createContext(prisma, {
        correlationId: "test",
        principal,
        actor: actorOf(principal),
      }),
    },
  );
  if (res.body.kind !== "single") throw new Error("expected a single result");
  return res.body.singleResult as GraphQLResult<Record<string, Json>>;
}

async function ok(principal: Principal, query: string, variables: Record<string, unknown> = {}) {
  const result = await run(principal, query, variables);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as Record<string, Json>;
}

const admin = (query: string, variables: Record<string, unknown> = {}) =>
  ok(TEST_ADMIN, query, variables);

const customer = principalOf("visibility-customer", ["customer"]);
/** Without a catalogue role: sees what is on sale. */
const SHOPPERS: [string, Principal][] = [
  ["anonymous", ANONYMOUS],
  ["a customer", customer],
  ["fulfilment", principalOf("visibility-fulfilment", ["fulfilment"])],
  ["support", principalOf("visibility-support", ["support"])],
  ["finance", principalOf("visibility-finance", ["finance"])],
];
/** With a catalogue role: sees everything. */
const CATALOGUE: [string, Principal][] = [
  ["the catalogue manager", principalOf("visibility-cm", ["catalogue_manager"])],
  ["the inventory manager", principalOf("visibility-im", ["inventory_manager"])],
  ["admin", TEST_ADMIN],
];

interface Fixture {
  tag: string;
  category: string;
  inactiveCategory: string;
  products: Record<
    "draft" | "active" | "discontinued",
    { id: string; sku: string; variant: string }
  >;
}
let f: Fixture;

async function newProduct(
  tag: string,
  name: string,
  categoryId: string,
  steps: ("activate" | "discontinue")[],
) {
  const sku = `${tag}-${name}`.toUpperCase();
  const { createProduct } = await admin(
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
    { input: { sku, title: `${name} ${tag}`, categoryId } },
  );
  const { addProductVariant } = await admin(
    `mutation($id: ID!, $input: AddProductVariantInput!) { addProductVariant(productId: $id, input: $input) { id } }`,
    {
      id: createProduct.id,
      input: { variantSku: `${sku}-V`, price: { amount: 500, currency: "EUR" } },
    },
  );
  for (const step of steps)
    await admin(`mutation($id: ID!) { ${step}Product(id: $id) { status } }`, {
      id: createProduct.id,
    });
  return { id: createProduct.id as string, sku, variant: addProductVariant.id as string };
}

beforeAll(async () => {
  await server.start();
  const tag = unique("vis").replace("-", "");
  const create = async (name: string, parentId?: string) =>
    (
      await admin(
        `mutation($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`,
        { input: { name, parentId } },
      )
    ).createCategory.id as string;
  const category = await create(`Visible ${tag}`);
  const inactiveCategory = await create(`Hidden ${tag}`, category);
  await admin(`mutation($id: ID!) { deactivateCategory(id: $id) { active } }`, {
    id: inactiveCategory,
  });
  f = {
    tag,
    category,
    inactiveCategory,
    products: {
      draft: await newProduct(tag, "draft", category, []),
      active: await newProduct(tag, "active", category, ["activate"]),
      discontinued: await newProduct(tag, "disc", category, ["activate", "discontinue"]),
    },
  };
});

afterAll(async () => {
  await server.stop();
  await prisma.$disconnect();
});

const ids = (connection: { edges: { node: { id: string } }[] }) =>
  connection.edges.map((e) => e.node.id).sort();

describe.each(SHOPPERS)("%s (no catalogue role)", (_, principal) => {
  it("gets a product that is not ACTIVE, by id, SKU or variant, as a missing one: null", async () => {
    for (const kind of ["draft", "discontinued"] as const) {
      const p = f.products[kind];
      expect(
        await ok(
          principal,
          `query($id: ID!, $sku: String!, $v: ID!) { product(id: $id) { id } productBySku(sku: $sku) { id } productVariant(id: $v) { id } }`,
          { id: p.id, sku: p.sku, v: p.variant },
        ),
      ).toEqual({ product: null, productBySku: null, productVariant: null });
    }
    const active = f.products.active;
    expect(
      await ok(
        principal,
        `query($id: ID!, $sku: String!, $v: ID!) { product(id: $id) { id } productBySku(sku: $sku) { id } productVariant(id: $v) { id } }`,
        { id: active.id, sku: active.sku, v: active.variant },
      ),
    ).toEqual({
      product: { id: active.id },
      productBySku: { id: active.id },
      productVariant: { id: active.variant },
    });
  });

  it("lists ACTIVE products only; a status filter asking for another lists nothing", async () => {
    const list = (filter: Record<string, unknown>) =>
      ok(
        principal,
        `query($f: ProductFilter) { products(filter: $f, first: 10) { totalCount edges { node { id } } } }`,
        { f: { search: f.tag, ...filter } },
      );
    expect((await list({})).products).toEqual({
      totalCount: 1,
      edges: [{ node: { id: f.products.active.id } }],
    });
    expect((await list({ status: "ACTIVE" })).products.totalCount).toBe(1);
    for (const status of ["DRAFT", "DISCONTINUED", "ARCHIVED"])
      expect((await list({ status })).products).toEqual({ totalCount: 0, edges: [] });
  });

  it("sees active categories only, and ACTIVE products under them", async () => {
    expect(
      await ok(principal, `query($id: ID!) { category(id: $id) { id } }`, {
        id: f.inactiveCategory,
      }),
    ).toEqual({ category: null });
    const { category, categories } = await ok(
      principal,
      `query($id: ID!) {
        category(id: $id) {
          children { id }
          products(first: 10) { totalCount edges { node { id } } }
          drafts: products(status: DRAFT, first: 10) { totalCount edges { node { id } } }
        }
        categories(parentId: $id, includeInactive: true) { totalCount }
      }`,
      { id: f.category },
    );
    expect(category.children).toEqual([]);
    expect(category.products).toEqual({
      totalCount: 1,
      edges: [{ node: { id: f.products.active.id } }],
    });
    expect(category.drafts).toEqual({ totalCount: 0, edges: [] });
    // includeInactive is a catalogue role's view: ignored here.
    expect(categories.totalCount).toBe(0);
  });

  it("still resolves entity references to products of any status (an order line, a stock item)", async () => {
    const data = await ok(
      principal,
      `query($reps: [_Any!]!) { _entities(representations: $reps) {
        ... on Product { id status } ... on ProductVariant { id product { status } }
      } }`,
      {
        reps: [
          { __typename: "Product", id: f.products.draft.id },
          { __typename: "ProductVariant", id: f.products.discontinued.variant },
        ],
      },
    );
    expect(data._entities).toEqual([
      { id: f.products.draft.id, status: "DRAFT" },
      { id: f.products.discontinued.variant, product: { status: "DISCONTINUED" } },
    ]);
  });
});

describe.each(CATALOGUE)("%s (a catalogue role)", (_, principal) => {
  it("sees products of every status and inactive categories", async () => {
    const draft = f.products.draft;
    expect(
      await ok(
        principal,
        `query($id: ID!, $sku: String!, $v: ID!, $c: ID!) { product(id: $id) { id } productBySku(sku: $sku) { id } productVariant(id: $v) { id } category(id: $c) { id } }`,
        { id: draft.id, sku: draft.sku, v: draft.variant, c: f.inactiveCategory },
      ),
    ).toEqual({
      product: { id: draft.id },
      productBySku: { id: draft.id },
      productVariant: { id: draft.variant },
      category: { id: f.inactiveCategory },
    });
    const { products, category, categories } = await ok(
      principal,
      `query($f: ProductFilter, $c: ID!) {
        products(filter: $f, first: 10) { edges { node { id } } }
        category(id: $c) { children { id } drafts: products(status: DRAFT, first: 10) { edges { node { id } } } }
        categories(parentId: $c, includeInactive: true) { totalCount }
      }`,
      { f: { search: f.tag }, c: f.category },
    );
    expect(ids(products)).toEqual(
      [f.products.draft.id, f.products.active.id, f.products.discontinued.id].sort(),
    );
    expect(category.children).toEqual([{ id: f.inactiveCategory }]);
    expect(ids(category.drafts)).toEqual([f.products.draft.id]);
    expect(categories.totalCount).toBe(1);
  });
});
