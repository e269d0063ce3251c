import { describe, expect, it } from "vitest";
import { ownershipsOf, type Rule } from "./access.ts";
import { MATRIX_ROLES, type MatrixDecision, type MatrixRole, policyMatrix } from "./matrix.ts";
import { POLICY, ruleFor } from "./table.ts";

/** The row for a coordinate; a test asking for a missing one fails right there. */
function row(coordinate: string): Rule {
  const rule = ruleFor(coordinate);
  if (!rule) throw new Error(`no row for ${coordinate}`);
  return rule;
}

const matrix = policyMatrix();
const decision = (coordinate: string, role: MatrixRole): MatrixDecision | undefined =>
  matrix.find((cell) => cell.coordinate === coordinate && cell.role === role)?.decision;

/**
 * The decision read straight off a row, written independently of `access()`: admin everything
 * public; a role listed (or `service` on its own rows) unconditionally; a customer, or anyone on
 * an open row, with the row's ownership; otherwise refused by whether the caller is signed in.
 */
function expected(rule: Rule, role: MatrixRole): MatrixDecision {
  const internal = rule.allow.every((audience) => audience === "service") && rule.allow.length > 0;
  const refused = role === "anonymous" ? "UNAUTHENTICATED" : "FORBIDDEN";
  if (internal) return role === "service" ? "allowed" : refused;
  if (role === "admin") return "allowed";
  if (role !== "anonymous" && role !== "customer" && (rule.allow as string[]).includes(role))
    return "allowed";
  if ((role === "customer" && rule.allow.includes("customer")) || rule.allow.includes("anyone"))
    return ownershipsOf(rule).length > 0 ? "own" : "allowed";
  return refused;
}

