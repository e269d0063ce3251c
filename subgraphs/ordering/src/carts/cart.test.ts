import { codeOf, fieldsOf } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { variant } from "../orders/order.fixtures.ts";
import type { OrderingCustomer } from "../orders/order.ts";
import {
  CART_STATUSES,
  type Cart,
  type CartDecision,
  type CartStatus,
  createCart,
} from "./cart.ts";
import { abandonCart, checkoutCart, isIdle } from "./cart-lifecycle.ts";
import {
  addCartItem,
  applyCartCoupon,
  removeCartItem,
  updateCartItemQuantity,
} from "./cart-lines.ts";
import { mergeCarts } from "./cart-merge.ts";

const t0 = new Date("2026-11-24T10:00:00.000Z");
const later = (ms: number) => new Date(t0.getTime() + ms);
const HOUR = 60 * 60 * 1000;
const vA = variant("v-a", 1_000);
const vB = variant("v-b", 250);

const empty = createCart({ cartId: "cart-1", customerId: "customer-1" }, t0).state;
const add = (cart: Cart, v = vA, quantity = 1, now = t0) =>
  addCartItem(cart, { variant: v, variantId: v.variantId, quantity }, now);
const withItems = add(add(empty, vA, 2).state, vB, 1).state;
const buyer: Pick<OrderingCustomer, "id" | "status"> = { id: "customer-1", status: "ACTIVE" };
const checkout = (cart: Cart, customer = buyer) =>
  checkoutCart(cart, { orderId: "order-1", customer, idempotencyKey: "k-1" }, t0);

describe("cart lines", () => {
  it("starts ACTIVE and empty with CartCreated at version 1", () => {
    const decision = createCart({ cartId: "c", customerId: null }, t0);
    expect(decision.state).toMatchObject({ status: "ACTIVE", lines: [], version: 1 });
    expect(decision.events[0]).toMatchObject({
      type: "CartCreated",
      aggregateType: "Cart",
      aggregateVersion: 1,
    });
  });

  it("merges a variant added again into its line", () => {
    const decision = add(withItems, vA, 3, later(HOUR));
    expect(decision.state.lines).toEqual([
      { variantId: "v-a", quantity: 5 },
      { variantId: "v-b", quantity: 1 },
    ]);
    expect(decision.state.lastActivityAt).toBe(later(HOUR).toISOString());
    expect(decision.events[0]).toMatchObject({
      type: "CartItemAdded",
      aggregateVersion: withItems.version + 1,
      payload: { variantId: "v-a", added: 3, previousQuantity: 2, quantity: 5, merged: true },
    });
  });

  it("keeps quantities within 1..999, after merging too", () => {
    expect(fieldsOf(() => add(empty, vA, 0))).toEqual(["quantity"]);
    expect(fieldsOf(() => add(empty, vA, 1_000))).toEqual(["quantity"]);
    expect(add(empty, vA, 999).state.lines[0]?.quantity).toBe(999);
    expect(fieldsOf(() => add(withItems, vA, 998))).toEqual(["quantity"]);
    expect(add(withItems, vA, 997).state.lines[0]?.quantity).toBe(999);
  });

  it("takes only known, orderable variants", () => {
    const draft = variant("v-draft", 1, { productStatus: "DRAFT" });
    expect(fieldsOf(() => add(empty, draft))).toEqual(["variantId"]);
    expect(
      fieldsOf(() => addCartItem(empty, { variant: undefined, variantId: "x", quantity: 0 }, t0)),
    ).toEqual(["quantity", "variantId"]);
  });

  it("changes and removes lines", () => {
    const changed = updateCartItemQuantity(withItems, "v-b", 7, t0);
    expect(changed.events[0]?.payload).toMatchObject({ previousQuantity: 1, quantity: 7 });
    expect(fieldsOf(() => updateCartItemQuantity(withItems, "v-b", 1_000, t0))).toEqual([
      "quantity",
    ]);
    expect(updateCartItemQuantity(withItems, "v-b", 1, t0)).toEqual({
      state: withItems,
      events: [],
    });
    const removed = removeCartItem(withItems, "v-a", t0);
    expect(removed.state.lines).toEqual([{ variantId: "v-b", quantity: 1 }]);
    expect(removed.events[0]?.payload).toMatchObject({ variantId: "v-a", previousQuantity: 2 });
    expect(codeOf(() => removeCartItem(withItems, "v-z", t0))).toBe("NOT_FOUND");
  });

  it("applies a coupon code once, whatever its letter case", () => {
    const decision = applyCartCoupon(withItems, " save5", t0);
    expect(decision.state.couponCode).toBe("SAVE5");
    expect(fieldsOf(() => applyCartCoupon(decision.state, "SAVE5", t0))).toEqual(["code"]);
    expect(fieldsOf(() => applyCartCoupon(decision.state, "OTHER", t0))).toEqual(["code"]);
    expect(fieldsOf(() => applyCartCoupon(withItems, "bad code!", t0))).toEqual(["code"]);
  });

  it("raises gap-free versions", () => {
    const a = add(empty).state;
    const b = applyCartCoupon(a, "X", t0);
    expect([empty.version, a.version, b.state.version, b.events[0]?.aggregateVersion]).toEqual([
      1, 2, 3, 3,
    ]);
  });
});

