import type { CatalogueContext } from "../context.ts";

export const Category = {
  __resolveReference: (ref: { id: string }, ctx: CatalogueContext) =>
    ctx.loaders.category.load(ref.id),
  parent: (c: { parentId: string | null }, _: unknown, ctx: CatalogueContext) =>
    c.parentId ? ctx.loaders.category.load(c.parentId) : null,
};
