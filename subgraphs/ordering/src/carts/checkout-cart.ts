import { changeAggregateIn, createAggregate } from "@shopstream/commands";
import { uniqueViolationFields } from "@shopstream/db";
import { DomainError, isDomainError } from "@shopstream/errors";
import { type EventMetadata, newId } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import type { OrderingDeps } from "../context.ts";
import type { CustomerView } from "../customers/customer-view.ts";
import type { OrderingDb } from "../db.ts";
import { findOrder, newOrderStore } from "../orders/order.repository.ts";
import type { Order } from "../orders/order.ts";
import type { OrderDecision } from "../orders/order-events.ts";
import { decidePlacement, knownCustomer, placeOnce } from "../orders/place-order.ts";
import { cartStore, findCartByCheckoutKey } from "./cart.repository.ts";
import type { Cart } from "./cart.ts";
import { checkoutCart as decideCartCheckout } from "./cart-lifecycle.ts";

/** Errors that mean a concurrent checkout of the cart won: the repeat returns its order. */
const lostRace = (error: unknown) =>
  uniqueViolationFields(error) !== null ||
  (isDomainError(error) && ["CONFLICT", "INVALID_STATE_TRANSITION"].includes(error.code));

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
  return placeOnce(repeat, () => convertAndPlace(deps, cartId, idempotencyKey, metadata), lostRace);
}

/**
 * One transaction: the cart is converted through its own write path (version guard, CartCheckedOut)
 * and the order it asks for is placed (inserted with OrderPlaced and its history).
 */
function convertAndPlace(
  deps: OrderingDeps,
  cartId: string,
  idempotencyKey: string,
  metadata: EventMetadata,
) {
  return createAggregate(
    deps,
    newOrderStore,
    async ({ tx, now }) => {
      let placement: OrderDecision | undefined;
      const convert = async (cart: Cart) => {
        const decided = await decideCheckoutAndPlacement(tx, cart, idempotencyKey, now);
        placement = decided.placement;
        return decided.checkout;
      };
      await changeAggregateIn(tx, cartStore, cartId, convert, metadata, now);
      return placement as OrderDecision;
    },
    metadata,
  );
}

/** The cart's checkout and the placement of its order, priced for the cart's customer. */
async function decideCheckoutAndPlacement(
  db: OrderingDb,
  cart: Cart,
  idempotencyKey: string,
  now: Date,
) {
  const customer = cart.customerId ? await knownCustomer(db, cart.customerId) : null;
  const orderId = newId();
  const buyer = customer
    ? { id: customer.customerId, status: customer.status }
    : { id: "", status: "ACTIVE" as const };
  const checkout = decideCartCheckout(cart, { orderId, customer: buyer, idempotencyKey }, now);
  // The checkout refuses guest carts, so the customer is known here.
  const placement = await decidePlacement(
    db,
    customer as CustomerView,
    {
      orderId,
      lines: checkout.placement.lines.map((l) => ({ lineId: newId(), ...l })),
      couponCode: checkout.placement.couponCode,
      cartId: cart.id,
    },
    null,
  );
  return { checkout, placement };
}
