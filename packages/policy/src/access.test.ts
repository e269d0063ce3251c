import { ANONYMOUS, type Principal, principalOf, STAFF_ROLES } from "@shopstream/auth";
import { describe, expect, it } from "vitest";
import { access, assignedOwner, isInternal, type Ownership, type Rule } from "./access.ts";
import { POLICY, ruleFor } from "./table.ts";

const CUSTOMER_ID = "5b0c6a8e-7f1d-4c55-9a57-3c1f2f8e0a11";
const customer = principalOf("auth0|ada", ["customer"], CUSTOMER_ID);
const unregistered = principalOf("auth0|new", ["customer"]);
const service = principalOf("gateway", []);
const staff = (role: (typeof STAFF_ROLES)[number]): Principal =>
  principalOf(`staff-${role}`, [role]);
const rule = (coordinate: string): Rule => {
  const found = ruleFor(coordinate);
  if (!found) throw new Error(`no row for ${coordinate}`);
  return found;
};

const ALLOWED = { allowed: true, ownership: false };
const UNAUTHENTICATED = { allowed: false, code: "UNAUTHENTICATED" };
const FORBIDDEN = { allowed: false, code: "FORBIDDEN" };
const ownership = (...own: Ownership[]) => ({ allowed: true, ownership: true, own });

describe("access: anonymous callers", () => {
  it("read the catalogue and register", () => {
    expect(access(ANONYMOUS, rule("Query.products"))).toEqual(ALLOWED);
    expect(access(ANONYMOUS, rule("Entity.ProductVariant"))).toEqual(ALLOWED);
    expect(access(ANONYMOUS, rule("Mutation.registerCustomer"))).toEqual(
      ownership({ entity: "Customer", arg: "input.externalId", assigns: "sub" }),
    );
  });

  it("reach a guest cart only with its cart token", () => {
    expect(access(ANONYMOUS, rule("Mutation.addCartItem"))).toEqual(
      ownership({ entity: "Cart", arg: "cartId", guest: true }),
    );
    expect(access(ANONYMOUS, rule("Query.cart"))).toEqual(
      ownership({ entity: "Cart", arg: "id", guest: true }),
    );
  });

  it("are UNAUTHENTICATED, never FORBIDDEN, where signing in could help", () => {
    for (const coordinate of [
      "Mutation.suspendCustomer",
      "Mutation.changeVariantPrice",
      "Mutation.requestRefund",
      "Mutation.placeOrder",
      "Mutation.checkoutCart",
      "Mutation.mergeCarts",
      "Query.order",
      "Query.customers",
      "Subscription.orderStatusChanged",
      "Query._customerIdByExternalId",
    ])
      expect(access(ANONYMOUS, rule(coordinate)), coordinate).toEqual(UNAUTHENTICATED);
  });
});

describe("access: customers", () => {
  it("reach what they own, by the argument that names it", () => {
    expect(access(customer, rule("Query.order"))).toEqual(
      ownership({ entity: "Order", arg: "id" }),
    );
    expect(access(customer, rule("Mutation.cancelOrder"))).toEqual(
      ownership({ entity: "Order", arg: "id" }),
    );
    expect(access(customer, rule("Mutation.addCustomerAddress"))).toEqual(
      ownership({ entity: "Customer", arg: "customerId" }),
    );
    expect(access(customer, rule("Mutation.retryPayment"))).toEqual(
      ownership({ entity: "Payment", arg: "id" }),
    );
    expect(access(customer, rule("Query.invoice"))).toEqual(
      ownership({ entity: "Invoice", arg: "id" }),
    );
    expect(access(customer, rule("Mutation.initiatePayment"))).toEqual(
      ownership({ entity: "Order", arg: "input.orderId" }),
    );
  });

  it("merge a guest cart (by its token) into their own cart", () => {
    expect(access(customer, rule("Mutation.mergeCarts"))).toEqual(
      ownership(
        { entity: "Cart", arg: "guestCartId", guest: true },
        { entity: "Cart", arg: "customerCartId" },
      ),
    );
  });

  it("see their own orders live, narrowed per event also without arguments", () => {
    expect(access(customer, rule("Subscription.orderStatusChanged"))).toEqual(
      ownership({ entity: "Order", arg: "orderId" }, { entity: "Customer", arg: "customerId" }),
    );
  });

  it("read the catalogue without conditions", () => {
    expect(access(customer, rule("Query.product"))).toEqual(ALLOWED);
  });

  it("are FORBIDDEN staff work and stock", () => {
    for (const coordinate of [
      "Mutation.suspendCustomer",
      "Mutation.changeVariantPrice",
      "Mutation.requestRefund",
      "Mutation.confirmOrder",
      "Mutation.reserveStock",
      "Query.customers",
      "Query.stockItem",
      "Subscription.stockLevelChanged",
      "Entity.Warehouse",
    ])
      expect(access(customer, rule(coordinate)), coordinate).toEqual(FORBIDDEN);
  });

  it("get ownership also before they are registered (they own nothing yet)", () => {
    expect(access(unregistered, rule("Query.order"))).toEqual(
      ownership({ entity: "Order", arg: "id" }),
    );
  });
});

