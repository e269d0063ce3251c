import type { InventoryContext } from "../context.ts";

export const ProductVariant = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  /** Batched: a page of variants costs one query (see findAvailability). */
  availability: (v: { id: string }, _: unknown, ctx: InventoryContext) =>
    ctx.loaders.availability.load(v.id),
};
