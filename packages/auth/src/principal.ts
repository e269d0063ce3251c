/**
 * Who is calling. The gateway builds one from the client's verified token (or none: anonymous)
 * and hands it to the subgraphs inside an internal token; subgraphs authorize against it and
 * record it as the actor of the events a command writes.
 */

/** Staff roles, each a job: what it may do is the policy table's business (`@shopstream/policy`). */
export const STAFF_ROLES = [
  "catalogue_manager",
  "inventory_manager",
  "fulfilment",
  "finance",
  "support",
  "admin",
] as const;

export const ROLES = ["customer", ...STAFF_ROLES] as const;

export type StaffRole = (typeof STAFF_ROLES)[number];
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role =>
  typeof value === "string" && (ROLES as readonly string[]).includes(value);

export type PrincipalKind = "anonymous" | "customer" | "staff" | "service";

export interface Principal {
  kind: PrincipalKind;
  /** The identity provider's subject (`sub`); null for anonymous. */
  sub: string | null;
  /** A customer's own identity record (whose `externalId` is `sub`), once registered. */
  customerId: string | null;
  roles: Role[];
}

export const ANONYMOUS: Principal = Object.freeze({
  kind: "anonymous",
  sub: null,
  customerId: null,
  roles: [],
}) as Principal;

/**
 * The principal a set of roles makes: staff when any staff role is held (staff may also shop),
 * a customer when only `customer` is, a service (a machine client) when none is.
 */
export function principalOf(
  sub: string,
  roles: Role[],
  customerId: string | null = null,
): Principal {
  const unique = [...new Set(roles)];
  const kind: PrincipalKind = unique.some((r) => r !== "customer")
    ? "staff"
    : unique.includes("customer")
      ? "customer"
      : "service";
  return { kind, sub, customerId, roles: unique };
}

export const hasRole = (principal: Principal, role: Role): boolean =>
  principal.roles.includes(role);

/** How events and logs name the principal: `customer:<sub>`, `staff:<sub>`, `anonymous`. */
export function actorOf(principal: Principal): string {
  return principal.sub === null ? "anonymous" : `${principal.kind}:${principal.sub}`;
}
