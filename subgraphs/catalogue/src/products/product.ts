import type { Decision } from "@shopstream/commands";
import { DomainError, type FieldError } from "@shopstream/errors";
import {
  attributesProblem,
  cleanText,
  collect,
  optionalText,
  requiredText,
  throwIfAny,
} from "@shopstream/rules";
import {
  type CatalogueEvent,
  type Changes,
  decisionsOf,
  nextVersion,
  sameJson,
  unchanged,
} from "../shared/decision.ts";
import { skuProblem, slugProblem } from "../shared/rules.ts";

/** Pure domain for the Product aggregate (the product and its images): state and decisions. */

export const PRODUCT_STATUSES = ["DRAFT", "ACTIVE", "DISCONTINUED", "ARCHIVED"] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];
export const PRODUCT_VISIBILITIES = ["PUBLIC", "UNLISTED", "TIER_RESTRICTED"] as const;
export type ProductVisibility = (typeof PRODUCT_VISIBILITIES)[number];

export type Attributes = Record<string, unknown>;

export interface ProductImage {
  id: string;
  url: string;
  altText: string | null;
  isPrimary: boolean;
  /** 0-based, contiguous: the order images are shown in. */
  position: number;
  createdAt: string;
}

export interface Product {
  id: string;
  sku: string;
  title: string;
  description: string | null;
  brand: string | null;
  attributes: Attributes;
  categoryId: string | null;
  visibility: ProductVisibility;
  status: ProductStatus;
  metaTitle: string | null;
  metaDescription: string | null;
  slug: string | null;
  images: ProductImage[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A product as read for display: images are loaded separately (batched) when asked for. */
export type ProductRecord = Omit<Product, "images">;

/** The editable details, as given by a caller: undefined leaves a field alone, null clears it. */
export interface ProductDetailsInput {
  title?: string | null;
  description?: string | null;
  brand?: string | null;
  attributes?: Attributes | null;
  categoryId?: string | null;
  visibility?: ProductVisibility | null;
  metaTitle?: string | null;
  metaDescription?: string | null;
  slug?: string | null;
}

export interface CreateProductCommand extends ProductDetailsInput {
  sku: string;
  title: string;
}

/** What the command found for a given `categoryId`: the domain decides whether it may be used. */
export type CategoryLookup = { id: string; active: boolean } | null;

export type ProductEvent = CatalogueEvent;
export type ProductDecision = Decision<Product, ProductEvent>;

export const DESCRIPTION_MAX = 10_000;

function categoryProblem(categoryId: string, category: CategoryLookup | undefined): string | null {
  if (!category || category.id !== categoryId) return "does not exist";
  if (!category.active) return "is deactivated";
  return null;
}

/** Checks each detail that is present; `title` and `visibility` cannot be cleared. */
export function detailProblems(
  input: ProductDetailsInput,
  category: CategoryLookup | undefined,
): FieldError[] {
  const has = (k: keyof ProductDetailsInput) => input[k] !== undefined;
  const slug = cleanText(input.slug);
  return collect([
    ["title", has("title") ? requiredText(input.title, 255) : null],
    ["description", optionalText(input.description, DESCRIPTION_MAX)],
    ["brand", optionalText(input.brand, 100)],
    ["attributes", attributesProblem(input.attributes)],
    ["categoryId", input.categoryId == null ? null : categoryProblem(input.categoryId, category)],
    [
      "visibility",
      has("visibility") && !PRODUCT_VISIBILITIES.includes(input.visibility as ProductVisibility)
        ? "must be PUBLIC, UNLISTED or TIER_RESTRICTED"
        : null,
    ],
    ["metaTitle", optionalText(input.metaTitle, 70)],
    ["metaDescription", optionalText(input.metaDescription, 160)],
    ["slug", slug === null ? null : slugProblem(slug)],
  ]);
}

/** The normalized value each present detail would take. */
function normalizedDetails(input: ProductDetailsInput): Partial<ProductRecord> {
  const out: Partial<ProductRecord> = {};
  if (input.title !== undefined) out.title = (input.title ?? "").trim();
  if (input.description !== undefined) out.description = cleanText(input.description);
  if (input.brand !== undefined) out.brand = cleanText(input.brand);
  if (input.attributes !== undefined) out.attributes = input.attributes ?? {};
  if (input.categoryId !== undefined) out.categoryId = input.categoryId;
  if (input.visibility !== undefined && input.visibility !== null)
    out.visibility = input.visibility;
  if (input.metaTitle !== undefined) out.metaTitle = cleanText(input.metaTitle);
  if (input.metaDescription !== undefined) out.metaDescription = cleanText(input.metaDescription);
  if (input.slug !== undefined) out.slug = cleanText(input.slug);
  return out;
}

/** ARCHIVED products are read-only (docs/catalogue.md, "Product status"). */
export function assertEditable(product: { status: ProductStatus }, action: string): void {
  if (product.status === "ARCHIVED")
    throw DomainError.invalidTransition("product", "ARCHIVED", action);
}

export const productDecision = decisionsOf("Product");

/** Decides a new product: validated field by field, status DRAFT, version 1. */
export function createProduct(
  command: CreateProductCommand,
  ids: { productId: string },
  category: CategoryLookup | undefined,
  now: Date,
): ProductDecision {
  const sku = command.sku?.trim() ?? "";
  throwIfAny([
    ...collect([["sku", skuProblem(sku)]]),
    ...detailProblems({ ...command, title: command.title ?? null }, category),
  ]);
  const at = now.toISOString();
  const product: Product = {
    id: ids.productId,
    sku,
    title: "",
    description: null,
    brand: null,
    attributes: {},
    categoryId: null,
    visibility: "PUBLIC",
    status: "DRAFT",
    metaTitle: null,
    metaDescription: null,
    slug: null,
    ...normalizedDetails(command),
    images: [],
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  return productDecision(product, "ProductCreated", {
    productId: product.id,
    sku: product.sku,
    title: product.title,
    status: product.status,
    brand: product.brand,
    categoryId: product.categoryId,
    visibility: product.visibility,
    slug: product.slug,
    createdAt: product.createdAt,
  });
}

/**
 * Decides a details update. Only fields whose value changes are recorded; when nothing changes
 * the product is returned as it is, with no event and no new version.
 */
export function updateProductDetails(
  product: Product,
  input: ProductDetailsInput,
  category: CategoryLookup | undefined,
  now: Date,
): ProductDecision {
  assertEditable(product, "edit");
  throwIfAny(detailProblems(input, category));
  const changes: Changes = {};
  for (const [field, value] of Object.entries(normalizedDetails(input))) {
    const previous = product[field as keyof ProductRecord];
    if (!sameJson(previous, value)) changes[field] = { previous, value };
  }
  if (Object.keys(changes).length === 0) return unchanged(product);
  const values = Object.fromEntries(Object.entries(changes).map(([f, c]) => [f, c.value]));
  const state = nextVersion(product, values, now);
  return productDecision(state, "ProductDetailsUpdated", { productId: product.id, changes });
}
