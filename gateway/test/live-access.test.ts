import { ANONYMOUS, principalOf } from "@shopstream/auth";
import { newId } from "@shopstream/outbox";
import { domainError } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { subscriberAccess } from "../src/live/access.ts";
import { orderStatusChanged, stockLevelChanged } from "../src/live/sources.ts";
import { levels, live, orderEvent, orderIds, stockEvent, stockIds } from "./live-fixtures.ts";

describe("subscriberAccess (the Subscription rows, per subscriber)", () => {
  const mine = orderIds();
  const theirs = orderIds();
  const paid = (ids: ReturnType<typeof orderIds>) =>
    live(orderEvent("OrderPaid", ids, { previousStatus: "PAYMENT_PENDING", status: "PAID" }));
  const customer = (customerId: string | null) => principalOf("ext-1", ["customer"], customerId);

  it("refuses anonymous callers UNAUTHENTICATED and signed-in ones without a role FORBIDDEN", () => {
    const refused = (field: string, principal = ANONYMOUS) =>
      domainError(() =>
        subscriberAccess(
          field,
          principal,
          field === "orderStatusChanged" ? orderStatusChanged : stockLevelChanged,
        ),
      ).code;
    expect(refused("orderStatusChanged")).toBe("UNAUTHENTICATED");
    expect(refused("stockLevelChanged")).toBe("UNAUTHENTICATED");
    expect(refused("orderStatusChanged", principalOf("svc", []))).toBe("FORBIDDEN");
    expect(refused("orderStatusChanged", principalOf("s", ["inventory_manager"]))).toBe(
      "FORBIDDEN",
    );
    expect(refused("stockLevelChanged", customer(mine.customerId))).toBe("FORBIDDEN");
    expect(refused("stockLevelChanged", principalOf("s", ["support"]))).toBe("FORBIDDEN");
  });

  it("lets a customer have the events of their own orders only, and staff with a role every one", () => {
    const forCustomer = subscriberAccess(
      "orderStatusChanged",
      customer(mine.customerId.toUpperCase()),
      orderStatusChanged,
    );
    expect(forCustomer(paid(mine))).toBe(true);
    expect(forCustomer(paid(theirs))).toBe(false);
    const unregistered = subscriberAccess("orderStatusChanged", customer(null), orderStatusChanged);
    expect(unregistered(paid(mine))).toBe(false);
    for (const role of ["fulfilment", "finance", "support", "admin"] as const) {
      const forStaff = subscriberAccess(
        "orderStatusChanged",
        principalOf("s", [role]),
        orderStatusChanged,
      );
      expect([forStaff(paid(mine)), forStaff(paid(theirs))], role).toEqual([true, true]);
    }
    const stock = live(stockEvent("StockReceived", stockIds(), levels(0), levels(3)));
    for (const role of ["inventory_manager", "fulfilment", "admin"] as const) {
      expect(
        subscriberAccess("stockLevelChanged", principalOf("s", [role]), stockLevelChanged)(stock),
      ).toBe(true);
    }
  });

  it("refuses a customer a field whose events name no owner rather than hand them everything", () => {
    expect(() => subscriberAccess("orderStatusChanged", customer(newId()), {})).toThrow(
      /cannot tell the owner/,
    );
  });
});
