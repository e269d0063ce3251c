import { codeOf, domainError } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import {
  address,
  addressId,
  CUSTOMER_ID,
  customer,
  defaults,
  invalidFields,
} from "./customer.fixtures.ts";
import type { Customer } from "./customer.ts";
import {
  addCustomerAddress,
  MAX_ADDRESSES,
  removeCustomerAddress,
  setDefaultCustomerAddress,
  updateCustomerAddress,
} from "./customer-addresses.ts";

const input = { street: "9 High St", city: "Leeds", postalCode: "LS1", country: "GB" };

describe("addCustomerAddress", () => {
  it("makes the first address the default", () => {
    const { state, events } = addCustomerAddress(customer(), input, addressId(1));
    expect(state.addresses).toEqual([
      { ...input, id: addressId(1), label: "HOME", state: null, isDefault: true },
    ]);
    expect(events).toEqual([
      {
        type: "CustomerAddressAdded",
        aggregateType: "Customer",
        aggregateId: CUSTOMER_ID,
        aggregateVersion: 4,
        payload: { customerId: CUSTOMER_ID, address: state.addresses[0] },
      },
    ]);
  });

  it("appends later addresses as non-default, keeping the default", () => {
    const { state } = addCustomerAddress(
      customer({ addresses: 2 }),
      { ...input, label: "WORK", state: " Yorkshire " },
      addressId(3),
    );
    expect(state.addresses.map((a) => a.id)).toEqual([addressId(1), addressId(2), addressId(3)]);
    expect(state.addresses[2]).toMatchObject({
      label: "WORK",
      state: "Yorkshire",
      isDefault: false,
    });
    expect(defaults(state)).toEqual([addressId(1)]);
  });

  it(`accepts the ${MAX_ADDRESSES}th address and rejects the ${MAX_ADDRESSES + 1}th`, () => {
    const nine = customer({ addresses: MAX_ADDRESSES - 1 });
    const ten = addCustomerAddress(nine, input, addressId(10)).state;
    expect(ten.addresses).toHaveLength(MAX_ADDRESSES);
    const error = domainError(
      () => addCustomerAddress(ten, input, addressId(11)),
      "INVALID_STATE_TRANSITION",
    );
    expect(error.message).toMatch("10 addresses");
  });

  it("names every invalid field by its input name", () => {
    expect(
      invalidFields(() =>
        addCustomerAddress(
          customer(),
          {
            street: "",
            city: "x".repeat(101),
            state: "s".repeat(101),
            postalCode: "x".repeat(21),
            country: " ",
          },
          addressId(1),
        ),
      ),
    ).toEqual(["street", "city", "state", "postalCode", "country"]);
  });
});

describe("updateCustomerAddress", () => {
  it("changes the given fields and reports previous and new values", () => {
    const before = customer({ addresses: 2 });
    const { state, events } = updateCustomerAddress(before, addressId(2), {
      city: "Paris",
      country: "FR",
      state: "IDF",
      label: "WORK",
    });
    const updated = { ...address(2), city: "Paris", country: "FR", state: "IDF", label: "WORK" };
    expect(state.addresses).toEqual([address(1, true), updated]);
    expect(events[0]).toMatchObject({
      type: "CustomerAddressUpdated",
      aggregateVersion: 4,
      payload: {
        customerId: CUSTOMER_ID,
        addressId: addressId(2),
        changes: {
          label: { previous: "HOME", new: "WORK" },
          city: { previous: "London", new: "Paris" },
          state: { previous: null, new: "IDF" },
          country: { previous: "GB", new: "FR" },
        },
        address: updated,
      },
    });
  });

  it("judges and stores the given fields trimmed", () => {
    const before = customer({ addresses: 1 });
    const { state } = updateCustomerAddress(before, addressId(1), {
      street: ` ${"s".repeat(255)} `,
      city: " Bath ",
      state: "   ",
    });
    expect(state.addresses[0]).toEqual({
      ...address(1, true),
      street: "s".repeat(255),
      city: "Bath",
      state: null,
    });
  });

  it("clears the state with null and keeps fields left out", () => {
    const before = customer({ addresses: [{ ...address(1, true), state: "Kent" }] });
    const { state } = updateCustomerAddress(before, addressId(1), { state: null });
    expect(state.addresses[0]).toEqual({ ...address(1, true), state: null });
  });

  it("changes nothing when the values are the current ones", () => {
    const before = customer({ addresses: 1 });
    expect(updateCustomerAddress(before, addressId(1), { city: "London", label: null })).toEqual({
      state: before,
      events: [],
    });
  });

  it("rejects clearing a required field or overlong values", () => {
    expect(
      invalidFields(() =>
        updateCustomerAddress(customer({ addresses: 1 }), addressId(1), {
          street: null,
          city: "",
          postalCode: "x".repeat(21),
          country: null,
        }),
      ),
    ).toEqual(["street", "city", "postalCode", "country"]);
  });

  it("answers NOT_FOUND for an address of no one or of another customer", () => {
    expect(codeOf(() => updateCustomerAddress(customer({ addresses: 1 }), addressId(9), {}))).toBe(
      "NOT_FOUND",
    );
  });
});

