import { describe, expect, it } from "vitest";
import { NEW_IDS as ids, invalidFields, NOW as now } from "./customer.fixtures.ts";
import { registerCustomer } from "./customer.ts";
import { dateOfBirthProblem, emailProblem, phoneProblem } from "./customer-rules.ts";

const valid = {
  externalId: "ext-1",
  email: "Ada@Example.com",
  firstName: "Ada",
  lastName: "Lovelace",
};

describe("email rule", () => {
  it.each([
    "ada@example.com",
    "a.b+tag@sub.example.co.uk",
    "x@[192.168.0.1]",
    "user@[IPv6:2001:db8::1]",
  ])("accepts %s", (email) => expect(emailProblem(email)).toBeNull());

  it.each([
    ["", "is required"],
    ["ada.example.com", "exactly one @"],
    ["a@b@example.com", "exactly one @"],
    ["ada @example.com", "spaces"],
    ["ada..l@example.com", "consecutive dots"],
    ["ada@example..com", "consecutive dots"],
    ["ada@localhost", "dot"],
    ["@example.com", "before the @"],
    [".ada@example.com", "start or end"],
    ["ada@[999.1.1.1]", "IP literal"],
    ["ada@-bad.com", "invalid domain"],
  ])("rejects %j (%s)", (email, message) => expect(emailProblem(email)).toMatch(message));
});

describe("phone rule", () => {
  it.each(["+44 (20) 7946-0958", "0123456789"])("accepts %s", (p) =>
    expect(phoneProblem(p)).toBeNull(),
  );
  it.each([
    ["+44 20 ext 5", "only digits"],
    ["+() -", "at least one digit"],
    ["123456789012345678901", "at most 20"],
  ])("rejects %j", (p, message) => expect(phoneProblem(p)).toMatch(message));
});

describe("date of birth rule", () => {
  it("accepts a past ISO date", () => expect(dateOfBirthProblem("1990-04-30", now)).toBeNull());
  it.each([
    ["1990-4-30", "ISO date"],
    ["1990-02-30", "real calendar date"],
    ["2026-11-24", "in the past"],
    ["2030-01-01", "in the past"],
  ])("rejects %s", (d, message) => expect(dateOfBirthProblem(d, now)).toMatch(message));
});

describe("registerCustomer", () => {
  it("creates an ACTIVE STANDARD customer at version 1 and raises CustomerRegistered", () => {
    const { state, events } = registerCustomer(valid, ids, now);
    expect(state).toMatchObject({
      id: ids.customerId,
      email: "Ada@Example.com",
      tier: "STANDARD",
      status: "ACTIVE",
      version: 1,
      addresses: [],
      registeredAt: now.toISOString(),
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: "CustomerRegistered",
        aggregateType: "Customer",
        aggregateId: ids.customerId,
        aggregateVersion: 1,
        payload: expect.objectContaining({
          customerId: ids.customerId,
          email: "Ada@Example.com",
          tier: "STANDARD",
        }),
      }),
    ]);
  });

  it("makes the first address the default", () => {
    const { state } = registerCustomer(
      {
        ...valid,
        address: { street: "1 Main St", city: "London", postalCode: "N1", country: "GB" },
      },
      ids,
      now,
    );
    expect(state.addresses).toEqual([
      expect.objectContaining({ id: ids.addressId, isDefault: true, label: "HOME" }),
    ]);
  });

  it("reports every invalid field at once", () => {
    const fields = invalidFields(() =>
      registerCustomer(
        {
          externalId: " ",
          email: "nope",
          firstName: "x".repeat(101),
          lastName: "",
          phone: "abc",
          dateOfBirth: "2999-01-01",
          address: { street: "", city: "c", postalCode: "x".repeat(21), country: "GB" },
        },
        ids,
        now,
      ),
    );
    expect(fields).toEqual([
      "externalId",
      "email",
      "firstName",
      "lastName",
      "phone",
      "dateOfBirth",
      "address.street",
      "address.postalCode",
    ]);
  });

  it("judges and stores text trimmed: names, ids, phone, date and address fields", () => {
    const name = ` ${"x".repeat(100)} `;
    const { state, events } = registerCustomer(
      {
        externalId: " ext-9 ",
        email: " Ada@Example.com ",
        firstName: name,
        lastName: " Lovelace ",
        phone: " 0123 ",
        dateOfBirth: " 1990-04-30 ",
        address: {
          street: " 1 Main St ",
          city: " London ",
          state: "  ",
          postalCode: " N1 ",
          country: " GB ",
        },
      },
      ids,
      now,
    );
    const { id, addresses, suspensionReason: _, version: __, ...registered } = state;
    expect(registered).toEqual({
      externalId: "ext-9",
      email: "Ada@Example.com",
      firstName: "x".repeat(100),
      lastName: "Lovelace",
      phone: "0123",
      dateOfBirth: "1990-04-30",
      tier: "STANDARD",
      status: "ACTIVE",
      registeredAt: now.toISOString(),
    });
    expect(addresses).toEqual([
      expect.objectContaining({
        street: "1 Main St",
        city: "London",
        state: null,
        postalCode: "N1",
        country: "GB",
      }),
    ]);
    // The event carries exactly the registered profile.
    expect(events[0]?.payload).toEqual({ customerId: id, ...registered });
  });

  it("treats blank phone and date of birth as absent", () => {
    const { state } = registerCustomer({ ...valid, phone: "  ", dateOfBirth: "" }, ids, now);
    expect(state).toMatchObject({ phone: null, dateOfBirth: null });
  });
});
