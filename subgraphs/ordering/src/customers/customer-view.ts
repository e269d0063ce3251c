import type { DomainEvent } from "@shopstream/outbox";
import { TIERS, type Tier } from "../pricing/price-view.ts";

/**
 * Ordering's view of identity's customers, pure part: how each Customer event changes it. Ordering
 * never reads identity's database; it needs only a customer's status (SUSPENDED and CLOSED
 * customers cannot order or check out) and tier (for tier prices).
 */

export const CUSTOMER_STATUSES = ["ACTIVE", "SUSPENDED", "CLOSED"] as const;
export type CustomerViewStatus = (typeof CUSTOMER_STATUSES)[number];

export interface CustomerView {
  customerId: string;
  status: CustomerViewStatus;
  tier: Tier;
  version: number;
}

/** A write to the view: a full row (registration) or a change of status and/or tier. */
export type CustomerViewChange =
  | { kind: "insert"; row: CustomerView }
  | {
      kind: "update";
      customerId: string;
      version: number;
      status?: CustomerViewStatus;
      tier?: Tier;
    };

/** The Customer events this view follows; every other Customer event leaves it alone. */
export const CUSTOMER_VIEW_EVENTS = [
  "CustomerRegistered",
  "CustomerSuspended",
  "CustomerReactivated",
  "CustomerClosed",
  "CustomerTierUpgraded",
] as const;

const asRecord = (v: unknown) =>
  typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};

function status(value: unknown): CustomerViewStatus {
  if (!CUSTOMER_STATUSES.includes(value as CustomerViewStatus)) {
    throw new TypeError(`status ${String(value)} is not a customer status`);
  }
  return value as CustomerViewStatus;
}

function tier(value: unknown): Tier {
  if (!TIERS.includes(value as Tier)) throw new TypeError(`tier ${String(value)} is not a tier`);
  return value as Tier;
}

/**
 * The view change one Customer event makes, or null for events the view ignores. Throws a
 * TypeError for a malformed payload (the consumer turns it into a permanent failure).
 */
export function customerViewChange(event: DomainEvent): CustomerViewChange | null {
  const p = asRecord(event.payload);
  const customerId = event.aggregateId;
  const version = event.aggregateVersion;
  switch (event.type) {
    case "CustomerRegistered":
      return {
        kind: "insert",
        row: { customerId, status: status(p.status), tier: tier(p.tier), version },
      };
    case "CustomerSuspended":
    case "CustomerReactivated":
    case "CustomerClosed":
      return { kind: "update", customerId, version, status: status(p.status) };
    case "CustomerTierUpgraded":
      return { kind: "update", customerId, version, tier: tier(p.tier) };
    default:
      return null;
  }
}
