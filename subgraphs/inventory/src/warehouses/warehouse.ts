import type { Decision } from "@shopstream/commands";
import { DomainError } from "@shopstream/errors";
import type { NewEvent } from "@shopstream/outbox";
import {
  cleanText,
  collect,
  fieldPath,
  intProblem,
  optionalText,
  type Problem,
  requiredText,
  throwIfAny,
} from "@shopstream/rules";
import { withEvent } from "../shared/decision.ts";

/**
 * Pure domain for the Warehouse aggregate: state, decisions and the events they raise
 * (docs/inventory.md, "Warehouse").
 */

export const WAREHOUSE_ZONES = ["REGULAR", "COLD", "HAZMAT"] as const;
export type WarehouseZone = (typeof WAREHOUSE_ZONES)[number];

export interface WarehouseAddress {
  street: string;
  city: string;
  state: string | null;
  postalCode: string;
  country: string;
}

export interface Warehouse {
  id: string;
  name: string;
  address: WarehouseAddress | null;
  capacity: number | null;
  zones: WarehouseZone[];
  isDefault: boolean;
  active: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  deactivatedAt: Date | null;
}

export interface AddressInput {
  street: string;
  city: string;
  state?: string | null;
  postalCode: string;
  country: string;
}

export interface CreateWarehouseCommand {
  name: string;
  address: AddressInput;
  capacity?: number | null;
  /** [REGULAR] when omitted or empty. */
  zones?: WarehouseZone[] | null;
}

/** Only the fields given change; `capacity: null` removes the limit. */
export interface UpdateWarehouseCommand {
  name?: string | null;
  address?: AddressInput | null;
  capacity?: number | null;
}

/** A change to an existing warehouse, as the mutations ask for it. */
export type WarehouseChange =
  | { kind: "update"; input: UpdateWarehouseCommand }
  | { kind: "addZone"; zone: WarehouseZone }
  | { kind: "removeZone"; zone: WarehouseZone }
  | { kind: "deactivate" };

type WarehouseEventType =
  | "WarehouseCreated"
  | "WarehouseUpdated"
  | "WarehouseZoneAdded"
  | "WarehouseZoneRemoved"
  | "WarehouseDeactivated";

export type WarehouseEvent = NewEvent<WarehouseEventType, Record<string, unknown>>;
export type WarehouseDecision = Decision<Warehouse, WarehouseEvent>;

const MAX_CAPACITY = 2_000_000_000;

function addressChecks(a: AddressInput): [string, Problem][] {
  const at = (field: string) => fieldPath("address", field);
  return [
    [at("street"), requiredText(a.street, 255)],
    [at("city"), requiredText(a.city, 100)],
    [at("state"), optionalText(a.state, 100)],
    [at("postalCode"), requiredText(a.postalCode, 20)],
    [at("country"), requiredText(a.country, 100)],
  ];
}

const cleanAddress = (a: AddressInput): WarehouseAddress => ({
  street: a.street.trim(),
  city: a.city.trim(),
  state: cleanText(a.state),
  postalCode: a.postalCode.trim(),
  country: a.country.trim(),
});

const capacityProblem = (c: number | null | undefined) =>
  intProblem(c, { min: 1, max: MAX_CAPACITY });

function zonesProblem(zones: readonly string[]): Problem {
  if (zones.some((z) => !(WAREHOUSE_ZONES as readonly string[]).includes(z))) {
    return `must each be one of ${WAREHOUSE_ZONES.join(", ")}`;
  }
  if (new Set(zones).size !== zones.length) return "must not repeat a zone";
  return null;
}

const snapshot = (w: Warehouse) => ({
  warehouseId: w.id,
  name: w.name,
  address: w.address,
  capacity: w.capacity,
  zones: w.zones,
  isDefault: w.isDefault,
  active: w.active,
});

const decided = (state: Warehouse, type: WarehouseEventType, payload: Record<string, unknown>) =>
  withEvent(state, { type: "Warehouse", id: state.id }, type, {
    warehouseId: state.id,
    ...payload,
  });

/** The next version of `w`. */
const changed = (w: Warehouse, patch: Partial<Warehouse>, now: Date): Warehouse => ({
  ...w,
  ...patch,
  version: w.version + 1,
  updatedAt: now,
});

