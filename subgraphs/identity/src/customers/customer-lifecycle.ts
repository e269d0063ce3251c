import { DomainError } from "@shopstream/errors";
import { cleanText, requiredText } from "@shopstream/rules";
import {
  assertNotClosed,
  CUSTOMER_TIERS,
  type Customer,
  type CustomerDecision,
  type CustomerStatus,
  type CustomerTier,
  changed,
} from "./customer.ts";

/**
 * Status and tier of the Customer aggregate (pure, docs/identity.md "Status" and "Tier").
 * Status: ACTIVE → SUSPENDED (suspend, with a reason) → ACTIVE (reactivate); ACTIVE or SUSPENDED
 * → CLOSED (terminal); every other move is INVALID_STATE_TRANSITION. Tier: upgrades only,
 * skipping allowed; the same or a lower tier is INVALID_STATE_TRANSITION too (the request is
 * well-formed, the customer's current tier is what forbids it), as is any change to a CLOSED
 * customer.
 */

export type StatusAction = "suspend" | "reactivate" | "close";

/** The statuses each action may start from, and where it leads. */
export const STATUS_TRANSITIONS: Record<
  StatusAction,
  { from: CustomerStatus[]; to: CustomerStatus }
> = {
  suspend: { from: ["ACTIVE"], to: "SUSPENDED" },
  reactivate: { from: ["SUSPENDED"], to: "ACTIVE" },
  close: { from: ["ACTIVE", "SUSPENDED"], to: "CLOSED" },
};

export const SUSPENSION_REASON_MAX = 500;

export interface CustomerSuspendedPayload {
  customerId: string;
  reason: string;
  previousStatus: CustomerStatus;
  status: "SUSPENDED";
}

export interface CustomerReactivatedPayload {
  customerId: string;
  previousStatus: CustomerStatus;
  status: "ACTIVE";
  /** The reason of the suspension that ended. */
  suspensionReason: string | null;
}

export interface CustomerClosedPayload {
  customerId: string;
  previousStatus: CustomerStatus;
  status: "CLOSED";
}

export interface CustomerTierUpgradedPayload {
  customerId: string;
  previousTier: CustomerTier;
  tier: CustomerTier;
}

function assertTransition(customer: Customer, action: StatusAction): CustomerStatus {
  const { from, to } = STATUS_TRANSITIONS[action];
  if (!from.includes(customer.status)) {
    throw DomainError.invalidTransition("Customer", customer.status, action);
  }
  return to;
}

/** ACTIVE → SUSPENDED; the reason (required, ≤500) is kept until reactivation or closure. */
export function suspendCustomer(customer: Customer, reason: string): CustomerDecision {
  const problem = requiredText(reason, SUSPENSION_REASON_MAX);
  if (problem) throw DomainError.validation([{ field: "reason", message: problem }]);
  assertTransition(customer, "suspend");
  const stored = cleanText(reason)!;
  return changed(customer, { status: "SUSPENDED", suspensionReason: stored }, "CustomerSuspended", {
    reason: stored,
    previousStatus: customer.status,
    status: "SUSPENDED",
  });
}

/** SUSPENDED → ACTIVE. */
export function reactivateCustomer(customer: Customer): CustomerDecision {
  assertTransition(customer, "reactivate");
  return changed(customer, { status: "ACTIVE", suspensionReason: null }, "CustomerReactivated", {
    previousStatus: customer.status,
    status: "ACTIVE",
    suspensionReason: customer.suspensionReason,
  });
}

/** ACTIVE or SUSPENDED → CLOSED, for good. */
export function closeCustomer(customer: Customer): CustomerDecision {
  assertTransition(customer, "close");
  return changed(customer, { status: "CLOSED", suspensionReason: null }, "CustomerClosed", {
    previousStatus: customer.status,
    status: "CLOSED",
  });
}

export const tierRank = (tier: CustomerTier): number => CUSTOMER_TIERS.indexOf(tier);

/** Moves the customer to a strictly higher tier (skipping tiers is allowed). */
export function upgradeCustomerTier(customer: Customer, tier: CustomerTier): CustomerDecision {
  if (!CUSTOMER_TIERS.includes(tier)) {
    throw DomainError.validation([{ field: "tier", message: "is not a tier" }]);
  }
  assertNotClosed(customer, "upgrade the tier of");
  if (tierRank(tier) <= tierRank(customer.tier)) {
    throw new DomainError(
      "INVALID_STATE_TRANSITION",
      `Cannot move a ${customer.tier} customer to ${tier}: tiers are only upgraded`,
      { entity: "Customer", id: customer.id, from: customer.tier, to: tier, action: "upgradeTier" },
    );
  }
  return changed(customer, { tier }, "CustomerTierUpgraded", {
    previousTier: customer.tier,
    tier,
  });
}
