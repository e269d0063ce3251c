import { uniqueViolationFields } from "@shopstream/db";
import { DomainError } from "@shopstream/errors";
import { appendToOutbox, type EventMetadata, newId, toEnvelope } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import { appendOrderHistory, findOrder, insertOrder } from "../orders/order.repository.ts";
import type { Order } from "../orders/order.ts";
import type { CommandDeps } from "../orders/order-commands.deps.ts";
import { decidePlacement, knownCustomer } from "../orders/place-order.ts";
import { findCart, findCartByCheckoutKey, saveCart } from "./cart.repository.ts";
import { checkoutCart as decideCheckout } from "./cart.ts";

/**
 * Checks out an ACTIVE customer cart: the cart becomes CONVERTED and an order is placed in
 * CREATED with prices from the price view (the customer's tier), in one transaction. The
 * idempotency key is unique across checkouts (`cart.checkout_idempotency_key`): a repeat for the
 * same cart returns the order it placed; the key with another cart is DUPLICATE. Concurrent
 * checkouts of one cart race on the cart's version: one wins, the others see the repeat.
 */
export async function checkoutCart(
  deps: CommandDeps,
  cartId: string,
  idempotencyKey: string,
  metadata: EventMetadata,
): Promise<Order> {
  assertUuid(cartId, "cartId");
  const repeat = async (): Promise<Order | null> => {
    const used = await findCartByCheckoutKey(deps.prisma, idempotencyKey);
    if (!used) return null;
    if (used.id !== cartId) {
      throw DomainError.duplicate(
        "checkout",
        "idempotencyKey",
        "This idempotency key was already used to check out another cart",
      );
    }
    return used.orderId ? findOrder(deps.prisma, used.orderId) : null;
  };
  const first = await repeat();
  if (first) return first;

  const now = deps.now?.() ?? new Date();
  try {
    return await deps.prisma.$transaction(async (tx) => {
      const cart = await findCart(tx, cartId);
      if (!cart) throw DomainError.notFound("Cart", cartId);
      const customer = cart.customerId ? await knownCustomer(tx, cart.customerId) : null;
      const orderId = newId();
      const checkout = decideCheckout(
        cart,
        {
          orderId,
          customer: customer
            ? { id: customer.customerId, status: customer.status }
            : { id: "", status: "ACTIVE" },
          idempotencyKey,
        },
        now,
      );
      const { decision } = await decidePlacement(
        tx,
        // checkoutCart above rejects guest carts, so the customer is known here.
        customer!,
        {
          orderId,
          lines: checkout.placement.lines.map((l) => ({ lineId: newId(), ...l })),
          couponCode: checkout.placement.couponCode,
        },
        null,
      );
      if (
        !(await saveCart(tx, cart, checkout.state, now, { checkoutIdempotencyKey: idempotencyKey }))
      ) {
        throw DomainError.conflict("Cart", cartId);
      }
      await insertOrder(tx, decision.state, { customerTier: customer!.tier, cartId }, now);
      const envelopes = [...checkout.events, ...decision.events].map((e) =>
        toEnvelope(e, metadata, now),
      );
      await appendToOutbox(tx, envelopes);
      await appendOrderHistory(tx, envelopes);
      return decision.state;
    });
  } catch (error) {
    const fields = uniqueViolationFields(error);
    const lostRace =
      fields !== null ||
      (error instanceof DomainError && error.code === "CONFLICT") ||
      (error instanceof DomainError && error.code === "INVALID_STATE_TRANSITION");
    if (lostRace) {
      const winner = await repeat();
      if (winner) return winner;
    }
    throw error;
  }
}
