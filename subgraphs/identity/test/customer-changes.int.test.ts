import { describe, expect, it } from "vitest";
import {
  newCustomer,
  outboxEvents as outboxOf,
  prisma,
  gql as run,
  useIdentity,
} from "./identity.harness.ts";

useIdentity();

const FIELDS = `id email firstName lastName phone dateOfBirth tier status suspensionReason
  canPlaceOrders version addresses { id label street city state isDefault } defaultAddress { id }`;

interface CustomerView {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  dateOfBirth: string | null;
  tier: string;
  status: string;
  suspensionReason: string | null;
  canPlaceOrders: boolean;
  version: number;
  addresses: {
    id: string;
    street: string;
    city: string;
    state: string | null;
    isDefault: boolean;
  }[];
  defaultAddress: { id: string } | null;
}

/** Runs one mutation that returns a Customer and fails the test on any error. */
async function mutate(field: string, args: string, variables: Record<string, unknown>) {
  const result = await run<Record<string, CustomerView>>(
    `mutation(${args}) { ${field}(${args
      .split(",")
      .map((a) => a.trim().split(":")[0]!.slice(1))
      .map((a) => `${a}: $${a}`)
      .join(", ")}) { ${FIELDS} } }`,
    variables,
  );
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data![field]!;
}

/** Runs a mutation expected to fail; returns the error's extensions. */
async function failing(query: string, variables: Record<string, unknown>) {
  const result = await run(query, variables);
  expect(result.data ?? null).toBeNull();
  return result.errors?.[0]?.extensions ?? {};
}

async function register(address = true) {
  const input = {
    ...newCustomer("chg"),
    ...(address && {
      address: { street: "1 First St", city: "London", postalCode: "N1", country: "GB" },
    }),
  };
  return mutate("registerCustomer", "$input: RegisterCustomerInput!", { input });
}

const street = (n: number) => ({
  street: `${n} Other St`,
  city: "Leeds",
  postalCode: "LS1",
  country: "GB",
});

const ADD = "$customerId: ID!, $input: AddressInput!";
const ADDRESS_REF = "$customerId: ID!, $addressId: ID!";

