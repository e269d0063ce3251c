import { codeOf, fieldsOf } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import {
  addWarehouseZone,
  createWarehouse,
  deactivateWarehouse,
  removeWarehouseZone,
  updateWarehouse,
  type Warehouse,
} from "./warehouse.ts";

const now = new Date("2026-11-24T12:00:00.000Z");
const address = { street: "1 Dock Rd", city: "Hull", postalCode: "HU1 1AA", country: "GB" };

const warehouse = (patch: Partial<Warehouse> = {}): Warehouse => ({
  ...createWarehouse({ name: "North", address, zones: ["REGULAR", "COLD"] }, "w", now).state,
  ...patch,
});

describe("createWarehouse", () => {
  it("creates an active, non-default warehouse at version 1 with WarehouseCreated", () => {
    const { state, events } = createWarehouse(
      { name: " North ", address, capacity: 500 },
      "w",
      now,
    );
    expect(state).toMatchObject({
      name: "North",
      capacity: 500,
      zones: ["REGULAR"],
      active: true,
      isDefault: false,
      version: 1,
      address: { ...address, state: null },
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: "WarehouseCreated",
        aggregateType: "Warehouse",
        aggregateVersion: 1,
      }),
    ]);
  });

  it("names every invalid field", () => {
    expect(
      fieldsOf(() =>
        createWarehouse(
          {
            name: "",
            address: { street: "", city: "c", postalCode: "x".repeat(21), country: "GB" },
            capacity: 0,
            zones: ["COLD", "COLD"],
          },
          "w",
          now,
        ),
      ),
    ).toEqual(["name", "address.street", "address.postalCode", "capacity", "zones"]);
  });
});

describe("warehouse changes", () => {
  it("updates only what changed, with previous and current values", () => {
    const { state, events } = updateWarehouse(warehouse(), { name: "South", capacity: null }, now);
    expect(state).toMatchObject({ name: "South", version: 2 });
    expect(events[0]).toMatchObject({
      type: "WarehouseUpdated",
      aggregateVersion: 2,
      payload: { previous: { name: "North" }, current: { name: "South" } },
    });
  });

  it("changes nothing (no event, same version) when nothing differs", () => {
    const w = warehouse();
    expect(updateWarehouse(w, { name: "North" }, now)).toEqual({ state: w, events: [] });
  });

  it("adds and removes zones", () => {
    const added = addWarehouseZone(warehouse(), "HAZMAT", now);
    expect(added.state.zones).toEqual(["REGULAR", "COLD", "HAZMAT"]);
    expect(added.events[0]).toMatchObject({ type: "WarehouseZoneAdded", aggregateVersion: 2 });
    const removed = removeWarehouseZone(added.state, "COLD", now);
    expect(removed.state.zones).toEqual(["REGULAR", "HAZMAT"]);
    expect(removed.events[0]).toMatchObject({ type: "WarehouseZoneRemoved", aggregateVersion: 3 });
  });

  it.each<[string, () => unknown, string]>([
    ["adding a zone it has", () => addWarehouseZone(warehouse(), "COLD", now), "DUPLICATE"],
    [
      "removing a zone it lacks",
      () => removeWarehouseZone(warehouse(), "HAZMAT", now),
      "VALIDATION_FAILED",
    ],
    [
      "removing the last zone",
      () => removeWarehouseZone(warehouse({ zones: ["COLD"] }), "COLD", now),
      "VALIDATION_FAILED",
    ],
    [
      "deactivating the default",
      () => deactivateWarehouse(warehouse({ isDefault: true }), now),
      "INVALID_STATE_TRANSITION",
    ],
    [
      "deactivating twice",
      () => deactivateWarehouse(warehouse({ active: false }), now),
      "INVALID_STATE_TRANSITION",
    ],
    [
      "updating an inactive one",
      () => updateWarehouse(warehouse({ active: false }), { name: "X" }, now),
      "INVALID_STATE_TRANSITION",
    ],
    [
      "adding a zone to an inactive one",
      () => addWarehouseZone(warehouse({ active: false }), "HAZMAT", now),
      "INVALID_STATE_TRANSITION",
    ],
  ])("rejects %s", (_, fn, code) => {
    expect(codeOf(fn)).toBe(code);
  });

  it("deactivates for good", () => {
    const { state, events } = deactivateWarehouse(warehouse(), now);
    expect(state).toMatchObject({ active: false, deactivatedAt: now, version: 2 });
    expect(events[0]).toMatchObject({ type: "WarehouseDeactivated", aggregateVersion: 2 });
  });
});
