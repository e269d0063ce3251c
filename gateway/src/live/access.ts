import type { Principal } from "@shopstream/auth";
import { DomainError } from "@shopstream/errors";
import type { LiveEvent } from "@shopstream/live";
import { access, ruleFor } from "@shopstream/policy";
import type { LiveSource } from "./sources.ts";

/** Which of a field's events one subscriber may receive. */
export type EventAccess = (event: LiveEvent) => boolean;

const everything: EventAccess = () => true;

/**
 * The policy table's row for a `Subscription` field, applied to one subscriber as they
 * subscribe: refused (UNAUTHENTICATED when anonymous, FORBIDDEN when signed in) when the row does
 * not let them in; otherwise which events they receive. Staff let in by a role receive every
 * event; a caller let in as a customer only the events of what they own, whatever the arguments
 * say: with none, their own orders; naming another customer's order or customer id, nothing at
 * all, exactly as for one that does not exist. A customer not registered yet (no customer id)
 * owns nothing and receives nothing.
 */
export function subscriberAccess(
  field: string,
  principal: Principal,
  source: Pick<LiveSource, "owner">,
): EventAccess {
  const rule = ruleFor(`Subscription.${field}`);
  if (!rule) throw new Error(`Subscription.${field} has no row in the policy table`);
  const decision = access(principal, rule);
  if (!decision.allowed) {
    throw new DomainError(
      decision.code,
      decision.code === "UNAUTHENTICATED"
        ? `Sign in to subscribe to ${field}`
        : `Your roles do not allow subscribing to ${field}`,
    );
  }
  if (!decision.ownership) return everything;
  const { owner } = source;
  // A row that binds customers to what they own, on a field whose events name no owner: refusing
  // is the only answer that cannot hand a customer someone else's events.
  if (!owner) throw new Error(`Subscription.${field} cannot tell the owner of its events`);
  const own = principal.customerId?.toLowerCase() ?? null;
  if (own === null) return () => false;
  return (event) => owner(event) === own;
}
