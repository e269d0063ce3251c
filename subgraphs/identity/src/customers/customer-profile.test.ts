import { domainError } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { CUSTOMER_ID, customer, invalidFields, NOW } from "./customer.fixtures.ts";
import { type UpdateCustomerProfileCommand, updateCustomerProfile } from "./customer-profile.ts";

const update = (command: UpdateCustomerProfileCommand, c = customer()) =>
  updateCustomerProfile(c, command, NOW);

describe("updateCustomerProfile", () => {
  it("changes the given fields and records each with its previous and new value", () => {
    const { state, events } = update({
      email: " Augusta@Example.org ",
      firstName: "Augusta",
      phone: "+44 20 7946 0958",
      dateOfBirth: "1915-12-10",
    });
    expect(state).toMatchObject({
      email: "Augusta@Example.org",
      firstName: "Augusta",
      lastName: "Lovelace",
      phone: "+44 20 7946 0958",
      dateOfBirth: "1915-12-10",
      version: 4,
    });
    expect(events).toEqual([
      {
        type: "CustomerProfileUpdated",
        aggregateType: "Customer",
        aggregateId: CUSTOMER_ID,
        aggregateVersion: 4,
        payload: {
          customerId: CUSTOMER_ID,
          changes: {
            email: { previous: "ada@example.com", new: "Augusta@Example.org" },
            firstName: { previous: "Ada", new: "Augusta" },
            phone: { previous: null, new: "+44 20 7946 0958" },
            dateOfBirth: { previous: null, new: "1915-12-10" },
          },
        },
      },
    ]);
  });

  it("clears phone and date of birth with null or an empty string", () => {
    const before = customer({ phone: "0123", dateOfBirth: "1990-01-01" });
    const { state, events } = update({ phone: null, dateOfBirth: "" }, before);
    expect(state).toMatchObject({ phone: null, dateOfBirth: null });
    expect(events[0]?.payload).toMatchObject({
      changes: {
        phone: { previous: "0123", new: null },
        dateOfBirth: { previous: "1990-01-01", new: null },
      },
    });
  });

  it("treats a change of case in the email as a change", () => {
    const { events } = update({ email: "ADA@example.com" });
    expect(events[0]?.payload).toMatchObject({
      changes: { email: { previous: "ada@example.com", new: "ADA@example.com" } },
    });
  });

  it.each<[string, UpdateCustomerProfileCommand]>([
    ["an empty input", {}],
    ["the current values", { email: "ada@example.com", firstName: " Ada ", phone: null }],
  ])("changes nothing for %s: no event, same version", (_, command) => {
    const before = customer();
    expect(update(command, before)).toEqual({ state: before, events: [] });
  });

  it("reports every invalid field at once", () => {
    expect(
      invalidFields(() =>
        update({
          email: "ada@localhost",
          firstName: "x".repeat(101),
          lastName: " ",
          phone: "call me",
          dateOfBirth: "2026-11-24",
        }),
      ),
    ).toEqual(["email", "firstName", "lastName", "phone", "dateOfBirth"]);
  });

  it("refuses to clear email or names", () => {
    expect(invalidFields(() => update({ email: null, firstName: null, lastName: null }))).toEqual([
      "email",
      "firstName",
      "lastName",
    ]);
  });

  it("judges and stores names trimmed", () => {
    const name = "x".repeat(100);
    expect(update({ firstName: `  ${name} `, lastName: " King " }).state).toMatchObject({
      firstName: name,
      lastName: "King",
    });
    expect(invalidFields(() => update({ firstName: ` ${name}x ` }))).toEqual(["firstName"]);
  });

  it("accepts names of exactly 100 characters", () => {
    const name = "x".repeat(100);
    expect(update({ firstName: name, lastName: name }).state).toMatchObject({
      firstName: name,
      lastName: name,
    });
  });

  it.each([
    ["ada.example.com", "exactly one @"],
    ["a@b@example.com", "exactly one @"],
    ["ada @example.com", "spaces"],
    ["ada..l@example.com", "consecutive dots"],
    ["ada@localhost", "dot"],
    ["ada@[999.1.1.1]", "IP literal"],
    ["", "is required"],
  ])("re-checks the email format: rejects %j (%s)", (email, message) => {
    const error = domainError(() => update({ email }), "VALIDATION_FAILED");
    expect(error.extensions.fields).toEqual([
      { field: "email", message: expect.stringMatching(message) },
    ]);
  });

  it.each(["x@[192.168.0.1]", "a.b+tag@sub.example.co.uk"])("accepts the email %s", (email) => {
    expect(update({ email }).state.email).toBe(email);
  });

  it("rejects a date of birth that is today or later", () => {
    expect(invalidFields(() => update({ dateOfBirth: "2026-11-24" }))).toEqual(["dateOfBirth"]);
    expect(update({ dateOfBirth: "2026-11-23" }).state.dateOfBirth).toBe("2026-11-23");
  });

  it("updates a SUSPENDED customer but not a CLOSED one", () => {
    const suspended = customer({ status: "SUSPENDED", suspensionReason: "x" });
    expect(update({ firstName: "Augusta" }, suspended).state.firstName).toBe("Augusta");
    domainError(
      () => update({ firstName: "Augusta" }, customer({ status: "CLOSED" })),
      "INVALID_STATE_TRANSITION",
    );
  });
});
