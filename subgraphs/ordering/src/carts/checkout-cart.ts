import { changeAggregateIn, createAggregate } from "@shopstream/commands";
import { uniqueViolationFields } from "@shopstream/db";
import { DomainError, isDomainError } from "@shopstream/errors";
import { type EventMetadata, newId } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import type { OrderingDeps } from "../context.ts";
import type { CustomerView } from "../customers/customer-view.ts";
import { findOrder, newOrderStore } from "../orders/order.repository.ts";
import type { Order } from "../orders/order.ts";
import type { OrderDecision } from "../orders/order-events.ts";
import { decidePlacement, knownCustomer } from "../orders/place-order.ts";
import { cartStore, findCartByCheckoutKey } from "./cart.repository.ts";
import { checkoutCart as decideCheckout } from "./cart-lifecycle.ts";

/** Errors that mean a concurrent checkout of the cart won: the repeat returns its order. */
const LOST_RACE = ["CONFLICT", "INVALID_STATE_TRANSITION"];

/**
 * Checks out an ACTIVE customer cart: the cart becomes CONVERTED and an order is placed in
 * CREATED with prices from the price view (the customer's tier), in one transaction (the order is
 * the new aggregate; the cart changes inside its transaction). The idempotency key is unique
 * across checkouts (`cart.checkout_idempotency_key`): a repeat for the same cart returns the
 * order it placed; the key with another cart is DUPLICATE. Concurrent checkouts of one cart race
 * on the cart's version: one wins, the others see the repeat.
 */
export async function checkoutCart(
  deps: OrderingDeps,
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

  try {
    return await createAggregate(
      deps,
      newOrderStore,
      async ({ tx, now }) => {
        const orderId = newId();
        let placement: OrderDecision | undefined;
        await changeAggregateIn(
          tx,
          cartStore,
          cartId,
          async (cart) => {
            const customer = cart.customerId ? await knownCustomer(tx, cart.customerId) : null;
            const checkout = decideCheckout(
              cart,
              { orderId, customer: buyer(customer), idempotencyKey },
              now,
            );
            // The checkout above rejects guest carts, so the customer is known here.
            placement = await decidePlacement(
              tx,
              customer as CustomerView,
              {
                orderId,
                lines: checkout.placement.lines.map((l) => ({ lineId: newId(), ...l })),
                couponCode: checkout.placement.couponCode,
                cartId,
              },
              null,
            );
            return checkout;
          },
          metadata,
          now,
        );
        return placement as OrderDecision;
      },
      metadata,
    );
  } catch (error) {
    const lostRace =
      uniqueViolationFields(error) !== null ||
      (isDomainError(error) && LOST_RACE.includes(error.code));
    if (lostRace) {
      const winner = await repeat();
      if (winner) return winner;
    }
    throw error;
  }
}

/** The customer as the checkout decision sees it (a guest cart has none: it is refused). */
const buyer = (customer: CustomerView | null) =>
  customer
    ? { id: customer.customerId, status: customer.status }
    : { id: "", status: "ACTIVE" as const };
