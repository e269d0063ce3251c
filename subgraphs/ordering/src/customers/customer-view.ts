import { parsePayload } from "@shopstream/events";
import type { DomainEvent } from "@shopstream/outbox";
import { z } from "zod";
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

const withStatus = z.object({ status: z.enum(CUSTOMER_STATUSES) });
const withTier = z.object({ tier: z.enum(TIERS) });
const registered = withStatus.extend(withTier.shape);

/**
 * The view change one Customer event makes, or null for events the view ignores. A malformed
 * payload is a PermanentEventError (the event can never apply; it is dead-lettered).
 */
export function customerViewChange(event: DomainEvent): CustomerViewChange | null {
  const customerId = event.aggregateId;
  const version = event.aggregateVersion;
  switch (event.type) {
    case "CustomerRegistered":
      return { kind: "insert", row: { customerId, ...parsePayload(registered, event), version } };
    case "CustomerSuspended":
    case "CustomerReactivated":
    case "CustomerClosed":
      return { kind: "update", customerId, version, ...parsePayload(withStatus, event) };
    case "CustomerTierUpgraded":
      return { kind: "update", customerId, version, ...parsePayload(withTier, event) };
    default:
      return null;
  }
}