describe("access: staff", () => {
  it("are let in by their role without ownership", () => {
    expect(access(staff("support"), rule("Mutation.suspendCustomer"))).toEqual(ALLOWED);
    expect(access(staff("support"), rule("Query.order"))).toEqual(ALLOWED);
    expect(access(staff("finance"), rule("Mutation.requestRefund"))).toEqual(ALLOWED);
    expect(access(staff("fulfilment"), rule("Mutation.recordOrderShipment"))).toEqual(ALLOWED);
    expect(access(staff("catalogue_manager"), rule("Mutation.changeVariantPrice"))).toEqual(
      ALLOWED,
    );
    expect(access(staff("inventory_manager"), rule("Mutation.receiveStock"))).toEqual(ALLOWED);
  });

  it("are FORBIDDEN what their role does not cover", () => {
    expect(access(staff("support"), rule("Mutation.changeVariantPrice"))).toEqual(FORBIDDEN);
    expect(access(staff("finance"), rule("Mutation.cancelOrder"))).toEqual(FORBIDDEN);
    expect(access(staff("catalogue_manager"), rule("Query.order"))).toEqual(FORBIDDEN);
    expect(access(staff("inventory_manager"), rule("Mutation.reserveStock"))).toEqual(FORBIDDEN);
    expect(access(staff("fulfilment"), rule("Mutation.requestRefund"))).toEqual(FORBIDDEN);
  });

  it("who also shop are bound by ownership where only their customer role lets them in", () => {
    const shopper = principalOf("staff-shopper", ["customer", "finance"], CUSTOMER_ID);
    expect(access(shopper, rule("Mutation.cancelOrder"))).toEqual(
      ownership({ entity: "Order", arg: "id" }),
    );
    expect(access(shopper, rule("Query.order"))).toEqual(ALLOWED); // finance reads orders
  });

  it("shop for themselves only on rows open to anyone", () => {
    expect(access(staff("finance"), rule("Mutation.addCartItem"))).toEqual(
      ownership({ entity: "Cart", arg: "cartId", guest: true }),
    );
  });
});

describe("access: admin and the service principal", () => {
  it("lets admin use every public row, and no internal one", () => {
    for (const [coordinate, row] of Object.entries(POLICY)) {
      const expected = isInternal(row) ? FORBIDDEN : ALLOWED;
      expect(access(staff("admin"), row), coordinate).toEqual(expected);
    }
  });

  it("lets the service principal use internal rows and public reads only", () => {
    expect(access(service, rule("Query._customerIdByExternalId"))).toEqual(ALLOWED);
    expect(access(service, rule("Query.products"))).toEqual(ALLOWED);
    expect(access(service, rule("Mutation.suspendCustomer"))).toEqual(FORBIDDEN);
    expect(access(service, rule("Query.order"))).toEqual(FORBIDDEN);
  });

  it("refuses internal rows to everyone else", () => {
    const internal = rule("Query._customerIdByExternalId");
    expect(access(ANONYMOUS, internal)).toEqual(UNAUTHENTICATED);
    expect(access(customer, internal)).toEqual(FORBIDDEN);
    for (const role of STAFF_ROLES) expect(access(staff(role), internal), role).toEqual(FORBIDDEN);
  });
});

describe("assignedOwner: owner ids come from the principal", () => {
  const placeOrder: Ownership = {
    entity: "Customer",
    arg: "input.customerId",
    assigns: "customerId",
  };
  const register: Ownership = { entity: "Customer", arg: "input.externalId", assigns: "sub" };

  it("accepts the principal's own customer id (in any letter case) or none", () => {
    expect(assignedOwner(customer, placeOrder, CUSTOMER_ID)).toEqual({ ok: true });
    expect(assignedOwner(customer, placeOrder, CUSTOMER_ID.toUpperCase())).toEqual({ ok: true });
    expect(assignedOwner(customer, placeOrder, undefined)).toEqual({ ok: true });
    expect(assignedOwner(ANONYMOUS, placeOrder, null)).toEqual({ ok: true }); // a guest cart
  });

  it("refuses another customer: FORBIDDEN, or UNAUTHENTICATED when anonymous", () => {
    const other = "0d6a4f52-1111-4e2b-8c3a-9f1e2d3c4b5a";
    expect(assignedOwner(customer, placeOrder, other)).toEqual({ ok: false, code: "FORBIDDEN" });
    expect(assignedOwner(unregistered, placeOrder, other)).toEqual({
      ok: false,
      code: "FORBIDDEN",
    });
    expect(assignedOwner(ANONYMOUS, placeOrder, other)).toEqual({
      ok: false,
      code: "UNAUTHENTICATED",
    });
  });

  it("registers a signed-in caller only as themselves; anonymous registration stays open", () => {
    expect(assignedOwner(customer, register, "auth0|ada")).toEqual({ ok: true });
    expect(assignedOwner(customer, register, "auth0|eve")).toEqual({
      ok: false,
      code: "FORBIDDEN",
    });
    expect(assignedOwner(ANONYMOUS, register, "legacy-42")).toEqual({ ok: true });
  });

  it("is only asked about assigning conditions", () => {
    expect(() => assignedOwner(customer, { entity: "Order", arg: "id" }, CUSTOMER_ID)).toThrow();
  });
});