describe("the role × coordinate matrix", () => {
  it("has a cell for every row and every role", () => {
    const rows = Object.keys(POLICY).length;
    console.log(
      `policy matrix: ${matrix.length} cells (${rows} rows × ${MATRIX_ROLES.length} roles)`,
    );
    expect(matrix).toHaveLength(rows * MATRIX_ROLES.length);
    expect(new Set(matrix.map((cell) => `${cell.coordinate} ${cell.role}`)).size).toBe(
      matrix.length,
    );
  });

  it("agrees, cell by cell, with the decision read off the table", () => {
    const wrong = matrix.filter(
      (cell) => cell.decision !== expected(row(cell.coordinate), cell.role),
    );
    expect(wrong).toEqual([]);
  });

  it("matches the design's role table on hand-picked cells", () => {
    const cases: [string, MatrixRole, MatrixDecision][] = [
      // anonymous: register, read the catalogue, a guest cart, availability
      ["Mutation.registerCustomer", "anonymous", "own"],
      ["Query.products", "anonymous", "allowed"],
      ["Query.category", "anonymous", "allowed"],
      ["Mutation.createCart", "anonymous", "own"],
      ["Mutation.addCartItem", "anonymous", "own"],
      ["Entity.ProductVariant", "anonymous", "allowed"],
      ["Mutation.suspendCustomer", "anonymous", "UNAUTHENTICATED"],
      ["Mutation.changeVariantPrice", "anonymous", "UNAUTHENTICATED"],
      ["Mutation.requestRefund", "anonymous", "UNAUTHENTICATED"],
      ["Mutation.placeOrder", "anonymous", "UNAUTHENTICATED"],
      // customer: own things only
      ["Query.order", "customer", "own"],
      ["Mutation.placeOrder", "customer", "own"],
      ["Mutation.cancelOrder", "customer", "own"],
      ["Mutation.requestOrderReturn", "customer", "own"],
      ["Mutation.retryPayment", "customer", "own"],
      ["Query.invoice", "customer", "own"],
      ["Mutation.updateCustomerProfile", "customer", "own"],
      ["Subscription.orderStatusChanged", "customer", "own"],
      ["Subscription.stockLevelChanged", "customer", "FORBIDDEN"],
      ["Mutation.confirmOrder", "customer", "FORBIDDEN"],
      ["Mutation.requestRefund", "customer", "FORBIDDEN"],
      // catalogue manager: catalogue all, inventory read
      ["Mutation.changeVariantPrice", "catalogue_manager", "allowed"],
      ["Mutation.createCategory", "catalogue_manager", "allowed"],
      ["Query.stockItem", "catalogue_manager", "allowed"],
      ["Mutation.receiveStock", "catalogue_manager", "FORBIDDEN"],
      ["Query.order", "catalogue_manager", "FORBIDDEN"],
      ["Query.customer", "catalogue_manager", "FORBIDDEN"],
      // inventory manager: inventory all but reservation commands; ordering read; live stock
      ["Mutation.receiveStock", "inventory_manager", "allowed"],
      ["Mutation.createWarehouse", "inventory_manager", "allowed"],
      ["Mutation.reserveStock", "inventory_manager", "FORBIDDEN"],
      ["Mutation.releaseReservation", "inventory_manager", "FORBIDDEN"],
      ["Mutation.commitReservation", "inventory_manager", "FORBIDDEN"],
      ["Query.orders", "inventory_manager", "allowed"],
      ["Subscription.stockLevelChanged", "inventory_manager", "allowed"],
      ["Subscription.orderStatusChanged", "inventory_manager", "FORBIDDEN"],
      ["Mutation.changeVariantPrice", "inventory_manager", "FORBIDDEN"],
      // fulfilment: order lifecycle, returns, cancel; reads; live both
      ["Mutation.confirmOrder", "fulfilment", "allowed"],
      ["Mutation.recordOrderShipment", "fulfilment", "allowed"],
      ["Mutation.recordOrderDelivery", "fulfilment", "allowed"],
      ["Mutation.completeOrder", "fulfilment", "allowed"],
      ["Mutation.approveOrderReturn", "fulfilment", "allowed"],
      ["Mutation.cancelOrder", "fulfilment", "allowed"],
      ["Query.payment", "fulfilment", "allowed"],
      ["Subscription.stockLevelChanged", "fulfilment", "allowed"],
      ["Subscription.orderStatusChanged", "fulfilment", "allowed"],
      ["Mutation.requestRefund", "fulfilment", "FORBIDDEN"],
      ["Mutation.receiveStock", "fulfilment", "FORBIDDEN"],
      // finance: payments all, reads, live orders
      ["Mutation.requestRefund", "finance", "allowed"],
      ["Mutation.issueInvoice", "finance", "allowed"],
      ["Query.customer", "finance", "allowed"],
      ["Subscription.orderStatusChanged", "finance", "allowed"],
      ["Mutation.cancelOrder", "finance", "FORBIDDEN"],
      ["Query.stockItem", "finance", "FORBIDDEN"],
      // support: suspend/reactivate, profile, cancel, return request; reads
      ["Mutation.suspendCustomer", "support", "allowed"],
      ["Mutation.reactivateCustomer", "support", "allowed"],
      ["Mutation.updateCustomerProfile", "support", "allowed"],
      ["Mutation.cancelOrder", "support", "allowed"],
      ["Mutation.requestOrderReturn", "support", "allowed"],
      ["Query.payment", "support", "allowed"],
      ["Mutation.changeVariantPrice", "support", "FORBIDDEN"],
      ["Mutation.requestRefund", "support", "FORBIDDEN"],
      ["Mutation.approveOrderReturn", "support", "FORBIDDEN"],
      ["Subscription.stockLevelChanged", "support", "FORBIDDEN"],
      // admin: everything public; the service principal: internal fields
      ["Mutation.upgradeCustomerTier", "admin", "allowed"],
      ["Mutation.reserveStock", "admin", "allowed"],
      ["Query.order", "admin", "allowed"],
      ["Query._customerIdByExternalId", "admin", "FORBIDDEN"],
      ["Query._customerIdByExternalId", "service", "allowed"],
      ["Query._customerIdByExternalId", "anonymous", "UNAUTHENTICATED"],
      ["Mutation.suspendCustomer", "service", "FORBIDDEN"],
    ];
    const wrong = cases.filter(([coordinate, role, want]) => decision(coordinate, role) !== want);
    expect(wrong).toEqual([]);
  });
});
