import { PermanentEventError } from "@shopstream/events";
import { newId } from "@shopstream/outbox";
import { describe, expect, it } from "vitest";
import { customerViewChange } from "./customer-view.ts";

const id = newId();
const ev = (type: string, version: number, payload: unknown) => ({
  id: newId(),
  type,
  schemaVersion: 1,
  aggregateType: "Customer",
  aggregateId: id,
  aggregateVersion: version,
  occurredAt: new Date().toISOString(),
  payload,
  metadata: { correlationId: "t", causationId: null, idempotencyKey: null, actor: "t" },
});

describe("customerViewChange", () => {
  it.each([
    [
      "CustomerRegistered",
      { customerId: id, tier: "SILVER", status: "ACTIVE" },
      { kind: "insert", row: { customerId: id, status: "ACTIVE", tier: "SILVER", version: 3 } },
    ],
    [
      "CustomerSuspended",
      { status: "SUSPENDED" },
      { kind: "update", customerId: id, version: 3, status: "SUSPENDED" },
    ],
    [
      "CustomerReactivated",
      { status: "ACTIVE" },
      { kind: "update", customerId: id, version: 3, status: "ACTIVE" },
    ],
    [
      "CustomerClosed",
      { status: "CLOSED" },
      { kind: "update", customerId: id, version: 3, status: "CLOSED" },
    ],
    [
      "CustomerTierUpgraded",
      { previousTier: "SILVER", tier: "GOLD" },
      { kind: "update", customerId: id, version: 3, tier: "GOLD" },
    ],
    ["CustomerProfileUpdated", {}, null],
    ["CustomerAddressAdded", {}, null],
  ])("%s", (type, payload, expected) => {
    expect(customerViewChange(ev(type, 3, payload))).toEqual(expected);
  });

  it("rejects malformed payloads", () => {
    expect(() => customerViewChange(ev("CustomerRegistered", 1, { tier: "GOLD" }))).toThrow(
      PermanentEventError,
    );
    expect(() => customerViewChange(ev("CustomerTierUpgraded", 2, { tier: "DIAMOND" }))).toThrow(
      PermanentEventError,
    );
  });
});