describe("removeCustomerAddress", () => {
  it("removes a non-default address and keeps the default", () => {
    const { state, events } = removeCustomerAddress(customer({ addresses: 3 }), addressId(2));
    expect(state.addresses.map((a) => a.id)).toEqual([addressId(1), addressId(3)]);
    expect(defaults(state)).toEqual([addressId(1)]);
    expect(events[0]).toMatchObject({
      type: "CustomerAddressRemoved",
      aggregateVersion: 4,
      payload: {
        customerId: CUSTOMER_ID,
        addressId: addressId(2),
        address: address(2),
        wasDefault: false,
        promotedDefaultAddressId: null,
      },
    });
  });

  // Removing the default promotes the oldest remaining address.
  it.each<[string, Customer, string, string]>([
    ["first of three", customer({ addresses: 3 }), addressId(1), addressId(2)],
    [
      "last of three",
      customer({ addresses: [address(1), address(2), address(3, true)] }),
      addressId(3),
      addressId(1),
    ],
    [
      "middle of three",
      customer({ addresses: [address(1), address(2, true), address(3)] }),
      addressId(2),
      addressId(1),
    ],
  ])("removing the default (%s) promotes the oldest remaining", (_, before, removed, promoted) => {
    const { state, events } = removeCustomerAddress(before, removed);
    expect(defaults(state)).toEqual([promoted]);
    expect(events[0]?.payload).toMatchObject({
      wasDefault: true,
      promotedDefaultAddressId: promoted,
    });
  });

  it("refuses to remove the last address", () => {
    domainError(
      () => removeCustomerAddress(customer({ addresses: 1 }), addressId(1)),
      "INVALID_STATE_TRANSITION",
    );
  });

  it("answers NOT_FOUND for an unknown address", () => {
    expect(codeOf(() => removeCustomerAddress(customer({ addresses: 2 }), addressId(7)))).toBe(
      "NOT_FOUND",
    );
  });
});

describe("setDefaultCustomerAddress", () => {
  it("moves the default and reports previous and new", () => {
    const { state, events } = setDefaultCustomerAddress(customer({ addresses: 3 }), addressId(3));
    expect(defaults(state)).toEqual([addressId(3)]);
    expect(events[0]).toMatchObject({
      type: "DefaultCustomerAddressChanged",
      aggregateVersion: 4,
      payload: {
        customerId: CUSTOMER_ID,
        previousDefaultAddressId: addressId(1),
        defaultAddressId: addressId(3),
      },
    });
  });

  it("changes nothing when the address already is the default", () => {
    const before = customer({ addresses: 2 });
    expect(setDefaultCustomerAddress(before, addressId(1))).toEqual({ state: before, events: [] });
  });

  it("answers NOT_FOUND for an unknown address", () => {
    expect(codeOf(() => setDefaultCustomerAddress(customer({ addresses: 2 }), addressId(5)))).toBe(
      "NOT_FOUND",
    );
  });
});

describe("address invariants", () => {
  it.each<[string, (c: Customer) => unknown]>([
    ["add", (c) => addCustomerAddress(c, input, addressId(5))],
    ["update", (c) => updateCustomerAddress(c, addressId(1), { city: "Bath" })],
    ["remove", (c) => removeCustomerAddress(c, addressId(2))],
    ["set default", (c) => setDefaultCustomerAddress(c, addressId(2))],
  ])("a CLOSED customer's addresses cannot change (%s)", (_, op) => {
    domainError(() => op(customer({ status: "CLOSED", addresses: 2 })), "INVALID_STATE_TRANSITION");
  });

  it("holds ≤10 addresses with exactly one default through 500 random operations", () => {
    // A small deterministic PRNG, so a failure replays.
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let state = customer();
    let next = 1;
    for (let step = 0; step < 500; step++) {
      const pick = () => state.addresses[random(state.addresses.length)]?.id ?? addressId(99);
      const ops = [
        () =>
          addCustomerAddress(
            state,
            input,
            `01900000-0000-7000-8000-${String(next++).padStart(12, "0")}`,
          ),
        () => removeCustomerAddress(state, pick()),
        () => setDefaultCustomerAddress(state, pick()),
        () => updateCustomerAddress(state, pick(), { city: `C${step}` }),
      ];
      const before = state;
      const refused = codeOf(() => {
        const decision = ops[random(ops.length)]!();
        state = decision.state;
        expect(state.version).toBe(before.version + decision.events.length);
      });
      if (refused !== null) {
        expect(refused).toMatch(/INVALID_STATE_TRANSITION|NOT_FOUND/);
        expect(state).toBe(before);
      }
      expect(state.addresses.length).toBeLessThanOrEqual(MAX_ADDRESSES);
      expect(defaults(state)).toHaveLength(state.addresses.length > 0 ? 1 : 0);
    }
    expect(state.addresses.length).toBeGreaterThan(0);
  });
});
