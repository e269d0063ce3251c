import { ANONYMOUS, type Principal, principalOf, STAFF_ROLES } from "@shopstream/auth";
import { access } from "./access.ts";
import { POLICY } from "./table.ts";

/** Every kind of caller the matrix covers: anonymous, a customer, each staff role, a service. */
export const MATRIX_ROLES = ["anonymous", "customer", ...STAFF_ROLES, "service"] as const;
export type MatrixRole = (typeof MATRIX_ROLES)[number];

/**
 * What a caller gets on a row: `allowed` (unconditionally), `own` (allowed for what they own:
 * another customer's entity is answered as a missing one), or the refusal's error code.
 */
export type MatrixDecision = "allowed" | "own" | "UNAUTHENTICATED" | "FORBIDDEN";

export interface MatrixCell {
  /** `Query.order`, `Mutation.cancelOrder`, `Subscription.orderStatusChanged`, `Entity.Order`. */
  coordinate: string;
  role: MatrixRole;
  decision: MatrixDecision;
}

/** A principal holding just `role` (stable, made-up subject and customer id). */
export function matrixPrincipal(role: MatrixRole): Principal {
  if (role === "anonymous") return ANONYMOUS;
  if (role === "service") return principalOf("matrix-service", []);
  if (role === "customer")
    return principalOf("matrix-customer", ["customer"], "00000000-0000-4000-8000-00000000c057");
  return principalOf(`matrix-${role}`, [role]);
}

/**
 * The role × coordinate matrix: for every row of the table and every role, the decision. Phase
 * 2's end-to-end test drives the gateway with it (a caller holding `role`, on `coordinate`, must
 * get `decision`).
 */
export function policyMatrix(): MatrixCell[] {
  const cells: MatrixCell[] = [];
  for (const [coordinate, rule] of Object.entries(POLICY)) {
    for (const role of MATRIX_ROLES) {
      const decision = access(matrixPrincipal(role), rule);
      cells.push({
        coordinate,
        role,
        decision: decision.allowed ? (decision.ownership ? "own" : "allowed") : decision.code,
      });
    }
  }
  return cells;
}