describe("cart status: only ACTIVE carts change", () => {
  const actions: Record<string, (c: Cart) => CartDecision> = {
    addItem: (c) => add(c),
    changeQuantity: (c) => updateCartItemQuantity(c, "v-a", 4, t0),
    removeItem: (c) => removeCartItem(c, "v-a", t0),
    applyCoupon: (c) => applyCartCoupon(c, "SAVE5", t0),
    abandon: (c) => abandonCart(c, "REQUESTED", t0),
    checkout: (c) => checkout(c),
    mergeInto: (c) =>
      mergeCarts({ ...withItems, id: "guest", customerId: null }, c, t0).customerCart,
  };
  const expected: Record<string, Partial<Record<CartStatus, CartStatus | "unchanged">>> = {
    addItem: { ACTIVE: "ACTIVE" },
    changeQuantity: { ACTIVE: "ACTIVE" },
    removeItem: { ACTIVE: "ACTIVE" },
    applyCoupon: { ACTIVE: "ACTIVE" },
    abandon: { ACTIVE: "ABANDONED", ABANDONED: "unchanged" },
    checkout: { ACTIVE: "CONVERTED" },
    mergeInto: { ACTIVE: "ACTIVE" },
  };
  const pairs = Object.keys(actions).flatMap((action) =>
    CART_STATUSES.map((from) => [from, action, expected[action]?.[from] ?? "INVALID"] as const),
  );

  it.each(pairs)("%s --%s--> %s", (from, action, to) => {
    const cart = { ...withItems, status: from };
    const run = () => actions[action]!(cart);
    if (to === "INVALID") expect(codeOf(run)).toBe("INVALID_STATE_TRANSITION");
    else if (to === "unchanged") expect(run()).toEqual({ state: cart, events: [] });
    else {
      const decision = run();
      expect(decision.state.status).toBe(to);
      expect(decision.events).toHaveLength(1);
      expect(decision.events[0]?.aggregateVersion).toBe(cart.version + 1);
    }
  });
});

describe("idle abandonment", () => {
  it("calls a cart idle after 24 h without a change", () => {
    expect(isIdle(withItems, later(24 * HOUR - 1))).toBe(false);
    expect(isIdle(withItems, later(24 * HOUR))).toBe(true);
    expect(isIdle({ ...withItems, status: "CONVERTED" }, later(48 * HOUR))).toBe(false);
  });

  it("abandons an idle cart with reason IDLE, and refuses a cart that moved on", () => {
    const decision = abandonCart(withItems, "IDLE", later(25 * HOUR));
    expect(decision.events[0]?.payload).toMatchObject({
      reason: "IDLE",
      previousStatus: "ACTIVE",
      status: "ABANDONED",
      lastActivityAt: t0.toISOString(),
    });
    const touched = add(withItems, vB, 1, later(20 * HOUR)).state;
    expect(codeOf(() => abandonCart(touched, "IDLE", later(25 * HOUR)))).toBe(
      "INVALID_STATE_TRANSITION",
    );
  });
});

