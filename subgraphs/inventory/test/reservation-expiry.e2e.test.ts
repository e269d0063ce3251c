import { newId } from "@shopstream/outbox";
import { graphql } from "@shopstream/testing";
import { pollUntil } from "@shopstream/testing/kit";
import { tokens } from "@shopstream/testing/tokens";
import { describe, expect, inject, it } from "vitest";

// The workers' scheduled job (a BullMQ job scheduler, every 500 ms in the e2e stack) releases
// expired reservations; no external cron is involved.
describe("reservation expiry through the running stack", () => {
  it("releases a reservation whose time to live ran out and gives its stock back", async () => {
    const gateway = inject("gatewayUrl");
    // The inventory manager stocks the item and watches it; a manual reservation is admin's.
    const manager = await tokens.headers("inventory_manager");
    const admin = await tokens.headers("admin");
    const init = await graphql<{ initializeStock: { id: string } }>(
      gateway,
      `mutation($input: InitializeStockInput!) { initializeStock(input: $input) { id } }`,
      { input: { variantId: newId() } },
      manager,
    );
    expect(init.errors).toBeUndefined();
    const stockItemId = init.data!.initializeStock.id;
    await graphql(
      gateway,
      `mutation($id: ID!) { receiveStock(stockItemId: $id, quantity: 5) { id } }`,
      { id: stockItemId },
      manager,
    );
    const reserved = await graphql<{ reserveStock: { id: string; status: string } }>(
      gateway,
      `mutation($input: ReserveStockInput!) { reserveStock(input: $input) { id status } }`,
      { input: { stockItemId, quantity: 2, ttlSeconds: 1 } },
      admin,
    );
    expect(reserved.errors).toBeUndefined();
    expect(reserved.data!.reserveStock.status).toBe("ACTIVE");
    const id = reserved.data!.reserveStock.id;

    const statusOf = async () => {
      const read = await graphql<{ reservation: { status: string } }>(
        gateway,
        `query($id: ID!) { reservation(id: $id) { status } }`,
        { id },
        manager,
      );
      return read.data?.reservation.status;
    };
    await pollUntil(
      "the expiry job to release the reservation",
      statusOf,
      (s) => s === "RELEASED",
      {
        timeoutMs: 15_000,
        intervalMs: 250,
      },
    );
    const stock = await graphql(
      gateway,
      `query($id: ID!) { stockItem(id: $id) { onHand reserved available } }`,
      { id: stockItemId },
      manager,
    );
    expect(stock).toEqual({ data: { stockItem: { onHand: 5, reserved: 0, available: 5 } } });
  });
});
