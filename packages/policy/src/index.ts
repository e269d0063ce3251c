import type { Principal, StaffRole } from "@shopstream/auth";

/**
 * Who may do what: one row for every root field (`Query.order`, `Mutation.cancelOrder`,
 * `Subscription.orderStatusChanged`) and every entity reference (`Entity.Order`: resolving an
 * Order from another subgraph's reference). Subgraphs enforce it (the last line of defence) and
 * the gateway pre-checks it. A test fails when a root field or `@key` type of the supergraph has
 * no row. The rows themselves live in `table.ts`; docs/security.md explains them.
 */

/** Who a row lets in: `anyone` (signed in or not), `customer`, or a staff role. Admin: always. */
export type Audience = "anyone" | "customer" | StaffRole;

/** Customer-owned entities: a customer reaching another's gets exactly what a missing id gets. */
export type OwnedEntity = "Customer" | "Cart" | "Order" | "Payment" | "Invoice";

export interface Rule {
  allow: readonly Audience[];
  /**
   * Ownership for callers who are let in as `customer` (or as `anyone` without a staff role): the
   * entity they must own, and the argument that names it (absent for lists and creations, where
   * the owner comes from the principal).
   */
  own?: { entity: OwnedEntity; arg?: string };
}

export type Access =
  /** Allowed without conditions. */
  | { allowed: true; ownership: false }
  /** Allowed for what the principal owns: the subgraph checks the owner of `rule.own.entity`. */
  | { allowed: true; ownership: true; own: NonNullable<Rule["own"]> }
  /** Not allowed: UNAUTHENTICATED for anonymous callers, FORBIDDEN for signed-in ones. */
  | { allowed: false; code: "UNAUTHENTICATED" | "FORBIDDEN" };

/** The decision for `principal` on a row (the caller looked the row up by coordinate). */
export function access(principal: Principal, rule: Rule): Access {
  const roles = principal.roles;
  if (roles.includes("admin")) return { allowed: true, ownership: false };
  if (roles.some((role) => role !== "customer" && rule.allow.includes(role)))
    return { allowed: true, ownership: false };
  const asCustomer = roles.includes("customer") && rule.allow.includes("customer");
  if (asCustomer || rule.allow.includes("anyone")) {
    return rule.own
      ? { allowed: true, ownership: true, own: rule.own }
      : { allowed: true, ownership: false };
  }
  return { allowed: false, code: principal.kind === "anonymous" ? "UNAUTHENTICATED" : "FORBIDDEN" };
}
