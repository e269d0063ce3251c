import type { AggregateStore, NewAggregateStore } from "@shopstream/commands";
import type { OrderingDb } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Cart } from "./cart.ts";

type Tx = Prisma.TransactionClient;

const withLines = { lines: { orderBy: { position: "asc" } } } as const;
type CartRow = Prisma.CartGetPayload<{ include: typeof withLines }>;

function toDomain(row: CartRow): Cart {
  return {
    id: row.id,
    customerId: row.customerId,
    status: row.status,
    lines: row.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
    couponCode: row.couponCode,
    lastActivityAt: row.lastActivityAt.toISOString(),
    orderId: row.orderId,
    checkoutIdempotencyKey: row.checkoutIdempotencyKey,
    mergedIntoCartId: row.mergedIntoCartId,
    guestTokenHash: row.guestTokenHash,
    version: row.version,
  };
}

async function findCartBy(db: OrderingDb, where: Prisma.CartWhereUniqueInput) {
  const row = await db.cart.findUnique({ where, include: withLines });
  return row ? toDomain(row) : null;
}

const findCart = (db: OrderingDb, id: string) => findCartBy(db, { id });

/** The cart a checkout with this idempotency key converted, if any. */
export const findCartByCheckoutKey = (db: OrderingDb, key: string) =>
  findCartBy(db, { checkoutIdempotencyKey: key });

const columns = (cart: Cart) => ({
  customerId: cart.customerId,
  status: cart.status,
  couponCode: cart.couponCode,
  lastActivityAt: new Date(cart.lastActivityAt),
  orderId: cart.orderId,
  checkoutIdempotencyKey: cart.checkoutIdempotencyKey,
  mergedIntoCartId: cart.mergedIntoCartId,
  guestTokenHash: cart.guestTokenHash,
  version: cart.version,
});

const lineRows = (cart: Cart) =>
  cart.lines.map((l, position) => ({
    cartId: cart.id,
    variantId: l.variantId,
    quantity: l.quantity,
    position,
  }));

async function insertCart(tx: Tx, cart: Cart, now: Date): Promise<void> {
  await tx.cart.create({ data: { id: cart.id, ...columns(cart), createdAt: now, updatedAt: now } });
  if (cart.lines.length > 0) await tx.cartLine.createMany({ data: lineRows(cart) });
}

/**
 * Saves `after` guarded by the version `before` was loaded at; false when the cart changed since
 * (the command reports CONFLICT). A checkout's key is unique across carts, so saving it may fail
 * with a unique violation instead.
 */
async function saveCart(tx: Tx, before: Cart, after: Cart, now: Date): Promise<boolean> {
  const updated = await tx.cart.updateMany({
    where: { id: before.id, version: before.version },
    data: { ...columns(after), updatedAt: now },
  });
  if (updated.count === 0) return false;
  if (JSON.stringify(before.lines) !== JSON.stringify(after.lines)) {
    await tx.cartLine.deleteMany({ where: { cartId: after.id } });
    if (after.lines.length > 0) await tx.cartLine.createMany({ data: lineRows(after) });
  }
  return true;
}

/** The one way an existing cart is changed (`changeAggregate` with this store). */
export const cartStore: AggregateStore<Cart, Tx> = {
  entity: "Cart",
  load: findCart,
  save: saveCart,
};

/** How a new cart is written (`createAggregate` with this store). */
export const newCartStore: NewAggregateStore<Cart, Tx> = { entity: "Cart", insert: insertCart };
