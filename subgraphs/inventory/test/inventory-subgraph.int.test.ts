import { createPgAdapter } from "@shopstream/db";
import { newId } from "@shopstream/outbox";
import { TEST_ADMIN, testDatabaseUrl, unique } from "@shopstream/testing";
import { expectDomainError } from "@shopstream/testing/kit";
import { afterAll, describe, expect, it } from "vitest";
import { createContext } from "../src/context.ts";
import { PrismaClient } from "../src/generated/prisma/client.ts";
import { reserveStock } from "../src/reservations/reserve-stock.ts";
import { moveStock } from "../src/stock/move-stock.ts";
import { changeWarehouse } from "../src/warehouses/change-warehouse.ts";
import { createWarehouse } from "../src/warehouses/create-warehouse.ts";
import {
  address,
  DEFAULT_WAREHOUSE_ID,
  deps,
  expectGapFree,
  expectHistory,
  inProcessSubgraph,
  meta,
  newStockItem,
  prisma,
} from "./helpers.ts";

const { run } = inProcessSubgraph();

// A client that counts the SQL statements it sends, to prove look-ups batch.
const counted = new PrismaClient({
  adapter: createPgAdapter(testDatabaseUrl("inventory"), { max: 2 }),
  log: [{ emit: "event", level: "query" }],
});
let statements: string[] = [];
counted.$on("query", (e) => statements.push(e.query));
afterAll(() => counted.$disconnect());

const deactivate = (id: string) => changeWarehouse(deps, id, { kind: "deactivate" }, meta());

