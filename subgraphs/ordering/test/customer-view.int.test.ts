import { newId } from "@shopstream/outbox";
import { afterAll, describe, expect, it } from "vitest";
import { findCustomerView } from "../src/customers/customer-view.repository.ts";
import { applyCustomerEvent, event, prisma } from "./ordering.harness.ts";

afterAll(() => prisma.$disconnect());

describe("ordering.customer-view consumer (fed by identity's Customer events)", () => {
  it("follows registration, suspension, reactivation, tier upgrades and closure; ignores stale or repeated events", async () => {
    const id = newId();
    const registered = event("Customer", id, "CustomerRegistered", 1, {
      customerId: id,
      tier: "STANDARD",
      status: "ACTIVE",
      email: "x@example.com",
    });
    await applyCustomerEvent(registered);
    expect(await findCustomerView(prisma, id)).toEqual({
      customerId: id,
      status: "ACTIVE",
      tier: "STANDARD",
      version: 1,
    });
    await applyCustomerEvent(event("Customer", id, "CustomerProfileUpdated", 2, { changes: {} }));
    await applyCustomerEvent(
      event("Customer", id, "CustomerSuspended", 3, {
        previousStatus: "ACTIVE",
        status: "SUSPENDED",
        reason: "x",
      }),
    );
    expect((await findCustomerView(prisma, id))?.status).toBe("SUSPENDED");
    await applyCustomerEvent(
      event("Customer", id, "CustomerReactivated", 4, {
        previousStatus: "SUSPENDED",
        status: "ACTIVE",
      }),
    );
    await applyCustomerEvent(
      event("Customer", id, "CustomerTierUpgraded", 5, { previousTier: "STANDARD", tier: "GOLD" }),
    );
    // Delivered twice, or late: nothing changes.
    await applyCustomerEvent(registered);
    await applyCustomerEvent(
      event("Customer", id, "CustomerSuspended", 3, { status: "SUSPENDED" }),
    );
    expect(await findCustomerView(prisma, id)).toEqual({
      customerId: id,
      status: "ACTIVE",
      tier: "GOLD",
      version: 5,
    });
    await applyCustomerEvent(
      event("Customer", id, "CustomerClosed", 6, { previousStatus: "ACTIVE", status: "CLOSED" }),
    );
    expect(await findCustomerView(prisma, id)).toEqual({
      customerId: id,
      status: "CLOSED",
      tier: "GOLD",
      version: 6,
    });
  });
});
