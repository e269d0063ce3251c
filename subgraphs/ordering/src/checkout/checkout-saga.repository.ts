import type { DomainEvent } from "@shopstream/outbox";
import type { OrderingDb } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Order } from "../orders/order.ts";
import { type CheckoutState, checkoutState, isCheckoutStep } from "./checkout-state.ts";

/**
 * Stores the checkout saga's state (`checkout_saga`) after a change of the order whose events
 * include a saga step, in the same transaction, recomputed from the order's whole history (which
 * already holds the new events): so the row always agrees with the order, whichever path — a
 * saga reaction or a mutation such as cancelOrder — moved it.
 */
export async function saveCheckoutSaga(
  tx: Prisma.TransactionClient,
  order: Order,
  events: DomainEvent[],
  now: Date,
): Promise<void> {
  if (!events.some((e) => e.aggregateType === "Order" && isCheckoutStep(e.type))) return;
  const history = await tx.orderEvent.findMany({
    where: { orderId: order.id },
    orderBy: { version: "asc" },
    select: { type: true, occurredAt: true, payload: true },
  });
  const state = checkoutState(
    order.status,
    history.map((e) => ({
      type: e.type,
      occurredAt: e.occurredAt.toISOString(),
      payload: e.payload as Record<string, unknown>,
    })),
  );
  const data = {
    status: state.status,
    steps: state.steps as unknown as Prisma.InputJsonValue,
    updatedAt: now,
  };
  await tx.checkoutSaga.upsert({
    where: { orderId: order.id },
    create: { orderId: order.id, ...data },
    update: data,
  });
}

/** The stored saga state of an order, or null when none was stored (derive it instead). */
export function toCheckoutState(
  row: { status: string; steps: unknown } | null | undefined,
): CheckoutState | null {
  return row
    ? { status: row.status as CheckoutState["status"], steps: row.steps as CheckoutState["steps"] }
    : null;
}

export const findCheckoutSaga = (db: OrderingDb, orderId: string) =>
  db.checkoutSaga.findUnique({ where: { orderId } });