describe("mergeCarts", () => {
  const guest = (() => {
    let c = createCart({ cartId: "guest", customerId: null }, t0).state;
    c = add(c, vA, 998).state;
    c = add(c, variant("v-c", 10), 4).state;
    return applyCartCoupon(c, "GUEST10", t0).state;
  })();

  it("adds quantities into the customer's cart, capping at 999, and abandons the guest cart", () => {
    const { customerCart, guest: g } = mergeCarts(guest, withItems, later(HOUR));
    expect(customerCart.state.lines).toEqual([
      { variantId: "v-a", quantity: 999 },
      { variantId: "v-b", quantity: 1 },
      { variantId: "v-c", quantity: 4 },
    ]);
    expect(customerCart.state.couponCode).toBe("GUEST10");
    expect(customerCart.events[0]).toMatchObject({
      type: "CartsMerged",
      aggregateId: "cart-1",
      aggregateVersion: withItems.version + 1,
      payload: {
        sourceCartId: "guest",
        capped: [{ variantId: "v-a", requested: 1_000, quantity: 999 }],
        previousCouponCode: null,
        couponCode: "GUEST10",
        droppedCouponCode: null,
      },
    });
    expect(g.state).toMatchObject({ status: "ABANDONED", mergedIntoCartId: "cart-1" });
    expect(g.events[0]).toMatchObject({
      type: "CartAbandoned",
      aggregateId: "guest",
      aggregateVersion: guest.version + 1,
      payload: { reason: "MERGED", mergedIntoCartId: "cart-1" },
    });
  });

  it("keeps the customer's coupon over the guest's", () => {
    const own = applyCartCoupon(withItems, "MINE", t0).state;
    const merged = mergeCarts(guest, own, t0).customerCart;
    expect(merged.state.couponCode).toBe("MINE");
    expect(merged.events[0]?.payload).toMatchObject({ droppedCouponCode: "GUEST10" });
  });

  it("merges only a guest cart into a different customer's cart, both ACTIVE", () => {
    expect(fieldsOf(() => mergeCarts(withItems, withItems, t0))).toEqual([
      "guestCartId",
      "guestCartId",
    ]);
    expect(fieldsOf(() => mergeCarts(guest, { ...guest, id: "other" }, t0))).toEqual([
      "customerCartId",
    ]);
    expect(codeOf(() => mergeCarts({ ...guest, status: "ABANDONED" }, withItems, t0))).toBe(
      "INVALID_STATE_TRANSITION",
    );
  });
});

describe("checkoutCart", () => {
  it("converts an ACTIVE non-empty cart into order placement input", () => {
    const coupon = applyCartCoupon(withItems, "save5", t0).state;
    const decision = checkout(coupon);
    expect(decision.state).toMatchObject({ status: "CONVERTED", orderId: "order-1" });
    expect(decision.placement).toEqual({
      orderId: "order-1",
      customerId: "customer-1",
      lines: [
        { variantId: "v-a", quantity: 2 },
        { variantId: "v-b", quantity: 1 },
      ],
      couponCode: "SAVE5",
      idempotencyKey: "k-1",
    });
    expect(decision.events[0]).toMatchObject({
      type: "CartCheckedOut",
      payload: { orderId: "order-1", previousStatus: "ACTIVE", status: "CONVERTED" },
    });
  });

  it("refuses an empty cart, a guest cart, someone else's cart and a missing key", () => {
    expect(fieldsOf(() => checkout(empty))).toEqual(["cartId"]);
    expect(fieldsOf(() => checkout({ ...withItems, customerId: null }))).toEqual(["cartId"]);
    expect(fieldsOf(() => checkout(withItems, { ...buyer, id: "customer-2" }))).toEqual(["cartId"]);
    expect(
      fieldsOf(() =>
        checkoutCart(withItems, { orderId: "o", customer: buyer, idempotencyKey: "" }, t0),
      ),
    ).toEqual(["idempotencyKey"]);
  });

  it.each(["SUSPENDED", "CLOSED"] as const)("refuses a %s customer", (status) => {
    expect(codeOf(() => checkout(withItems, { ...buyer, status }))).toBe(
      "INVALID_STATE_TRANSITION",
    );
  });
});