describe("customer changes through the identity subgraph", () => {
  it("runs the whole life of a customer, one gap-free event per change", async () => {
    const registered = await register();
    const id = registered.id;
    const first = registered.addresses[0]!.id;

    const withSecond = await mutate("addCustomerAddress", ADD, {
      customerId: id,
      input: { ...street(2), label: "WORK", state: "West Yorkshire" },
    });
    const second = withSecond.addresses[1]!.id;
    expect(withSecond.addresses.map((a) => a.isDefault)).toEqual([true, false]);
    const withThird = await mutate("addCustomerAddress", ADD, { customerId: id, input: street(3) });
    const third = withThird.addresses[2]!.id;

    const defaulted = await mutate("setDefaultCustomerAddress", ADDRESS_REF, {
      customerId: id,
      addressId: third,
    });
    expect(defaulted.defaultAddress).toEqual({ id: third });

    // Removing the default promotes the oldest remaining address.
    const removed = await mutate("removeCustomerAddress", ADDRESS_REF, {
      customerId: id,
      addressId: third,
    });
    expect(removed.addresses.map((a) => [a.id, a.isDefault])).toEqual([
      [first, true],
      [second, false],
    ]);

    const edited = await mutate(
      "updateCustomerAddress",
      "$customerId: ID!, $addressId: ID!, $input: UpdateAddressInput!",
      { customerId: id, addressId: second, input: { city: "York", state: null } },
    );
    expect(edited.addresses[1]).toMatchObject({ city: "York", state: null, street: "2 Other St" });

    const email = `${newCustomer("new").externalId}@Example.com`;
    const profiled = await mutate(
      "updateCustomerProfile",
      "$id: ID!, $input: UpdateCustomerProfileInput!",
      { id, input: { email, lastName: "King", phone: "+44 1234", dateOfBirth: "1915-12-10" } },
    );
    expect(profiled).toMatchObject({
      email,
      firstName: "Ada",
      lastName: "King",
      phone: "+44 1234",
      dateOfBirth: "1915-12-10",
    });

    expect(
      await mutate("upgradeCustomerTier", "$id: ID!, $tier: CustomerTier!", { id, tier: "GOLD" }),
    ).toMatchObject({ tier: "GOLD" });
    expect(
      await mutate("suspendCustomer", "$id: ID!, $reason: String!", { id, reason: "chargeback" }),
    ).toMatchObject({ status: "SUSPENDED", suspensionReason: "chargeback", canPlaceOrders: false });
    expect(await mutate("reactivateCustomer", "$id: ID!", { id })).toMatchObject({
      status: "ACTIVE",
      suspensionReason: null,
      canPlaceOrders: true,
    });
    const closed = await mutate("closeCustomer", "$id: ID!", { id });
    expect(closed).toMatchObject({
      status: "CLOSED",
      canPlaceOrders: false,
      tier: "GOLD",
      version: 11,
    });

    const read = await run<{ customer: CustomerView }>(
      `query($id: ID!) { customer(id: $id) { ${FIELDS} } }`,
      { id },
    );
    expect(read.data?.customer).toEqual(closed);

    const events = await outboxOf(id);
    expect(events.map((e) => [e.aggregateVersion, e.type])).toEqual([
      [1, "CustomerRegistered"],
      [2, "CustomerAddressAdded"],
      [3, "CustomerAddressAdded"],
      [4, "DefaultCustomerAddressChanged"],
      [5, "CustomerAddressRemoved"],
      [6, "CustomerAddressUpdated"],
      [7, "CustomerProfileUpdated"],
      [8, "CustomerTierUpgraded"],
      [9, "CustomerSuspended"],
      [10, "CustomerReactivated"],
      [11, "CustomerClosed"],
    ]);
    expect(events.every((e) => e.aggregateType === "Customer")).toBe(true);
    const payload = (type: string) => events.find((e) => e.type === type)?.payload;
    expect(payload("DefaultCustomerAddressChanged")).toEqual({
      customerId: id,
      previousDefaultAddressId: first,
      defaultAddressId: third,
    });
    expect(payload("CustomerAddressRemoved")).toMatchObject({
      addressId: third,
      wasDefault: true,
      promotedDefaultAddressId: first,
    });
    expect(payload("CustomerProfileUpdated")).toEqual({
      customerId: id,
      changes: {
        email: { previous: registered.email, new: email },
        lastName: { previous: "Lovelace", new: "King" },
        phone: { previous: null, new: "+44 1234" },
        dateOfBirth: { previous: null, new: "1915-12-10" },
      },
    });
    expect(payload("CustomerTierUpgraded")).toEqual({
      customerId: id,
      previousTier: "STANDARD",
      tier: "GOLD",
    });
    expect(payload("CustomerSuspended")).toEqual({
      customerId: id,
      reason: "chargeback",
      previousStatus: "ACTIVE",
      status: "SUSPENDED",
    });
    expect(payload("CustomerClosed")).toEqual({
      customerId: id,
      previousStatus: "ACTIVE",
      status: "CLOSED",
    });
  });

  it("answers DUPLICATE naming email for another customer's email in any case, writing nothing", async () => {
    const taken = await register(false);
    const customer = await register(false);
    const extensions = await failing(
      `mutation($id: ID!, $input: UpdateCustomerProfileInput!) { updateCustomerProfile(id: $id, input: $input) { id } }`,
      { id: customer.id, input: { email: taken.email.toUpperCase(), firstName: "Other" } },
    );
    expect(extensions).toMatchObject({ code: "DUPLICATE", fields: [{ field: "email" }] });
    const row = await prisma.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(row).toMatchObject({ email: customer.email, firstName: "Ada", version: 1 });
    expect(await outboxOf(customer.id)).toHaveLength(1);

    // Changing only the case of one's own email is fine.
    const own = await mutate(
      "updateCustomerProfile",
      "$id: ID!, $input: UpdateCustomerProfileInput!",
      {
        id: customer.id,
        input: { email: customer.email.toUpperCase() },
      },
    );
    expect(own).toMatchObject({ email: customer.email.toUpperCase(), version: 2 });
  });

  it("takes customer and address ids in upper case as the same ids", async () => {
    const customer = await register();
    const second = (
      await mutate("addCustomerAddress", ADD, {
        customerId: customer.id.toUpperCase(),
        input: street(2),
      })
    ).addresses[1]!.id;
    const changed = await mutate("setDefaultCustomerAddress", ADDRESS_REF, {
      customerId: customer.id.toUpperCase(),
      addressId: second.toUpperCase(),
    });
    expect(changed).toMatchObject({ id: customer.id, defaultAddress: { id: second }, version: 3 });
  });

  it("answers a no-op without an event or a new version", async () => {
    const customer = await register();
    const same = await mutate("setDefaultCustomerAddress", ADDRESS_REF, {
      customerId: customer.id,
      addressId: customer.addresses[0]!.id,
    });
    expect(same.version).toBe(1);
    expect(await outboxOf(customer.id)).toHaveLength(1);
  });

  it("maps each rejected command to its catalog code", async () => {
    const customer = await register();
    const addressId = customer.addresses[0]!.id;
    const missing = "01900000-0000-7000-8000-00000000dead";
    const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
      [
        `mutation($id: ID!) { reactivateCustomer(id: $id) { id } }`,
        { id: customer.id },
        { code: "INVALID_STATE_TRANSITION", from: "ACTIVE" },
      ],
      [
        `mutation($id: ID!) { upgradeCustomerTier(id: $id, tier: STANDARD) { id } }`,
        { id: customer.id },
        { code: "INVALID_STATE_TRANSITION" },
      ],
      [
        `mutation($id: ID!) { suspendCustomer(id: $id, reason: " ") { id } }`,
        { id: customer.id },
        { code: "VALIDATION_FAILED", fields: [{ field: "reason" }] },
      ],
      [
        `mutation($id: ID!, $a: ID!) { removeCustomerAddress(customerId: $id, addressId: $a) { id } }`,
        { id: customer.id, a: addressId },
        { code: "INVALID_STATE_TRANSITION" },
      ],
      [
        `mutation($id: ID!, $a: ID!) { setDefaultCustomerAddress(customerId: $id, addressId: $a) { id } }`,
        { id: customer.id, a: missing },
        { code: "NOT_FOUND", entity: "CustomerAddress" },
      ],
      [
        `mutation($id: ID!) { closeCustomer(id: $id) { id } }`,
        { id: missing },
        { code: "NOT_FOUND", entity: "Customer" },
      ],
      [
        `mutation { removeCustomerAddress(customerId: "1", addressId: "2") { id } }`,
        {},
        { code: "VALIDATION_FAILED", fields: [{ field: "customerId" }, { field: "addressId" }] },
      ],
      [
        `mutation($id: ID!) { addCustomerAddress(customerId: $id, input: { street: "", city: "c", postalCode: "123456789012345678901", country: "GB" }) { id } }`,
        { id: customer.id },
        { code: "VALIDATION_FAILED", fields: [{ field: "street" }, { field: "postalCode" }] },
      ],
      [
        `mutation($id: ID!) { updateCustomerProfile(id: $id, input: { email: "a@b", firstName: null }) { id } }`,
        { id: customer.id },
        { code: "VALIDATION_FAILED", fields: [{ field: "email" }, { field: "firstName" }] },
      ],
    ];
    for (const [query, variables, expected] of cases) {
      expect(await failing(query, variables), query).toMatchObject(expected);
    }
    expect((await prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })).version).toBe(
      1,
    );
  });

  it("refuses every change to a CLOSED customer", async () => {
    const customer = await register();
    await mutate("closeCustomer", "$id: ID!", { id: customer.id });
    for (const query of [
      `mutation($id: ID!) { closeCustomer(id: $id) { id } }`,
      `mutation($id: ID!) { suspendCustomer(id: $id, reason: "x") { id } }`,
      `mutation($id: ID!) { upgradeCustomerTier(id: $id, tier: GOLD) { id } }`,
      `mutation($id: ID!) { updateCustomerProfile(id: $id, input: { firstName: "X" }) { id } }`,
      `mutation($id: ID!) { addCustomerAddress(customerId: $id, input: { street: "s", city: "c", postalCode: "p", country: "GB" }) { id } }`,
    ]) {
      expect(await failing(query, { id: customer.id }), query).toMatchObject({
        code: "INVALID_STATE_TRANSITION",
      });
    }
  });

  it("keeps at most one default address in the database, whatever writes the rows", async () => {
    const customer = await register();
    const { addresses } = await mutate("addCustomerAddress", ADD, {
      customerId: customer.id,
      input: street(2),
    });
    await expect(
      prisma.customerAddress.update({ where: { id: addresses[1]!.id }, data: { isDefault: true } }),
    ).rejects.toThrow();
  });
});
