import type { Principal, StaffRole } from "@shopstream/auth";

/**
 * Who may do what: one row for every root field (`Query.order`, `Mutation.cancelOrder`,
 * `Subscription.orderStatusChanged`) and every entity reference (`Entity.Order`: resolving an
 * Order from another subgraph's reference). Subgraphs enforce it (the last line of defence) and
 * the gateway pre-checks it. A test fails when a root field or `@key` type of the supergraph has
 * no row. The rows themselves live in `table.ts`; docs/security.md explains them.
 */

/**
 * Who a row lets in: `anyone` (signed in or not), `customer`, a staff role, or `service` (a
 * machine principal: internal fields no client reaches). Admin: every row but `service`-only ones.
 */
export type Audience = "anyone" | "customer" | StaffRole | "service";

/** Customer-owned entities: a customer reaching another's gets exactly what a missing id gets. */
export type OwnedEntity = "Customer" | "Cart" | "Order" | "Payment" | "Invoice";

/**
 * One ownership condition of a row, for callers let in as `customer` or `anyone` (staff let in by
 * one of their roles, and admin, are not bound by it).
 */
export interface Ownership {
  /** The entity whose owner is checked (a Payment's or Invoice's owner is its order's customer). */
  entity: OwnedEntity;
  /**
   * The argument that names it, as a dot path into the arguments (`id`, `orderId`,
   * `input.orderId`). Absent for lists and subscriptions without arguments: they are narrowed to
   * what the principal owns. When the named argument is optional and omitted, the same holds.
   */
  arg?: string;
  /**
   * Set when the argument does not name an existing entity but assigns the owner of a new one
   * (`placeOrder(input.customerId)`, `createCart(input.customerId)`,
   * `registerCustomer(input.externalId)`): it must equal this field of the principal, and a value
   * that does not is FORBIDDEN (UNAUTHENTICATED for anonymous callers), never NOT_FOUND. Omitted,
   * the owner is the principal's own. Without `assigns`, another customer's entity is answered
   * exactly as a missing one (NOT_FOUND, or null for a query by id) and nothing is written.
   */
  assigns?: "customerId" | "sub";
  /**
   * A cart without an owner (a guest cart) is reached with its cart token, by whoever presents
   * it (an anonymous shopper, or a customer merging it); a customer's cart only by the customer.
   */
  guest?: true;
}

export interface Rule {
  allow: readonly Audience[];
  /** Ownership conditions (all must hold), for callers let in as `customer` or `anyone`. */
  own?: Ownership | readonly Ownership[];
}

export type Access =
  /** Allowed without conditions. */
  | { allowed: true; ownership: false }
  /** Allowed for what the principal owns: the subgraph checks every condition of `own`. */
  | { allowed: true; ownership: true; own: readonly Ownership[] }
  /** Not allowed: UNAUTHENTICATED for anonymous callers, FORBIDDEN for signed-in ones. */
  | { allowed: false; code: "UNAUTHENTICATED" | "FORBIDDEN" };

/** A row's ownership conditions as a list (empty when none). */
export function ownershipsOf(rule: Rule): readonly Ownership[] {
  if (!rule.own) return [];
  return Array.isArray(rule.own) ? rule.own : [rule.own as Ownership];
}

/** A row only the `service` principal may use: an internal (`@inaccessible`) field. */
export const isInternal = (rule: Rule): boolean =>
  rule.allow.length > 0 && rule.allow.every((audience) => audience === "service");

const refuse = (principal: Principal): Access => ({
  allowed: false,
  code: principal.kind === "anonymous" ? "UNAUTHENTICATED" : "FORBIDDEN",
});

/** The decision for `principal` on a row (the caller looked the row up by coordinate). */
export function access(principal: Principal, rule: Rule): Access {
  if (isInternal(rule))
    return principal.kind === "service" ? { allowed: true, ownership: false } : refuse(principal);
  const roles = principal.roles;
  if (roles.includes("admin")) return { allowed: true, ownership: false };
  if (principal.kind === "service" && rule.allow.includes("service"))
    return { allowed: true, ownership: false };
  if (roles.some((role) => role !== "customer" && rule.allow.includes(role)))
    return { allowed: true, ownership: false };
  const asCustomer = roles.includes("customer") && rule.allow.includes("customer");
  if (asCustomer || rule.allow.includes("anyone")) {
    const own = ownershipsOf(rule);
    return own.length > 0
      ? { allowed: true, ownership: true, own }
      : { allowed: true, ownership: false };
  }
  return refuse(principal);
}

/**
 * The decision on an `assigns` condition: the value the caller gave for the new entity's owner
 * (undefined or null when omitted). Omitted is always fine (the owner is the principal's own, or
 * none: a guest cart). Anonymous callers may not name a customer (UNAUTHENTICATED), except for
 * `registerCustomer`'s `externalId` (`assigns: "sub"`), which the design leaves open to them;
 * signed-in callers may name only themselves (FORBIDDEN otherwise).
 */
export function assignedOwner(
  principal: Principal,
  ownership: Ownership,
  value: string | null | undefined,
): { ok: true } | { ok: false; code: "UNAUTHENTICATED" | "FORBIDDEN" } {
  if (!ownership.assigns) throw new Error(`not an assigning condition: ${ownership.entity}`);
  if (value === undefined || value === null) return { ok: true };
  if (principal.kind === "anonymous")
    return ownership.assigns === "sub" ? { ok: true } : { ok: false, code: "UNAUTHENTICATED" };
  const own = ownership.assigns === "sub" ? principal.sub : principal.customerId;
  if (own === null) return { ok: false, code: "FORBIDDEN" };
  const same =
    ownership.assigns === "customerId" ? own.toLowerCase() === value.toLowerCase() : own === value;
  return same ? { ok: true } : { ok: false, code: "FORBIDDEN" };
}
