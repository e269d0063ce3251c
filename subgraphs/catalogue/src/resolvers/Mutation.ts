import type { Money } from "@shopstream/money";
import type { CreateCategoryCommand, UpdateCategoryCommand } from "../categories/category.ts";
import {
  createCategory,
  deactivateCategory,
  reorderCategory,
  updateCategory,
} from "../categories/category-commands.ts";
import { type CatalogueContext as Ctx, metadataOf } from "../context.ts";
import {
  activateProduct,
  archiveProduct,
  discontinueProduct,
} from "../products/change-product-status.ts";
import { createProduct } from "../products/create-product.ts";
import type { CreateProductCommand, ProductDetailsInput } from "../products/product.ts";
import { addProductImage, removeProductImage } from "../products/product-image-commands.ts";
import type { AddProductImageCommand } from "../products/product-images.ts";
import { updateProductDetails } from "../products/update-product-details.ts";
import type { AddProductVariantCommand, PriceTier } from "../variants/product-variant.ts";
import {
  addProductVariant,
  changeVariantPrice,
  setVariantTierPrice,
} from "../variants/variant-commands.ts";

type Id = { id: string };

export const Mutation = {
  createProduct: (_: unknown, a: { input: CreateProductCommand }, ctx: Ctx) =>
    createProduct(ctx.deps, a.input, metadataOf(ctx)),
  updateProductDetails: (_: unknown, a: Id & { input: ProductDetailsInput }, ctx: Ctx) =>
    updateProductDetails(ctx.deps, a.id, a.input, metadataOf(ctx)),
  addProductVariant: (
    _: unknown,
    a: { productId: string; input: AddProductVariantCommand },
    ctx: Ctx,
  ) => addProductVariant(ctx.deps, a.productId, a.input, metadataOf(ctx)),
  changeVariantPrice: (_: unknown, a: Id & { price: Money }, ctx: Ctx) =>
    changeVariantPrice(ctx.deps, a.id, a.price, metadataOf(ctx)),
  setVariantTierPrice: (
    _: unknown,
    a: Id & { tier: PriceTier; amount?: number | null },
    ctx: Ctx,
  ) => setVariantTierPrice(ctx.deps, a.id, a.tier, a.amount ?? null, metadataOf(ctx)),
  addProductImage: (
    _: unknown,
    a: { productId: string; input: AddProductImageCommand },
    ctx: Ctx,
  ) => addProductImage(ctx.deps, a.productId, a.input, metadataOf(ctx)),
  removeProductImage: (_: unknown, a: { productId: string; imageId: string }, ctx: Ctx) =>
    removeProductImage(ctx.deps, a.productId, a.imageId, metadataOf(ctx)),
  activateProduct: (_: unknown, a: Id, ctx: Ctx) =>
    activateProduct(ctx.deps, a.id, metadataOf(ctx)),
  discontinueProduct: (_: unknown, a: Id, ctx: Ctx) =>
    discontinueProduct(ctx.deps, a.id, metadataOf(ctx)),
  archiveProduct: (_: unknown, a: Id, ctx: Ctx) => archiveProduct(ctx.deps, a.id, metadataOf(ctx)),
  createCategory: (_: unknown, a: { input: CreateCategoryCommand }, ctx: Ctx) =>
    createCategory(ctx.deps, a.input, metadataOf(ctx)),
  updateCategory: (_: unknown, a: Id & { input: UpdateCategoryCommand }, ctx: Ctx) =>
    updateCategory(ctx.deps, a.id, a.input, metadataOf(ctx)),
  reorderCategory: (_: unknown, a: Id & { displayOrder: number }, ctx: Ctx) =>
    reorderCategory(ctx.deps, a.id, a.displayOrder, metadataOf(ctx)),
  deactivateCategory: (_: unknown, a: Id, ctx: Ctx) =>
    deactivateCategory(ctx.deps, a.id, metadataOf(ctx)),
};
