import { describe, expect, it } from "vitest";
import { inventoryConsumers, inventoryScheduledTasks } from "./consumers.ts";
import type { InventoryPrisma } from "./db.ts";

// Declarations only: nothing here reaches the database.
const prisma = {} as InventoryPrisma;

describe("what inventory gives the workers", () => {
  it("declares its consumers: name, source, aggregate types and the events handled", () => {
    const declared = inventoryConsumers(prisma).map((c) => ({
      name: c.name,
      source: c.source,
      aggregateTypes: c.aggregateTypes,
      handles: Object.keys(c.handlers).sort(),
    }));
    expect(declared).toEqual([
      {
        name: "inventory.variant-stock",
        source: "catalogue",
        aggregateTypes: ["ProductVariant"],
        handles: ["ProductVariantAdded"],
      },
      {
        name: "inventory.order-stock",
        source: "ordering",
        aggregateTypes: ["Order"],
        handles: ["OrderCancelled", "OrderConfirmed", "OrderPaid", "OrderShipmentRecorded"],
      },
    ]);
  });

  it("declares the reservation expiry job", () => {
    expect(inventoryScheduledTasks(prisma, { reservationExpiryEveryMs: 500 })).toMatchObject([
      { name: "inventory.release-expired-reservations", everyMs: 500 },
    ]);
  });
});
