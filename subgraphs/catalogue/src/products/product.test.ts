import { codeOf, domainError, fieldsOf } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import {
  type CreateProductCommand,
  createProduct,
  PRODUCT_STATUSES,
  type Product,
  type ProductStatus,
  updateProductDetails,
} from "./product.ts";
import { addProductImage, MAX_IMAGES, removeProductImage } from "./product-images.ts";
import { changeProductStatus, type ProductTransition } from "./product-status.ts";

const now = new Date("2026-11-24T12:00:00.000Z");
/** The fields a decision's VALIDATION_FAILED names, in order. */
const invalidFields = (fn: () => unknown) => fieldsOf(domainError(fn, "VALIDATION_FAILED"));
const productId = "01900000-0000-7000-8000-000000000001";
const categoryId = "01900000-0000-7000-8000-0000000000c1";
const activeCategory = { id: categoryId, active: true };

const draft = (): Product =>
  createProduct({ sku: "SHIRT-1", title: "Shirt" }, { productId }, undefined, now).state;
const withStatus = (status: ProductStatus): Product => ({ ...draft(), status });
const imageId = (n: number) => `01900000-0000-7000-8000-0000000001${String(n).padStart(2, "0")}`;

function withImages(count: number): Product {
  let product = draft();
  for (let i = 0; i < count; i++)
    product = addProductImage(product, { url: `https://img.test/${i}.png` }, imageId(i), now).state;
  return product;
}

describe("createProduct", () => {
  it("creates a DRAFT product at version 1 with a ProductCreated event", () => {
    const { state, events } = createProduct(
      { sku: " SHIRT-1 ", title: " Shirt ", brand: "Acme", categoryId, slug: "red-shirt" },
      { productId },
      activeCategory,
      now,
    );
    expect(state).toMatchObject({
      sku: "SHIRT-1",
      title: "Shirt",
      status: "DRAFT",
      visibility: "PUBLIC",
      attributes: {},
      version: 1,
      images: [],
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: "ProductCreated",
        aggregateType: "Product",
        aggregateId: productId,
        aggregateVersion: 1,
        payload: expect.objectContaining({
          productId,
          sku: "SHIRT-1",
          title: "Shirt",
          status: "DRAFT",
        }),
      }),
    ]);
  });

  it.each<[string, Partial<CreateProductCommand>, CategoryArg, string[]]>([
    ["bad SKU", { sku: "-x" }, undefined, ["sku"]],
    ["missing title", { title: "  " }, undefined, ["title"]],
    ["long title", { title: "t".repeat(256) }, undefined, ["title"]],
    ["long brand", { brand: "b".repeat(101) }, undefined, ["brand"]],
    ["array attributes", { attributes: [1] as never }, undefined, ["attributes"]],
    ["unknown category", { categoryId }, null, ["categoryId"]],
    ["inactive category", { categoryId }, { id: categoryId, active: false }, ["categoryId"]],
    ["bad visibility", { visibility: "SECRET" as never }, undefined, ["visibility"]],
    ["long metaTitle", { metaTitle: "m".repeat(71) }, undefined, ["metaTitle"]],
    ["long metaDescription", { metaDescription: "m".repeat(161) }, undefined, ["metaDescription"]],
    ["uppercase slug", { slug: "Red-Shirt" }, undefined, ["slug"]],
    ["double-hyphen slug", { slug: "red--shirt" }, undefined, ["slug"]],
    ["long slug", { slug: "a".repeat(201) }, undefined, ["slug"]],
    ["several at once", { sku: "a", title: "", slug: "X" }, undefined, ["sku", "title", "slug"]],
  ])("rejects %s", (_, change, category, fields) => {
    const command = { sku: "SHIRT-1", title: "Shirt", ...change };
    expect(invalidFields(() => createProduct(command, { productId }, category, now))).toEqual(
      fields,
    );
  });
});

type CategoryArg = { id: string; active: boolean } | null | undefined;

describe("updateProductDetails", () => {
  it("records only the fields that change, with previous and new values", () => {
    const { state, events } = updateProductDetails(
      draft(),
      { title: "Shirt", brand: "Acme", attributes: { size: "M" }, metaTitle: null },
      undefined,
      now,
    );
    expect(state).toMatchObject({ brand: "Acme", attributes: { size: "M" }, version: 2 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "ProductDetailsUpdated",
      aggregateVersion: 2,
      payload: {
        productId,
        changes: {
          brand: { previous: null, value: "Acme" },
          attributes: { previous: {}, value: { size: "M" } },
        },
      },
    });
  });

  it("changes nothing (no event, same version) when no value differs", () => {
    const product = draft();
    const { state, events } = updateProductDetails(product, { title: "Shirt" }, undefined, now);
    expect(events).toEqual([]);
    expect(state).toBe(product);
  });

  it("rejects clearing the title and visibility", () => {
    expect(
      invalidFields(() =>
        updateProductDetails(draft(), { title: null, visibility: null }, undefined, now),
      ),
    ).toEqual(["title", "visibility"]);
  });

  it.each(PRODUCT_STATUSES.filter((s) => s !== "ARCHIVED"))("allows edits while %s", (status) => {
    expect(
      updateProductDetails(withStatus(status), { brand: "X" }, undefined, now).events,
    ).toHaveLength(1);
  });

  it("rejects edits of an ARCHIVED product with INVALID_STATE_TRANSITION", () => {
    expect(
      codeOf(() => updateProductDetails(withStatus("ARCHIVED"), { brand: "X" }, undefined, now)),
    ).toBe("INVALID_STATE_TRANSITION");
  });
});

