import type { OrderStatus } from "./order.ts";

/**
 * `Order.checkout`, derived for now from the order's status and history. The checkout saga (a
 * later issue) will persist its own state, steps and timestamps; this shape is what it will fill.
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

const PAID_OR_LATER: readonly OrderStatus[] = [
  "PAID",
  "PROCESSING",
  "PARTIALLY_SHIPPED",
  "SHIPPED",
  "DELIVERED",
  "COMPLETED",
  "RETURN_REQUESTED",
  "RETURN_APPROVED",
  "RETURNED",
];

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
  if (status === "CONFIRMED") derived = "RESERVING";
  else if (status === "PAYMENT_PENDING") derived = "PAYMENT_PENDING";
  else if (PAID_OR_LATER.includes(status)) derived = "COMPLETED";
  else if (cancel) {
    // A payment failure with no attempts left ends the saga as FAILED; any other cancellation
    // (before confirmation, or on request) is CANCELLED.
    const reason = cancel.payload.reason;
    derived =
      confirmed && typeof reason === "string" && reason.startsWith("payment failed")
        ? "FAILED"
        : "CANCELLED";
  } else if (status === "REFUNDED") derived = "COMPLETED";
  else derived = "NOT_STARTED";
  return { status: derived, steps };
}