export function createWarehouse(
  command: CreateWarehouseCommand,
  id: string,
  now: Date,
): WarehouseDecision {
  const zones = command.zones?.length ? command.zones : (["REGULAR"] as WarehouseZone[]);
  throwIfAny(
    collect([
      ["name", requiredText(command.name, 100)],
      ...addressChecks(command.address),
      ["capacity", capacityProblem(command.capacity)],
      ["zones", zonesProblem(zones)],
    ]),
  );
  const state: Warehouse = {
    id,
    name: command.name.trim(),
    address: cleanAddress(command.address),
    capacity: command.capacity ?? null,
    zones: [...zones],
    isDefault: false,
    active: true,
    version: 1,
    createdAt: now,
    updatedAt: now,
    deactivatedAt: null,
  };
  return decided(state, "WarehouseCreated", snapshot(state));
}

function assertActive(w: Warehouse, action: string): void {
  if (!w.active) throw DomainError.invalidTransition("warehouse", "INACTIVE", action);
}

/** Decides any change to an existing warehouse. */
export function changeWarehouse(w: Warehouse, change: WarehouseChange, now: Date) {
  switch (change.kind) {
    case "update":
      return updateWarehouse(w, change.input, now);
    case "addZone":
      return addWarehouseZone(w, change.zone, now);
    case "removeZone":
      return removeWarehouseZone(w, change.zone, now);
    case "deactivate":
      return deactivateWarehouse(w, now);
  }
}

export function updateWarehouse(
  w: Warehouse,
  command: UpdateWarehouseCommand,
  now: Date,
): WarehouseDecision {
  throwIfAny(
    collect([
      ["name", command.name === undefined ? null : requiredText(command.name, 100)],
      ...(command.address == null ? [] : addressChecks(command.address)),
      ["capacity", capacityProblem(command.capacity)],
    ]),
  );
  assertActive(w, "update");

  const changes: Partial<Pick<Warehouse, "name" | "address" | "capacity">> = {};
  if (command.name != null && command.name.trim() !== w.name) changes.name = command.name.trim();
  if (command.address != null) {
    const address = cleanAddress(command.address);
    if (JSON.stringify(address) !== JSON.stringify(w.address)) changes.address = address;
  }
  if (command.capacity !== undefined && command.capacity !== w.capacity) {
    changes.capacity = command.capacity;
  }
  // Nothing to change: no new version, no event.
  if (Object.keys(changes).length === 0) return { state: w, events: [] };

  const previous = Object.fromEntries(
    Object.keys(changes).map((k) => [k, w[k as keyof typeof changes]]),
  );
  return decided(changed(w, changes, now), "WarehouseUpdated", { previous, current: changes });
}

/** The warehouse with other zones, and the event saying which zone came or went. */
function withZones(
  w: Warehouse,
  zones: WarehouseZone[],
  zone: WarehouseZone,
  type: "WarehouseZoneAdded" | "WarehouseZoneRemoved",
  now: Date,
): WarehouseDecision {
  return decided(changed(w, { zones }, now), type, { zone, previousZones: w.zones, zones });
}

export function addWarehouseZone(w: Warehouse, zone: WarehouseZone, now: Date) {
  const problem = zonesProblem([zone]);
  if (problem) throw DomainError.validation([{ field: "zone", message: problem }]);
  assertActive(w, "add a zone to");
  if (w.zones.includes(zone)) {
    throw DomainError.duplicate("warehouse zone", "zone", `The warehouse already has zone ${zone}`);
  }
  return withZones(w, [...w.zones, zone], zone, "WarehouseZoneAdded", now);
}

export function removeWarehouseZone(w: Warehouse, zone: WarehouseZone, now: Date) {
  assertActive(w, "remove a zone from");
  if (!w.zones.includes(zone)) {
    throw DomainError.validation([{ field: "zone", message: "is not a zone of this warehouse" }]);
  }
  if (w.zones.length === 1) {
    throw DomainError.validation([{ field: "zone", message: "is the warehouse's last zone" }]);
  }
  const zones = w.zones.filter((z) => z !== zone);
  return withZones(w, zones, zone, "WarehouseZoneRemoved", now);
}

/** One-way. The default warehouse stays active: new variants get their stock item there. */
export function deactivateWarehouse(w: Warehouse, now: Date): WarehouseDecision {
  assertActive(w, "deactivate");
  if (w.isDefault) throw DomainError.invalidTransition("warehouse", "DEFAULT", "deactivate");
  return decided(changed(w, { active: false, deactivatedAt: now }, now), "WarehouseDeactivated", {
    deactivatedAt: now.toISOString(),
  });
}
