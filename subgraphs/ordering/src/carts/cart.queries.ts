import { byIdLoader } from "@shopstream/service";
import type { OrderingDb } from "../db.ts";

/** Per-request loaders for carts: by id, and each cart's lines in position order. */
export function cartLoaders(db: OrderingDb) {
  return {
    cart: byIdLoader((ids) => db.cart.findMany({ where: { id: { in: ids } } })),
    linesByCart: byIdLoader(
      (ids) =>
        db.cartLine.findMany({ where: { cartId: { in: ids } }, orderBy: { position: "asc" } }),
      { many: (l) => l.cartId },
    ),
  };
}
