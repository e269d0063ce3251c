import { domainError } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { CUSTOMER_ID, customer, invalidFields } from "./customer.fixtures.ts";
import {
  CUSTOMER_STATUSES,
  CUSTOMER_TIERS,
  type Customer,
  type CustomerStatus,
  type CustomerTier,
  canPlaceOrders,
} from "./customer.ts";
import {
  closeCustomer,
  reactivateCustomer,
  type StatusAction,
  suspendCustomer,
  upgradeCustomerTier,
} from "./customer-lifecycle.ts";

const act: Record<StatusAction, (c: Customer) => ReturnType<typeof closeCustomer>> = {
  suspend: (c) => suspendCustomer(c, "chargeback under review"),
  reactivate: reactivateCustomer,
  close: closeCustomer,
};

const reasonFor = (status: CustomerStatus) => (status === "SUSPENDED" ? "fraud check" : null);

describe("status transitions", () => {
  // Every (status, action) pair: the resulting status and event, or null when rejected.
  const table: [CustomerStatus, StatusAction, CustomerStatus | null, string | null][] = [
    ["ACTIVE", "suspend", "SUSPENDED", "CustomerSuspended"],
    ["ACTIVE", "reactivate", null, null],
    ["ACTIVE", "close", "CLOSED", "CustomerClosed"],
    ["SUSPENDED", "suspend", null, null],
    ["SUSPENDED", "reactivate", "ACTIVE", "CustomerReactivated"],
    ["SUSPENDED", "close", "CLOSED", "CustomerClosed"],
    ["CLOSED", "suspend", null, null],
    ["CLOSED", "reactivate", null, null],
    ["CLOSED", "close", null, null],
  ];

  it("covers every status and action", () => {
    expect(table).toHaveLength(CUSTOMER_STATUSES.length * Object.keys(act).length);
  });

  it.each(table.filter((row) => row[2] !== null))(
    "%s --%s--> %s raises %s",
    (from, action, to, type) => {
      const before = customer({ status: from, suspensionReason: reasonFor(from) });
      const { state, events } = act[action](before);
      expect(state).toMatchObject({ status: to, version: 4 });
      expect(events).toEqual([
        expect.objectContaining({
          type,
          aggregateType: "Customer",
          aggregateId: CUSTOMER_ID,
          aggregateVersion: 4,
          payload: expect.objectContaining({
            customerId: CUSTOMER_ID,
            previousStatus: from,
            status: to,
          }),
        }),
      ]);
    },
  );

  it.each(table.filter((row) => row[2] === null))(
    "%s --%s--> INVALID_STATE_TRANSITION",
    (from, action) => {
      const error = domainError(
        () => act[action](customer({ status: from, suspensionReason: reasonFor(from) })),
        "INVALID_STATE_TRANSITION",
      );
      expect(error.extensions).toMatchObject({ entity: "Customer", from, action });
    },
  );

  it("keeps the suspension reason while suspended and reports it on reactivation", () => {
    const suspended = suspendCustomer(customer(), "  chargeback  ");
    expect(suspended.state.suspensionReason).toBe("chargeback");
    expect(suspended.events[0]?.payload).toEqual({
      customerId: CUSTOMER_ID,
      reason: "chargeback",
      previousStatus: "ACTIVE",
      status: "SUSPENDED",
    });
    const reactivated = reactivateCustomer(suspended.state);
    expect(reactivated.state).toMatchObject({
      status: "ACTIVE",
      suspensionReason: null,
      version: 5,
    });
    expect(reactivated.events[0]?.payload).toMatchObject({ suspensionReason: "chargeback" });
  });

  it("clears the suspension reason on closing", () => {
    const closed = closeCustomer(customer({ status: "SUSPENDED", suspensionReason: "fraud" }));
    expect(closed.state).toMatchObject({ status: "CLOSED", suspensionReason: null });
    expect(closed.events[0]?.payload).toEqual({
      customerId: CUSTOMER_ID,
      previousStatus: "SUSPENDED",
      status: "CLOSED",
    });
  });

  it.each([
    ["", "is required"],
    ["   ", "is required"],
    ["x".repeat(501), "at most 500"],
  ])("rejects the suspension reason %j", (reason, message) => {
    const error = domainError(() => suspendCustomer(customer(), reason), "VALIDATION_FAILED");
    expect(error.extensions.fields).toEqual([
      { field: "reason", message: expect.stringMatching(message) },
    ]);
  });

  it("accepts a reason of exactly 500 characters", () => {
    expect(suspendCustomer(customer(), "x".repeat(500)).state.status).toBe("SUSPENDED");
  });

  it.each<[CustomerStatus, boolean]>([
    ["ACTIVE", true],
    ["SUSPENDED", false],
    ["CLOSED", false],
  ])("a %s customer can place orders: %s", (status, expected) => {
    expect(canPlaceOrders({ status })).toBe(expected);
  });
});

describe("tier upgrades", () => {
  const pairs = CUSTOMER_TIERS.flatMap((from) => CUSTOMER_TIERS.map((to) => [from, to] as const));
  const rank = (t: CustomerTier) => CUSTOMER_TIERS.indexOf(t);
  const upgrades = pairs.filter(([from, to]) => rank(to) > rank(from));
  const rejected = pairs.filter(([from, to]) => rank(to) <= rank(from));

  it("enumerates all 16 pairs: 6 upgrades (skipping allowed), 10 rejections", () => {
    expect(upgrades).toEqual([
      ["STANDARD", "SILVER"],
      ["STANDARD", "GOLD"],
      ["STANDARD", "PLATINUM"],
      ["SILVER", "GOLD"],
      ["SILVER", "PLATINUM"],
      ["GOLD", "PLATINUM"],
    ]);
    expect(rejected).toHaveLength(10);
  });

  it.each(upgrades)("%s → %s is an upgrade", (from, to) => {
    const { state, events } = upgradeCustomerTier(customer({ tier: from }), to);
    expect(state).toMatchObject({ tier: to, version: 4 });
    expect(events).toEqual([
      expect.objectContaining({
        type: "CustomerTierUpgraded",
        aggregateVersion: 4,
        payload: { customerId: CUSTOMER_ID, previousTier: from, tier: to },
      }),
    ]);
  });

  it.each(rejected)("%s → %s is rejected with INVALID_STATE_TRANSITION", (from, to) => {
    const error = domainError(
      () => upgradeCustomerTier(customer({ tier: from }), to),
      "INVALID_STATE_TRANSITION",
    );
    expect(error.extensions).toMatchObject({ from, to });
  });

  it("upgrades a SUSPENDED customer but not a CLOSED one", () => {
    const suspended = customer({ status: "SUSPENDED", suspensionReason: "x" });
    expect(upgradeCustomerTier(suspended, "GOLD").state.tier).toBe("GOLD");
    domainError(
      () => upgradeCustomerTier(customer({ status: "CLOSED" }), "GOLD"),
      "INVALID_STATE_TRANSITION",
    );
  });

  it("rejects a value that is not a tier", () => {
    expect(invalidFields(() => upgradeCustomerTier(customer(), "DIAMOND" as CustomerTier))).toEqual(
      ["tier"],
    );
  });
});
