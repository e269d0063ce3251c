import { unique } from "@shopstream/testing";
import { e2eShop } from "@shopstream/testing/e2e-shop";
import { describe, expect, inject, it } from "vitest";

// biome-ignore lint/suspicious/noExplicitAny: responses are checked by the assertions
type Json = any;

// The catalogue manager builds the catalogue and reads it whole (products in every status).
const manager = () => e2eShop(inject("gatewayUrl"), inject("serviceUrls")).as("catalogue_manager");
const ok = (query: string, variables: Record<string, unknown> = {}) =>
  manager().ok<Json>(query, variables);

/** The first error's extensions of an operation that must fail. */
async function fails(query: string, variables: Record<string, unknown> = {}) {
  const res = await manager().send<Json>(query, variables);
  expect(res.errors, "expected an error").toBeDefined();
  return res.errors?.[0]?.extensions ?? {};
}

const CREATE_CATEGORY = `mutation($input: CreateCategoryInput!) { createCategory(input: $input) { id depth } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateProductDetailsInput!) { updateProductDetails(id: $id, input: $input) { id version } }`;
const ADD_VARIANT = `mutation($id: ID!, $input: AddProductVariantInput!) {
  addProductVariant(productId: $id, input: $input) { id variantSku version } }`;
const ADD_IMAGE = `mutation($id: ID!, $input: AddProductImageInput!) {
  addProductImage(productId: $id, input: $input) { images { id url isPrimary } } }`;
const STATUS = (verb: string) => `mutation($id: ID!) { ${verb}(id: $id) { status version } }`;

