import { DomainError, type FieldError } from "@shopstream/errors";
import type { NewEvent } from "@shopstream/outbox";
import { collect, intBetween, optionalText, requiredText } from "../shared/rules.ts";

/** Pure domain for the Warehouse aggregate: state, decisions and the events they raise. */

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

type WarehouseEventType =
  | "WarehouseCreated"
  | "WarehouseUpdated"
  | "WarehouseZoneAdded"
  | "WarehouseZoneRemoved"
  | "WarehouseDeactivated";

export type WarehouseEvent = NewEvent<WarehouseEventType, Record<string, unknown>>;

export interface Decision {
  state: Warehouse;
  events: WarehouseEvent[];
}

const MAX_CAPACITY = 2_000_000_000;

function addressProblems(address: AddressInput, prefix: string): FieldError[] {
  return collect([
    [`${prefix}.street`, requiredText(address.street, 255)],
    [`${prefix}.city`, requiredText(address.city, 100)],
    [`${prefix}.state`, optionalText(address.state, 100)],
    [`${prefix}.postalCode`, requiredText(address.postalCode, 20)],
    [`${prefix}.country`, requiredText(address.country, 100)],
  ]);
}

const cleanAddress = (a: AddressInput): WarehouseAddress => ({
  street: a.street.trim(),
  city: a.city.trim(),
  state: a.state?.trim() || null,
  postalCode: a.postalCode.trim(),
  country: a.country.trim(),
});

const capacityProblem = (c: number | null | undefined) =>
  c == null ? null : intBetween(c, 1, MAX_CAPACITY);

function zonesProblem(zones: readonly string[]): string | null {
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

function event(w: Warehouse, type: WarehouseEventType, payload: Record<string, unknown>) {
  return {
    type,
    aggregateType: "Warehouse",
    aggregateId: w.id,
    aggregateVersion: w.version,
    payload: { warehouseId: w.id, ...payload },
  };
}

export function createWarehouse(command: CreateWarehouseCommand, id: string, now: Date): Decision {
  const zones = command.zones?.length ? command.zones : (["REGULAR"] as WarehouseZone[]);
  const problems = collect([
    ["name", requiredText(command.name, 100)],
    ["capacity", capacityProblem(command.capacity)],
    ["zones", zonesProblem(zones)],
  ]);
  problems.splice(1, 0, ...addressProblems(command.address, "address"));
  if (problems.length > 0) throw DomainError.validation(problems);
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
  return { state, events: [event(state, "WarehouseCreated", snapshot(state))] };
}

function assertActive(w: Warehouse, action: string): void {
  if (!w.active) throw DomainError.invalidTransition("warehouse", "INACTIVE", action);
}

export function updateWarehouse(
  w: Warehouse,
  command: UpdateWarehouseCommand,
  now: Date,
): Decision {
  const problems = collect([
    ["name", command.name === undefined ? null : requiredText(command.name, 100)],
    ["capacity", capacityProblem(command.capacity)],
  ]);
  if (command.address != null)
    problems.splice(1, 0, ...addressProblems(command.address, "address"));
  if (problems.length > 0) throw DomainError.validation(problems);
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
  const state: Warehouse = { ...w, ...changes, version: w.version + 1, updatedAt: now };
  return {
    state,
    events: [event(state, "WarehouseUpdated", { previous, current: changes })],
  };
}

export function addWarehouseZone(w: Warehouse, zone: WarehouseZone, now: Date): Decision {
  const problem = zonesProblem([zone]);
  if (problem) throw DomainError.validation([{ field: "zone", message: problem }]);
  assertActive(w, "add a zone to");
  if (w.zones.includes(zone)) {
    throw DomainError.duplicate("warehouse zone", "zone", `The warehouse already has zone ${zone}`);
  }
  const state: Warehouse = {
    ...w,
    zones: [...w.zones, zone],
    version: w.version + 1,
    updatedAt: now,
  };
  return {
    state,
    events: [
      event(state, "WarehouseZoneAdded", { zone, previousZones: w.zones, zones: state.zones }),
    ],
  };
}

export function removeWarehouseZone(w: Warehouse, zone: WarehouseZone, now: Date): Decision {
  assertActive(w, "remove a zone from");
  if (!w.zones.includes(zone)) {
    throw DomainError.validation([{ field: "zone", message: "is not a zone of this warehouse" }]);
  }
  if (w.zones.length === 1) {
    throw DomainError.validation([{ field: "zone", message: "is the warehouse's last zone" }]);
  }
  const state: Warehouse = {
    ...w,
    zones: w.zones.filter((z) => z !== zone),
    version: w.version + 1,
    updatedAt: now,
  };
  return {
    state,
    events: [
      event(state, "WarehouseZoneRemoved", { zone, previousZones: w.zones, zones: state.zones }),
    ],
  };
}

/** One-way. The default warehouse stays active: new variants get their stock item there. */
export function deactivateWarehouse(w: Warehouse, now: Date): Decision {
  assertActive(w, "deactivate");
  if (w.isDefault) throw DomainError.invalidTransition("warehouse", "DEFAULT", "deactivate");
  const state: Warehouse = {
    ...w,
    active: false,
    deactivatedAt: now,
    version: w.version + 1,
    updatedAt: now,
  };
  return {
    state,
    events: [event(state, "WarehouseDeactivated", { deactivatedAt: now.toISOString() })],
  };
}
