import type { OrderingDb } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Cart } from "./cart.ts";

const withLines = { lines: { orderBy: { position: "asc" } } } as const;
type CartRow = Prisma.CartGetPayload<{ include: typeof withLines }>;

export interface StoredCart extends Cart {
  checkoutIdempotencyKey: string | null;
}

function toDomain(row: CartRow): StoredCart {
  return {
    id: row.id,
    customerId: row.customerId,
    status: row.status,
    lines: row.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
    couponCode: row.couponCode,
    lastActivityAt: row.lastActivityAt.toISOString(),
    orderId: row.orderId,
    mergedIntoCartId: row.mergedIntoCartId,
    checkoutIdempotencyKey: row.checkoutIdempotencyKey,
    version: row.version,
  };
}

export async function findCart(db: OrderingDb, id: string): Promise<StoredCart | null> {
  const row = await db.cart.findUnique({ where: { id }, include: withLines });
  return row ? toDomain(row) : null;
}

export async function findCartByCheckoutKey(
  db: OrderingDb,
  key: string,
): Promise<StoredCart | null> {
  const row = await db.cart.findUnique({
    where: { checkoutIdempotencyKey: key },
    include: withLines,
  });
  return row ? toDomain(row) : null;
}

const columns = (cart: Cart) => ({
  customerId: cart.customerId,
  status: cart.status,
  couponCode: cart.couponCode,
  lastActivityAt: new Date(cart.lastActivityAt),
  orderId: cart.orderId,
  mergedIntoCartId: cart.mergedIntoCartId,
  version: cart.version,
});

const lineRows = (cart: Cart) =>
  cart.lines.map((l, position) => ({
    cartId: cart.id,
    variantId: l.variantId,
    quantity: l.quantity,
    position,
  }));

export async function insertCart(tx: Prisma.TransactionClient, cart: Cart, now: Date) {
  await tx.cart.create({ data: { id: cart.id, ...columns(cart), createdAt: now, updatedAt: now } });
  if (cart.lines.length > 0) await tx.cartLine.createMany({ data: lineRows(cart) });
}

/** Version-guarded save; false when the cart changed since `before` was loaded (CONFLICT). */
export async function saveCart(
  tx: Prisma.TransactionClient,
  before: Cart,
  after: Cart,
  now: Date,
  extra: { checkoutIdempotencyKey?: string } = {},
): Promise<boolean> {
  const updated = await tx.cart.updateMany({
    where: { id: before.id, version: before.version },
    data: { ...columns(after), ...extra, updatedAt: now },
  });
  if (updated.count === 0) return false;
  if (JSON.stringify(before.lines) !== JSON.stringify(after.lines)) {
    await tx.cartLine.deleteMany({ where: { cartId: after.id } });
    if (after.lines.length > 0) await tx.cartLine.createMany({ data: lineRows(after) });
  }
  return true;
}
