import { randomUUID } from "node:crypto";
import { graphql, unique } from "@shopstream/testing";
import { type TestPrincipal, tokens } from "@shopstream/testing/tokens";
import { describe, expect, inject, it } from "vitest";

const gateway = () => inject("gatewayUrl");

type Data = Record<string, Record<string, unknown>>;

/**
 * The inventory manager runs warehouses and stock; reservation commands are admin's alone (the
 * order flow reserves through events, these are manual overrides).
 */
const MANAGER: TestPrincipal = "inventory_manager";
const ADMIN: TestPrincipal = "admin";

/** One operation as `who`, errors returned as they came. */
const send = async (who: TestPrincipal, query: string, variables: Record<string, unknown> = {}) =>
  graphql<Data>(gateway(), query, variables, await tokens.headers(who));

async function ok(
  query: string,
  variables: Record<string, unknown> = {},
  who: TestPrincipal = MANAGER,
): Promise<Data> {
  const result = await send(who, query, variables);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data!;
}

const LEVELS = "onHand reserved damaged available version";

describe("inventory journey through the gateway", () => {
  it("runs a warehouse, its stock and a reservation from creation to commit", async () => {
    const created = await ok(
      `mutation($input: CreateWarehouseInput!) { createWarehouse(input: $input) { id name zones active } }`,
      {
        input: {
          name: unique("Leeds"),
          address: { street: "2 Canal St", city: "Leeds", postalCode: "LS1 1AA", country: "GB" },
          capacity: 5000,
          zones: ["REGULAR", "COLD"],
        },
      },
    );
    const warehouseId = created.createWarehouse!.id as string;
    expect(created.createWarehouse).toMatchObject({ zones: ["REGULAR", "COLD"], active: true });

    const variantId = randomUUID();
    const init = await ok(
      `mutation($input: InitializeStockInput!) { initializeStock(input: $input) { id ${LEVELS} } }`,
      { input: { variantId, warehouseId, reorderPoint: 3, reorderQuantity: 20 } },
    );
    const id = init.initializeStock!.id as string;

    const moved = await ok(
      `mutation($id: ID!) {
        receiveStock(stockItemId: $id, quantity: 20, reference: "PO-1") { ${LEVELS} }
        adjustStock(stockItemId: $id, input: { quantity: -2, type: SHRINKAGE, reason: "broken seal" }) { ${LEVELS} }
        recordStockCheck(stockItemId: $id, countedQuantity: 17) { ${LEVELS} lastCountedQuantity }
        markStockDamaged(stockItemId: $id, quantity: 3, reason: "forklift") { ${LEVELS} }
        writeOffDamagedStock(stockItemId: $id, quantity: 2) { ${LEVELS} }
      }`,
      { id },
    );
    expect(moved.writeOffDamagedStock).toEqual({
      onHand: 14,
      reserved: 0,
      damaged: 1,
      available: 14,
      version: 6,
    });

    const reserved = await ok(
      `mutation($input: ReserveStockInput!) { reserveStock(input: $input) { id status quantity orderId } }`,
      { input: { stockItemId: id, quantity: 4, orderId: randomUUID() } },
      ADMIN,
    );
    const reservationId = reserved.reserveStock!.id as string;
    const confirmed = await ok(
      `mutation($id: ID!) { confirmReservation(id: $id) { status } }`,
      { id: reservationId },
      ADMIN,
    );
    expect(confirmed.confirmReservation).toEqual({ status: "CONFIRMED" });
    const committed = await ok(
      `mutation($id: ID!) { commitReservation(id: $id) { status version stockItem { ${LEVELS} } } }`,
      { id: reservationId },
      ADMIN,
    );
    expect(committed.commitReservation).toEqual({
      status: "COMMITTED",
      version: 3,
      stockItem: { onHand: 10, reserved: 0, damaged: 1, available: 10, version: 8 },
    });

    // Committing again is not a valid transition.
    const again = await send(ADMIN, `mutation($id: ID!) { commitReservation(id: $id) { id } }`, {
      id: reservationId,
    });
    expect(again.errors?.[0]?.extensions?.code).toBe("INVALID_STATE_TRANSITION");

    // A short-lived reservation carries its expiry (the scheduled job releases it).
    const before = Date.now();
    const shortLived = await ok(
      `mutation($input: ReserveStockInput!) { reserveStock(input: $input) { id status expiresAt } }`,
      { input: { stockItemId: id, quantity: 8, ttlSeconds: 1 } },
      ADMIN,
    );
    const expiresAt = Date.parse(shortLived.reserveStock!.expiresAt as string);
    expect(shortLived.reserveStock!.status).toBe("ACTIVE");
    expect(expiresAt).toBeGreaterThanOrEqual(before + 1000 - 50);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 1000 + 50);

    // More than is available: INSUFFICIENT_STOCK.
    const tooMuch = await send(
      ADMIN,
      `mutation($input: ReserveStockInput!) { reserveStock(input: $input) { id } }`,
      { input: { stockItemId: id, quantity: 3 } },
    );
    expect(tooMuch.errors?.[0]?.extensions?.code).toBe("INSUFFICIENT_STOCK");

    // Final state read back through the gateway, availability included (inventory's field on
    // the catalogue's ProductVariant entity).
    const read = await ok(
      `query($id: ID!, $w: ID!, $r: ID!) {
        stockItem(id: $id) {
          ${LEVELS} lowStock
          warehouse { id name }
          variant { id availability { onHand reserved available inStock } }
        }
        warehouse(id: $w) { stockItems { id } }
        reservation(id: $r) { status quantity }
        lowStockItems(warehouseId: $w) { totalCount edges { node { id available } } }
      }`,
      { id, w: warehouseId, r: shortLived.reserveStock!.id },
    );
    expect(read).toEqual({
      stockItem: {
        onHand: 10,
        reserved: 8,
        damaged: 1,
        available: 2,
        version: 10,
        lowStock: true,
        warehouse: { id: warehouseId, name: created.createWarehouse!.name },
        variant: {
          id: variantId,
          availability: { onHand: 10, reserved: 8, available: 2, inStock: true },
        },
      },
      warehouse: { stockItems: [{ id }] },
      reservation: { status: "ACTIVE", quantity: 8 },
      lowStockItems: { totalCount: 1, edges: [{ node: { id, available: 2 } }] },
    });
  });

  it("lists the seeded default warehouse first and validates paging", async () => {
    const page = await ok(
      `{ warehouses(first: 1) { edges { node { name isDefault } } pageInfo { hasNextPage } } }`,
    );
    expect(page.warehouses).toEqual({
      edges: [{ node: { name: "Main warehouse", isDefault: true } }],
      pageInfo: { hasNextPage: true },
    });
    const bad = await send(MANAGER, `{ lowStockItems(first: 500) { totalCount } }`);
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: "VALIDATION_FAILED",
      fields: [{ field: "first" }],
    });
  });
});
