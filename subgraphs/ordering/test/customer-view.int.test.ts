import { newId } from "@shopstream/outbox";
import { afterAll, describe, expect, it } from "vitest";
import {
  applyCustomerViewChange,
  findCustomerView,
} from "../src/customers/customer-view.repository.ts";
import { applyCustomerEvent, event, nextEvent, prisma } from "./ordering.harness.ts";

afterAll(() => prisma.$disconnect());

describe("ordering.customer-view consumer (fed by identity's Customer events)", () => {
  it("follows registration, suspension, reactivation, tier upgrades and closure; ignores stale or repeated events", async () => {
    const id = newId();
    const apply = async (type: string, payload: Record<string, unknown>, outcome = "applied") =>
      expect(await applyCustomerEvent(nextEvent("Customer", id, type, payload))).toBe(outcome);
    const registered = nextEvent("Customer", id, "CustomerRegistered", {
      customerId: id,
      tier: "STANDARD",
      status: "ACTIVE",
      email: "x@example.com",
    });
    expect(await applyCustomerEvent(registered)).toBe("applied");
    expect(await findCustomerView(prisma, id)).toEqual({
      customerId: id,
      status: "ACTIVE",
      tier: "STANDARD",
      version: 1,
    });
    await apply("CustomerProfileUpdated", { changes: {} }, "skipped-unhandled");
    await apply("CustomerSuspended", {
      previousStatus: "ACTIVE",
      status: "SUSPENDED",
      reason: "x",
    });
    expect((await findCustomerView(prisma, id))?.status).toBe("SUSPENDED");
    await apply("CustomerReactivated", { previousStatus: "SUSPENDED", status: "ACTIVE" });
    await apply("CustomerTierUpgraded", { previousTier: "STANDARD", tier: "GOLD" });
    // Delivered twice, or late: nothing changes.
    expect(await applyCustomerEvent(registered)).toBe("skipped-duplicate");
    expect(
      await applyCustomerEvent(
        event("Customer", id, "CustomerSuspended", 3, { status: "SUSPENDED" }),
      ),
    ).toBe("skipped-duplicate");
    // A stale change reaching the view itself (a rebuild from a replay) is ignored too.
    await prisma.$transaction((tx) =>
      applyCustomerViewChange(
        tx,
        { kind: "update", customerId: id, version: 3, status: "SUSPENDED" },
        new Date(),
      ),
    );
    expect(await findCustomerView(prisma, id)).toEqual({
      customerId: id,
      status: "ACTIVE",
      tier: "GOLD",
      version: 5,
    });
    await apply("CustomerClosed", { previousStatus: "ACTIVE", status: "CLOSED" });
    expect(await findCustomerView(prisma, id)).toEqual({
      customerId: id,
      status: "CLOSED",
      tier: "GOLD",
      version: 6,
    });
  });
});
