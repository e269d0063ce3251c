import { assertUuid } from "@shopstream/service";
import type { OrderingContext } from "../context.ts";

export const Query = {
  order: (_: unknown, { id }: { id: string }, ctx: OrderingContext) =>
    ctx.loaders.order.load(assertUuid(id)),
};