describe("warehouses (executeOperation)", () => {
  it("creates, updates, adds and removes zones, deactivates; events gap-free", async () => {
    const created = await run(
      `mutation($input: CreateWarehouseInput!) { createWarehouse(input: $input) { id name zones active isDefault version address { city } } }`,
      { input: { name: unique("wh"), address, capacity: 1000, zones: ["REGULAR"] } },
    );
    expect(created.errors).toBeUndefined();
    const w = created.data?.createWarehouse as { id: string };
    expect(w).toMatchObject({
      zones: ["REGULAR"],
      active: true,
      isDefault: false,
      version: 1,
      address: { city: "Hull" },
    });

    const steps = await run(
      `mutation($id: ID!) {
        a: updateWarehouse(id: $id, input: { name: "Renamed", capacity: null }) { name capacity version }
        b: addWarehouseZone(id: $id, zone: COLD) { zones version }
        c: removeWarehouseZone(id: $id, zone: REGULAR) { zones version }
        d: deactivateWarehouse(id: $id) { active deactivatedAt version }
      }`,
      { id: w.id },
    );
    expect(steps.errors).toBeUndefined();
    expect(steps.data).toMatchObject({
      a: { name: "Renamed", capacity: null, version: 2 },
      b: { zones: ["REGULAR", "COLD"], version: 3 },
      c: { zones: ["COLD"], version: 4 },
      d: { active: false, version: 5 },
    });
    await expectHistory(w.id, [
      "WarehouseCreated",
      "WarehouseUpdated",
      "WarehouseZoneAdded",
      "WarehouseZoneRemoved",
      "WarehouseDeactivated",
    ]);

    const again = await run(`mutation($id: ID!) { deactivateWarehouse(id: $id) { id } }`, {
      id: w.id,
    });
    expect(again.errors?.[0]?.extensions?.code).toBe("INVALID_STATE_TRANSITION");
  });

  it("refuses to deactivate the default warehouse, and answers VALIDATION_FAILED naming fields", async () => {
    const res = await run(`mutation($id: ID!) { deactivateWarehouse(id: $id) { id } }`, {
      id: DEFAULT_WAREHOUSE_ID,
    });
    expect(res.errors?.[0]?.extensions?.code).toBe("INVALID_STATE_TRANSITION");
    const bad = await run(
      `mutation($input: CreateWarehouseInput!) { createWarehouse(input: $input) { id } }`,
      { input: { name: "", address: { ...address, country: "" }, capacity: -1 } },
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: "VALIDATION_FAILED",
      fields: [{ field: "name" }, { field: "address.country" }, { field: "capacity" }],
    });
  });

  it("gives exactly one of concurrent changes to a warehouse, the others CONFLICT", async () => {
    const codes: unknown[] = [];
    // Rounds run until some change lost to a concurrent one (CONFLICT), the race this is about.
    for (let round = 0; round < 10 && !codes.includes("CONFLICT"); round++) {
      const w = await createWarehouse(deps, { name: unique("wh"), address }, meta());
      const results = await Promise.allSettled(
        (["COLD", "HAZMAT", "COLD", "HAZMAT"] as const).map((zone) =>
          run(
            `mutation($id: ID!, $zone: WarehouseZone!) { addWarehouseZone(id: $id, zone: $zone) { version } }`,
            { id: w.id, zone },
          ).then((r) => (r.errors ? Promise.reject(r.errors[0]?.extensions?.code) : r.data)),
        ),
      );
      const stored = await prisma.warehouse.findUniqueOrThrow({ where: { id: w.id } });
      const won = results.filter((r) => r.status === "fulfilled").length;
      expect(won).toBeGreaterThan(0);
      expect(won).toBe(stored.version - 1);
      for (const r of results.filter((r) => r.status === "rejected")) {
        const code = (r as PromiseRejectedResult).reason;
        expect(["CONFLICT", "DUPLICATE"]).toContain(code);
        codes.push(code);
      }
      await expectGapFree(w.id, stored.version);
    }
    expect(codes).toContain("CONFLICT");
  });

  it("pages warehouses with opaque cursors and validates first/after", async () => {
    await createWarehouse(deps, { name: unique("wh"), address }, meta());
    const first = await run(
      `{ warehouses(first: 1) { totalCount edges { cursor node { id isDefault } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
    );
    const page = first.data?.warehouses as {
      totalCount: number;
      edges: { node: { id: string; isDefault: boolean } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string };
    };
    expect(page.edges[0]?.node).toEqual({ id: DEFAULT_WAREHOUSE_ID, isDefault: true });
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = await run(
      `query($after: String) { warehouses(first: 100, after: $after) { edges { node { id } } pageInfo { hasPreviousPage } } }`,
      {
        after: page.pageInfo.endCursor,
      },
    );
    const rest = next.data?.warehouses as {
      edges: { node: { id: string } }[];
      pageInfo: { hasPreviousPage: boolean };
    };
    expect(rest.pageInfo.hasPreviousPage).toBe(true);
    expect(rest.edges.map((e) => e.node.id)).not.toContain(DEFAULT_WAREHOUSE_ID);

    const bad = await run(`{ warehouses(first: 101, after: "nope") { totalCount } }`);
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: "VALIDATION_FAILED",
      fields: [{ field: "first" }, { field: "after" }],
    });
  });
});

describe("stock through the subgraph (executeOperation)", () => {
  it("initializes, moves and reserves stock; DUPLICATE for a second item of a variant", async () => {
    const variantId = newId();
    const w = await createWarehouse(deps, { name: unique("wh"), address }, meta());
    const init = await run(
      `mutation($input: InitializeStockInput!) { initializeStock(input: $input) { id onHand available reorderPoint version warehouse { id isDefault } variant { id } } }`,
      { input: { variantId, warehouseId: w.id, reorderPoint: 2, reorderQuantity: 10 } },
    );
    expect(init.errors).toBeUndefined();
    const item = init.data?.initializeStock as { id: string };
    expect(item).toMatchObject({
      onHand: 0,
      available: 0,
      version: 1,
      warehouse: { id: w.id, isDefault: false },
      variant: { id: variantId },
    });
    const dup = await run(
      `mutation($input: InitializeStockInput!) { initializeStock(input: $input) { id } }`,
      {
        input: { variantId, warehouseId: w.id },
      },
    );
    expect(dup.errors?.[0]?.extensions).toMatchObject({
      code: "DUPLICATE",
      fields: [{ field: "variantId" }],
    });

    const moves = await run(
      `mutation($id: ID!) {
        receiveStock(stockItemId: $id, quantity: 10, reference: "PO-9") { onHand }
        adjustStock(stockItemId: $id, input: { quantity: -1, type: SHRINKAGE, reason: "theft" }) { onHand }
        recordStockCheck(stockItemId: $id, countedQuantity: 8) { onHand lastCountedQuantity lastCountedAt }
        markStockDamaged(stockItemId: $id, quantity: 2) { onHand damaged }
        writeOffDamagedStock(stockItemId: $id, quantity: 1) { damaged }
        returnStock(stockItemId: $id, quantity: 1) { onHand available damaged version }
      }`,
      { id: item.id },
    );
    expect(moves.errors).toBeUndefined();
    expect(moves.data?.returnStock).toEqual({ onHand: 7, available: 7, damaged: 1, version: 7 });

    const reserve = await run(
      `mutation($input: ReserveStockInput!) { reserveStock(input: $input) { id status quantity expiresAt stockItem { reserved available } } }`,
      { input: { stockItemId: item.id, quantity: 8 } },
    );
    expect(reserve.errors?.[0]?.extensions?.code).toBe("INSUFFICIENT_STOCK");
    const ok = await run(
      `mutation($input: ReserveStockInput!) { reserveStock(input: $input) { id status quantity orderId stockItem { reserved available } } }`,
      { input: { stockItemId: item.id, quantity: 5 } },
    );
    expect(ok.data?.reserveStock).toMatchObject({
      status: "ACTIVE",
      quantity: 5,
      orderId: null,
      stockItem: { reserved: 5, available: 2 },
    });

    const low = await run(
      `query($w: ID) { lowStockItems(warehouseId: $w, first: 100) { totalCount edges { node { id available reorderPoint lowStock } } } }`,
      {
        w: w.id,
      },
    );
    expect(low.data?.lowStockItems).toEqual({
      totalCount: 1,
      edges: [{ node: { id: item.id, available: 2, reorderPoint: 2, lowStock: true } }],
    });
  });

  it("refuses receiving into, or reserving from, a deactivated warehouse", async () => {
    const w = await createWarehouse(deps, { name: unique("wh"), address }, meta());
    const item = await newStockItem({ warehouseId: w.id, onHand: 5 });
    await deactivate(w.id);
    await expectDomainError(
      moveStock(deps, item.id, { kind: "receive", quantity: 1 }, meta()),
      "INVALID_STATE_TRANSITION",
    );
    await expectDomainError(
      reserveStock(deps, { stockItemId: item.id, quantity: 1 }, meta()),
      "INVALID_STATE_TRANSITION",
    );
    // Taking stock out still works.
    await moveStock(
      deps,
      item.id,
      { kind: "adjust", quantity: -5, type: "CORRECTION", reason: "moved out" },
      meta(),
    );
  });

  it("resolves ProductVariant.availability over active warehouses, 50 variants in one query", async () => {
    const other = await createWarehouse(deps, { name: unique("wh"), address }, meta());
    const closed = await createWarehouse(deps, { name: unique("wh"), address }, meta());
    const a = await newStockItem({ onHand: 5 });
    await newStockItem({ onHand: 3, warehouseId: other.id }).then((s) =>
      prisma.stockItem.update({ where: { id: s.id }, data: { variantId: a.variantId } }),
    );
    const c = await newStockItem({ onHand: 100, warehouseId: closed.id });
    await prisma.stockItem.update({ where: { id: c.id }, data: { variantId: a.variantId } });
    await deactivate(closed.id);
    await reserveStock(deps, { stockItemId: a.id, quantity: 2 }, meta());

    const ids = [a.variantId, ...Array.from({ length: 49 }, () => newId())];
    statements = [];
    const res = await run(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on ProductVariant { id availability { onHand reserved available inStock } } } }`,
      { reps: ids.map((id) => ({ __typename: "ProductVariant", id })) },
      createContext({ prisma: counted }, { correlationId: "t", principal: TEST_ADMIN, actor: "t" }),
    );
    expect(res.errors).toBeUndefined();
    const entities = res.data?._entities as { availability: unknown }[];
    expect(entities).toHaveLength(50);
    expect(entities[0]?.availability).toEqual({
      onHand: 8,
      reserved: 2,
      available: 6,
      inStock: true,
    });
    expect(entities[1]?.availability).toEqual({
      onHand: 0,
      reserved: 0,
      available: 0,
      inStock: false,
    });
    expect(statements).toHaveLength(1);
  });
});