describe("catalogue through the gateway", () => {
  it("category tree, product with variants, images and tier prices, full lifecycle, search", async () => {
    const tag = unique("JRN").toUpperCase();

    // A 3-level category tree; a 4th level is rejected.
    const root = (await ok(CREATE_CATEGORY, { input: { name: `Clothing ${tag}` } })).createCategory;
    const mid = (await ok(CREATE_CATEGORY, { input: { name: "Shirts", parentId: root.id } }))
      .createCategory;
    const leaf = (await ok(CREATE_CATEGORY, { input: { name: "Oxford", parentId: mid.id } }))
      .createCategory;
    expect([root.depth, mid.depth, leaf.depth]).toEqual([1, 2, 3]);
    const tooDeep = await fails(CREATE_CATEGORY, {
      input: { name: "Too deep", parentId: leaf.id },
    });
    expect(tooDeep).toMatchObject({ code: "VALIDATION_FAILED", fields: [{ field: "parentId" }] });

    // A product with two variants and images.
    const product = (
      await ok(
        `mutation($input: CreateProductInput!) { createProduct(input: $input) { id status version } }`,
        {
          input: {
            sku: tag,
            title: `Oxford shirt ${tag}`,
            brand: "Acme",
            categoryId: leaf.id,
            attributes: { material: "cotton" },
            slug: tag.toLowerCase(),
            metaTitle: "Oxford shirt",
          },
        },
      )
    ).createProduct;
    expect(product).toMatchObject({ status: "DRAFT", version: 1 });
    const addVariant = async (input: Json) =>
      (await ok(ADD_VARIANT, { id: product.id, input })).addProductVariant;
    const m = await addVariant({
      variantSku: `${tag}-M`,
      attributes: { size: "M" },
      price: { amount: 4999, currency: "EUR" },
      tierPrices: [{ tier: "GOLD", amount: 4499 }],
      weightGrams: 300,
      dimensions: { lengthMm: 300, widthMm: 250, heightMm: 30 },
    });
    const l = await addVariant({
      variantSku: `${tag}-L`,
      attributes: { size: "L" },
      price: { amount: 5499, currency: "EUR" },
    });
    const dup = await fails(ADD_VARIANT, {
      id: product.id,
      input: { variantSku: `${tag}-L`, price: { amount: 1, currency: "EUR" } },
    });
    expect(dup).toMatchObject({ code: "DUPLICATE", fields: [{ field: "variantSku" }] });

    await ok(ADD_IMAGE, {
      id: product.id,
      input: { url: "https://img.test/front.jpg", altText: "Front" },
    });
    const withImages = (
      await ok(ADD_IMAGE, { id: product.id, input: { url: "https://img.test/back.jpg" } })
    ).addProductImage;
    expect(withImages.images.map((i: Json) => i.isPrimary)).toEqual([true, false]);

    // Tier prices: set, reject one at the base price, and a base price change below a tier.
    await ok(
      `mutation($id: ID!) { setVariantTierPrice(id: $id, tier: PLATINUM, amount: 3999) { version } }`,
      {
        id: m.id,
      },
    );
    const tooHigh = await fails(
      `mutation($id: ID!) { setVariantTierPrice(id: $id, tier: SILVER, amount: 5499) { id } }`,
      {
        id: l.id,
      },
    );
    expect(tooHigh).toMatchObject({ code: "VALIDATION_FAILED", fields: [{ field: "amount" }] });
    const below = await fails(
      `mutation($id: ID!) { changeVariantPrice(id: $id, price: { amount: 4000, currency: "EUR" }) { id } }`,
      {
        id: m.id,
      },
    );
    expect(below).toMatchObject({ code: "VALIDATION_FAILED", fields: [{ field: "price.amount" }] });
    await ok(
      `mutation($id: ID!) { changeVariantPrice(id: $id, price: { amount: 5199, currency: "EUR" }) { id } }`,
      {
        id: m.id,
      },
    );

    // Lifecycle: activate, discontinue, archive; then edits are rejected.
    expect((await ok(STATUS("activateProduct"), { id: product.id })).activateProduct.status).toBe(
      "ACTIVE",
    );
    const orderable = `query($id: ID!) { productVariant(id: $id) { orderable } }`;
    expect((await ok(orderable, { id: m.id })).productVariant.orderable).toBe(true);
    expect((await fails(STATUS("archiveProduct"), { id: product.id })).code).toBe(
      "INVALID_STATE_TRANSITION",
    );
    expect(
      (await ok(STATUS("discontinueProduct"), { id: product.id })).discontinueProduct.status,
    ).toBe("DISCONTINUED");
    const archived = (await ok(STATUS("archiveProduct"), { id: product.id })).archiveProduct;
    expect(archived.status).toBe("ARCHIVED");
    for (const [query, variables] of [
      [UPDATE, { id: product.id, input: { title: "Renamed" } }],
      [ADD_IMAGE, { id: product.id, input: { url: "https://img.test/late.jpg" } }],
      [
        ADD_VARIANT,
        {
          id: product.id,
          input: { variantSku: `${tag}-XL`, price: { amount: 1, currency: "EUR" } },
        },
      ],
      [
        `mutation($id: ID!) { setVariantTierPrice(id: $id, tier: SILVER, amount: 10) { id } }`,
        { id: l.id },
      ],
      [STATUS("activateProduct"), { id: product.id }],
    ] as const) {
      expect((await fails(query, variables)).code).toBe("INVALID_STATE_TRANSITION");
    }

    // The final state, read back through the gateway.
    const read = await ok(
      `query($id: ID!, $sku: String!, $search: String!) {
        product(id: $id) {
          sku title brand status version slug metaTitle attributes
          category { name depth parent { name parent { name parent { id } } } }
          images { url altText isPrimary position }
          primaryImage { url }
          variants { variantSku attributes weightGrams dimensions { lengthMm widthMm heightMm }
            price { amount currency formatted } tierPrices { tier price { amount currency } }
            gold: priceForTier(tier: GOLD) { amount } standard: priceForTier(tier: STANDARD) { amount } }
        }
        productBySku(sku: $sku) { id }
        products(filter: { search: $search }) { totalCount edges { node { id status } } }
      }`,
      { id: product.id, sku: tag, search: tag.toLowerCase() },
    );
    expect(read.product).toEqual({
      sku: tag,
      title: `Oxford shirt ${tag}`,
      brand: "Acme",
      status: "ARCHIVED",
      // created, 2 images, activated, discontinued, archived
      version: 6,
      slug: tag.toLowerCase(),
      metaTitle: "Oxford shirt",
      attributes: { material: "cotton" },
      category: {
        name: "Oxford",
        depth: 3,
        parent: { name: "Shirts", parent: { name: `Clothing ${tag}`, parent: null } },
      },
      images: [
        { url: "https://img.test/front.jpg", altText: "Front", isPrimary: true, position: 0 },
        { url: "https://img.test/back.jpg", altText: null, isPrimary: false, position: 1 },
      ],
      primaryImage: { url: "https://img.test/front.jpg" },
      variants: [
        {
          variantSku: `${tag}-M`,
          attributes: { size: "M" },
          weightGrams: 300,
          dimensions: { lengthMm: 300, widthMm: 250, heightMm: 30 },
          price: { amount: 5199, currency: "EUR", formatted: "€51.99" },
          tierPrices: [
            { tier: "GOLD", price: { amount: 4499, currency: "EUR" } },
            { tier: "PLATINUM", price: { amount: 3999, currency: "EUR" } },
          ],
          gold: { amount: 4499 },
          standard: { amount: 5199 },
        },
        {
          variantSku: `${tag}-L`,
          attributes: { size: "L" },
          weightGrams: null,
          dimensions: null,
          price: { amount: 5499, currency: "EUR", formatted: "€54.99" },
          tierPrices: [],
          gold: { amount: 5499 },
          standard: { amount: 5499 },
        },
      ],
    });
    expect(read.productBySku).toEqual({ id: product.id });
    expect((await ok(orderable, { id: m.id })).productVariant.orderable).toBe(false);
    expect(read.products).toEqual({
      totalCount: 1,
      edges: [{ node: { id: product.id, status: "ARCHIVED" } }],
    });

    const tree = await ok(
      `query($id: ID!) { category(id: $id) { children { name children { name products { totalCount edges { node { id } } } } } } }`,
      { id: root.id },
    );
    expect(tree.category.children).toEqual([
      {
        name: "Shirts",
        children: [
          { name: "Oxford", products: { totalCount: 1, edges: [{ node: { id: product.id } }] } },
        ],
      },
    ]);
    expect(m.version).toBe(1);
  });
});
