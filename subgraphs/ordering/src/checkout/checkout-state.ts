import { type OrderStatus, PAID_OR_LATER } from "../orders/order-status.ts";

/**
 * `Order.checkout` from the order's status and history. The write path stores the result in
 * `checkout_saga` whenever an order event is a saga step (checkout-saga.repository.ts);
 * `Order.checkout` reads that row and falls back to deriving it for orders without one.
 */

export type CheckoutStatus =
  | "NOT_STARTED"
  | "RESERVING"
  | "PAYMENT_PENDING"
  | "COMPLETED"
  | "FAILED"
  | "CANCELLED";

export interface CheckoutStep {
  name: string;
  occurredAt: string;
  detail: string | null;
}

export interface CheckoutState {
  status: CheckoutStatus;
  steps: CheckoutStep[];
}

interface HistoryEntry {
  type: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

/** Which events are saga steps, and the step each one records. */
const STEP_OF: Record<string, string> = {
  OrderConfirmed: "ORDER_CONFIRMED",
  OrderPaymentPending: "PAYMENT_INITIATED",
  OrderPaymentFailed: "PAYMENT_FAILED",
  OrderPaid: "PAYMENT_CAPTURED",
  OrderCancelled: "ORDER_CANCELLED",
};

/** Whether an order event is a step of the checkout saga (it changes `Order.checkout`). */
export const isCheckoutStep = (type: string) => Object.hasOwn(STEP_OF, type);

/** Cancellation reasons the checkout saga writes when it fails (see checkout-saga.ts). */
const SAGA_FAILURES = ["payment failed", "insufficient stock", "reservation expired"];

/** The checkout's status and steps, from the order's status and its history (oldest first). */
export function checkoutState(status: OrderStatus, history: HistoryEntry[]): CheckoutState {
  const steps = history.flatMap((e) => {
    const name = STEP_OF[e.type];
    if (!name) return [];
    const reason = e.payload.reason;
    return [{ name, occurredAt: e.occurredAt, detail: typeof reason === "string" ? reason : null }];
  });
  const confirmed = history.some((e) => e.type === "OrderConfirmed");
  const cancel = history.find((e) => e.type === "OrderCancelled");
  let derived: CheckoutStatus;
  if (status === "CONFIRMED") {
    // Back in CONFIRMED after a failed attempt, stock stays reserved: the payment awaits a retry.
    derived = history.at(-1)?.type === "OrderPaymentFailed" ? "PAYMENT_PENDING" : "RESERVING";
  } else if (status === "PAYMENT_PENDING") derived = "PAYMENT_PENDING";
  else if (PAID_OR_LATER.includes(status)) derived = "COMPLETED";
  else if (cancel) {
    // The saga's own cancellations (payment failed with no attempts left, stock shortage,
    // reservation expiry) end it as FAILED; any other (before confirmation, on request) is CANCELLED.
    const reason = cancel.payload.reason;
    derived =
      confirmed && typeof reason === "string" && SAGA_FAILURES.some((r) => reason.startsWith(r))
        ? "FAILED"
        : "CANCELLED";
  } else if (status === "REFUNDED") derived = "COMPLETED";
  else derived = "NOT_STARTED";
  return { status: derived, steps };
}
