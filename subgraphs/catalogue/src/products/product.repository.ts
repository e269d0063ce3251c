import type { AggregateStore, NewAggregateStore } from "@shopstream/commands";
import { isUuid } from "@shopstream/rules";
import type { CatalogueTx } from "../context.ts";
import type { CatalogueDb } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { timestamps, updateIfUnchanged } from "../shared/rows.ts";
import type { Attributes, Product, ProductImage, ProductRecord } from "./product.ts";

type ProductRow = Prisma.ProductGetPayload<object>;
type ImageRow = Prisma.ProductImageGetPayload<object>;

export function toProductRecord(row: ProductRow): ProductRecord {
  return { ...row, attributes: (row.attributes ?? {}) as Attributes, ...timestamps(row) };
}

export function toProductImage({ productId: _, ...row }: ImageRow): ProductImage {
  return { ...row, createdAt: row.createdAt.toISOString() };
}

/** The whole aggregate (product and images), optionally locking the product row for update. */
async function loadProduct(
  db: CatalogueDb,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<Product | null> {
  if (opts.lock) await db.$executeRaw`SELECT 1 FROM product WHERE id = ${id}::uuid FOR UPDATE`;
  const row = await db.product.findUnique({
    where: { id },
    include: { images: { orderBy: { position: "asc" } } },
  });
  if (!row) return null;
  const { images, ...product } = row;
  return { ...toProductRecord(product), images: images.map(toProductImage) };
}

function columns(p: Product) {
  return {
    sku: p.sku,
    title: p.title,
    description: p.description,
    brand: p.brand,
    attributes: p.attributes as Prisma.InputJsonObject,
    categoryId: p.categoryId,
    visibility: p.visibility,
    status: p.status,
    metaTitle: p.metaTitle,
    metaDescription: p.metaDescription,
    slug: p.slug,
    version: p.version,
    updatedAt: new Date(p.updatedAt),
  };
}

async function insertProduct(tx: CatalogueTx, p: Product): Promise<void> {
  await tx.product.create({ data: { id: p.id, ...columns(p), createdAt: new Date(p.createdAt) } });
}

/**
 * Saves a changed product unless it changed since `before` was loaded (then false), then brings
 * its images in line. The version check comes first, so a losing writer touches no image. Image
 * writes are ordered so that at most one primary exists at any moment.
 */
async function saveProduct(tx: CatalogueTx, before: Product, after: Product): Promise<boolean> {
  const saved = await updateIfUnchanged(
    (args) => tx.product.updateMany(args),
    before,
    columns(after),
  );
  if (!saved) return false;

  const afterById = new Map(after.images.map((i) => [i.id, i]));
  const beforeById = new Map(before.images.map((i) => [i.id, i]));
  const removed = before.images.filter((i) => !afterById.has(i.id)).map((i) => i.id);
  if (removed.length > 0) await tx.productImage.deleteMany({ where: { id: { in: removed } } });
  const changed = after.images.filter((i) => {
    const old = beforeById.get(i.id);
    return old && (old.isPrimary !== i.isPrimary || old.position !== i.position);
  });
  // Demotions before promotions: the partial unique index allows one primary per product.
  changed.sort((a, b) => Number(a.isPrimary) - Number(b.isPrimary));
  for (const image of changed) {
    await tx.productImage.update({
      where: { id: image.id },
      data: { isPrimary: image.isPrimary, position: image.position },
    });
  }
  const added = after.images.filter((i) => !beforeById.has(i.id));
  if (added.length > 0) {
    await tx.productImage.createMany({
      data: added.map((i) => ({
        id: i.id,
        productId: after.id,
        url: i.url,
        altText: i.altText,
        isPrimary: i.isPrimary,
        position: i.position,
        createdAt: new Date(i.createdAt),
      })),
    });
  }
  return true;
}

/** The Product aggregate (the product with its images), created and changed by commands. */
export const productStore: AggregateStore<Product, CatalogueTx> &
  NewAggregateStore<Product, CatalogueTx> = {
  entity: "Product",
  load: loadProduct,
  save: saveProduct,
  insert: insertProduct,
};

/**
 * The same store, but `load` locks the product row for update first: for decisions that read the
 * product's variants (another aggregate). Adding a variant share-locks the row, so such a decision
 * cannot miss a variant added concurrently.
 */
export const lockedProductStore: AggregateStore<Product, CatalogueTx> = {
  ...productStore,
  load: (tx, id) => loadProduct(tx, id, { lock: true }),
};

/** The product's variant ids, oldest first. */
export async function variantIdsOf(db: CatalogueDb, productId: string): Promise<string[]> {
  const rows = await db.productVariant.findMany({
    where: { productId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

export async function findCategoryLookup(db: CatalogueDb, id: string | null | undefined) {
  if (!id) return undefined;
  if (!isUuid(id)) return null;
  return db.category.findUnique({ where: { id }, select: { id: true, active: true } });
}