describe("product status transitions", () => {
  const variants = ["01900000-0000-7000-8000-0000000000a1"];
  const cases: [ProductStatus, ProductTransition, ProductStatus | null][] = [
    ["DRAFT", "activate", "ACTIVE"],
    ["DRAFT", "discontinue", null],
    ["DRAFT", "archive", null],
    ["ACTIVE", "activate", null],
    ["ACTIVE", "discontinue", "DISCONTINUED"],
    ["ACTIVE", "archive", null],
    ["DISCONTINUED", "activate", null],
    ["DISCONTINUED", "discontinue", null],
    ["DISCONTINUED", "archive", "ARCHIVED"],
    ["ARCHIVED", "activate", null],
    ["ARCHIVED", "discontinue", null],
    ["ARCHIVED", "archive", null],
  ];
  const eventOf = {
    activate: "ProductActivated",
    discontinue: "ProductDiscontinued",
    archive: "ProductArchived",
  };

  it.each(cases.filter(([, , to]) => to !== null))("%s --%s--> %s", (from, action, to) => {
    const { state, events } = changeProductStatus(withStatus(from), action, variants, now);
    expect(state).toMatchObject({ status: to, version: 2 });
    expect(events).toEqual([
      expect.objectContaining({
        type: eventOf[action],
        aggregateVersion: 2,
        payload: { productId, previousStatus: from, status: to, variantIds: variants },
      }),
    ]);
  });

  it.each(cases.filter(([, , to]) => to === null))(
    "%s --%s--> INVALID_STATE_TRANSITION",
    (from, action) => {
      const error = domainError(() => changeProductStatus(withStatus(from), action, variants, now));
      expect(error.code).toBe("INVALID_STATE_TRANSITION");
      expect(error.extensions).toMatchObject({ from, action });
    },
  );

  it("refuses to activate a product without variants", () => {
    const error = domainError(() => changeProductStatus(draft(), "activate", [], now));
    expect(error.code).toBe("INVALID_STATE_TRANSITION");
    expect(error.message).toMatch(/no variants/);
  });
});

describe("product images", () => {
  it("makes the first image primary and appends the rest", () => {
    const product = withImages(3);
    expect(product.images.map((i) => [i.position, i.isPrimary])).toEqual([
      [0, true],
      [1, false],
      [2, false],
    ]);
    expect(product.version).toBe(4);
  });

  it("moves the primary to a new image added with isPrimary", () => {
    const { state, events } = addProductImage(
      withImages(2),
      { url: "https://img.test/new.png", isPrimary: true },
      imageId(9),
      now,
    );
    expect(state.images.filter((i) => i.isPrimary).map((i) => i.id)).toEqual([imageId(9)]);
    expect(events[0]?.payload).toMatchObject({
      imageId: imageId(9),
      isPrimary: true,
      previousPrimaryImageId: imageId(0),
      primaryImageId: imageId(9),
      imageCount: 3,
    });
  });

  it(`accepts the ${MAX_IMAGES}th image and rejects the ${MAX_IMAGES + 1}th`, () => {
    expect(withImages(MAX_IMAGES).images).toHaveLength(MAX_IMAGES);
    expect(
      invalidFields(() =>
        addProductImage(
          withImages(MAX_IMAGES),
          { url: "https://img.test/x.png" },
          imageId(99),
          now,
        ),
      ),
    ).toEqual(["images"]);
  });

  it.each([
    ["", ["url"]],
    ["not a url", ["url"]],
    ["ftp://img.test/a.png", ["url"]],
    [`https://img.test/${"a".repeat(2048)}`, ["url"]],
  ])("rejects url %j", (url, fields) => {
    expect(invalidFields(() => addProductImage(draft(), { url }, imageId(1), now))).toEqual(fields);
  });

  it("rejects alt text over 255 characters", () => {
    expect(
      invalidFields(() =>
        addProductImage(
          draft(),
          { url: "https://img.test/a.png", altText: "a".repeat(256) },
          imageId(1),
          now,
        ),
      ),
    ).toEqual(["altText"]);
  });

  it("removing the primary promotes the first remaining image and renumbers", () => {
    const { state, events } = removeProductImage(withImages(3), imageId(0), now);
    expect(state.images.map((i) => [i.id, i.position, i.isPrimary])).toEqual([
      [imageId(1), 0, true],
      [imageId(2), 1, false],
    ]);
    expect(events[0]).toMatchObject({
      type: "ProductImageRemoved",
      aggregateVersion: 5,
      payload: {
        imageId: imageId(0),
        wasPrimary: true,
        promotedImageId: imageId(1),
        imageCount: 2,
      },
    });
  });

  it("removing another image keeps the primary", () => {
    const { state, events } = removeProductImage(withImages(3), imageId(1), now);
    expect(state.images.filter((i) => i.isPrimary).map((i) => i.id)).toEqual([imageId(0)]);
    expect(events[0]?.payload).toMatchObject({ promotedImageId: null, primaryImageId: imageId(0) });
  });

  it("removing the last image leaves none and no primary", () => {
    const { state } = removeProductImage(withImages(1), imageId(0), now);
    expect(state.images).toEqual([]);
  });

  it("answers NOT_FOUND for an unknown image", () => {
    expect(codeOf(() => removeProductImage(withImages(1), imageId(7), now))).toBe("NOT_FOUND");
  });

  it.each([
    ["add", (p: Product) => addProductImage(p, { url: "https://img.test/a.png" }, imageId(5), now)],
    ["remove", (p: Product) => removeProductImage(p, imageId(0), now)],
  ])("rejects %s on an ARCHIVED product", (_, act) => {
    expect(codeOf(() => act({ ...withImages(1), status: "ARCHIVED" }))).toBe(
      "INVALID_STATE_TRANSITION",
    );
  });
});
