import { PermanentEventError } from "@shopstream/events";
import { type DomainEvent, defaultMetadata, toEnvelope } from "@shopstream/outbox";
import { describe, expect, it } from "vitest";
import {
  customer,
  CUSTOMER_ID as customerId,
  invalidFields,
  NEW_IDS,
} from "./customer.fixtures.ts";
import { CUSTOMER_EVENT_TYPES, type CustomerDecision, registerCustomer } from "./customer.ts";
import { addCustomerAddress } from "./customer-addresses.ts";
import {
  type CustomersArgs,
  customerRegisteredToEntry,
  directoryCursors,
  directoryIgnores,
  directoryProjections,
  parseCustomersArgs,
} from "./customer-directory.ts";
import {
  closeCustomer,
  reactivateCustomer,
  suspendCustomer,
  upgradeCustomerTier,
} from "./customer-lifecycle.ts";
import { updateCustomerProfile } from "./customer-profile.ts";

const now = new Date("2026-11-24T12:00:00.123Z");

function registered(): DomainEvent {
  const { events } = registerCustomer(
    { externalId: "ext-1", email: "Ada.Lovelace@Example.com", firstName: "Ada", lastName: "L" },
    NEW_IDS,
    now,
  );
  return toEnvelope(events[0]!, defaultMetadata(), now);
}

describe("directory projection", () => {
  it("turns CustomerRegistered into a full entry at the event's version", () => {
    expect(customerRegisteredToEntry(registered())).toEqual({
      id: customerId,
      email: "Ada.Lovelace@Example.com",
      emailNormalized: "ada.lovelace@example.com",
      firstName: "Ada",
      lastName: "L",
      tier: "STANDARD",
      status: "ACTIVE",
      registeredAt: now,
      version: 1,
    });
  });

  it("maps CustomerRegistered to a put of that entry", () => {
    const event = registered();
    expect(directoryProjections.CustomerRegistered?.(event)).toEqual({
      kind: "put",
      entry: customerRegisteredToEntry(event),
    });
  });

  it("rejects a payload it can never apply as a permanent failure", () => {
    const event = registered();
    const broken = { ...event, payload: { ...(event.payload as object), tier: "DIAMOND" } };
    expect(() => customerRegisteredToEntry(broken)).toThrow(PermanentEventError);
    const foreign = { ...event, aggregateId: "01900000-0000-7000-8000-00000000ffff" };
    expect(() => customerRegisteredToEntry(foreign)).toThrow(/is not aggregate/);
  });
});

describe("directory projection of later Customer events", () => {
  const envelope = (decision: CustomerDecision): DomainEvent =>
    toEnvelope(decision.events[0]!, defaultMetadata(), now);
  const project = (event: DomainEvent) =>
    directoryProjections[event.type as "CustomerClosed"]?.(event);
  const patch = (fields: object) => ({ kind: "patch", id: customerId, version: 4, fields });
  const c = customer({ id: customerId });

  it("acknowledges every Customer event type: each is projected or deliberately ignored", () => {
    const projected = Object.keys(directoryProjections);
    expect([...projected, ...directoryIgnores].sort()).toEqual([...CUSTOMER_EVENT_TYPES].sort());
    expect(projected.filter((t) => directoryIgnores.includes(t as never))).toEqual([]);
  });

  it.each<[string, () => CustomerDecision, object]>([
    [
      "email and name changes",
      () =>
        updateCustomerProfile(
          c,
          { email: "Augusta@Example.ORG", lastName: "King", phone: "1" },
          now,
        ),
      {
        email: "Augusta@Example.ORG",
        emailNormalized: "augusta@example.org",
        lastName: "King",
      },
    ],
    [
      "a phone-only change (nothing listed)",
      () => updateCustomerProfile(c, { phone: "1" }, now),
      {},
    ],
    ["a suspension", () => suspendCustomer(c, "fraud"), { status: "SUSPENDED" }],
    [
      "a reactivation",
      () => reactivateCustomer({ ...c, status: "SUSPENDED", suspensionReason: "x" }),
      { status: "ACTIVE" },
    ],
    ["a closure", () => closeCustomer(c), { status: "CLOSED" }],
    ["a tier upgrade", () => upgradeCustomerTier(c, "GOLD"), { tier: "GOLD" }],
  ])("patches the entry for %s at the event's version", (_, decide, fields) => {
    expect(project(envelope(decide()))).toEqual(patch(fields));
  });

  it("has no projection for address events", () => {
    const added = envelope(
      addCustomerAddress(c, { street: "s", city: "c", postalCode: "p", country: "GB" }, customerId),
    );
    expect(project(added)).toBeUndefined();
  });

  it("rejects a tier upgrade with an unknown tier as a permanent failure", () => {
    const event = envelope(upgradeCustomerTier(c, "GOLD"));
    const broken = { ...event, payload: { tier: "DIAMOND" } };
    expect(() => project(broken)).toThrow(PermanentEventError);
  });
});

describe("cursors", () => {
  const key = { at: now.toISOString(), id: customerId };
  const raw = (text: string) => Buffer.from(text).toString("base64url");

  it("round-trips the sort key through an opaque base64url string", () => {
    const cursor = directoryCursors.encode(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(customerId);
    expect(directoryCursors.decode(cursor)).toEqual(key);
  });

  it.each([
    ["empty", ""],
    ["not base64url", "abc+/="],
    ["not a key", raw("hello")],
    ["another list's", raw(`orders|${key.at}|${customerId}`)],
    ["bad id", raw(`customers|${key.at}|42`)],
    ["bad date", raw(`customers|2026-13-40T00:00:00.000Z|${customerId}`)],
    ["extra part", raw(`customers|${key.at}|${customerId}|x`)],
  ])("rejects %s", (_, cursor) => expect(directoryCursors.decode(cursor)).toBeNull());
});

describe("customers arguments", () => {
  it("defaults to the first 20 of everything", () => {
    expect(parseCustomersArgs({})).toEqual({
      emailPrefix: null,
      tier: null,
      status: null,
      first: 20,
      after: null,
    });
  });

  it("normalizes the email prefix like stored emails and decodes the cursor", () => {
    const key = { at: now.toISOString(), id: customerId };
    const after = directoryCursors.encode(key);
    expect(
      parseCustomersArgs({ filter: { email: " ADA@ ", tier: "GOLD" }, first: 0, after }),
    ).toEqual({ emailPrefix: "ada@", tier: "GOLD", status: null, first: 0, after: key });
  });

  it.each<[CustomersArgs, string[]]>([
    [{ first: 101 }, ["first"]],
    [{ first: -1 }, ["first"]],
    [{ after: "not-a-cursor" }, ["after"]],
    [
      { first: 1000, after: "x", filter: { email: "a".repeat(321) } },
      ["first", "after", "filter.email"],
    ],
  ])("rejects %j naming %j", (args, fields) =>
    expect(invalidFields(() => parseCustomersArgs(args))).toEqual(fields),
  );

  it("accepts the bounds 0 and 100", () => {
    expect(parseCustomersArgs({ first: 100 }).first).toBe(100);
    expect(parseCustomersArgs({ first: 0 }).first).toBe(0);
  });
});
