import { graphql, pollUntil, unique } from "@shopstream/testing";
import { type TestPrincipal, tokens } from "@shopstream/testing/tokens";
import { describe, expect, inject, it } from "vitest";

const gateway = () => inject("gatewayUrl");

const FIELDS = `id email firstName lastName phone tier status suspensionReason canPlaceOrders version
  addresses { id street city isDefault } defaultAddress { id street }`;

interface Customer {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  tier: string;
  status: string;
  suspensionReason: string | null;
  canPlaceOrders: boolean;
  version: number;
  addresses: { id: string; street: string; city: string; isDefault: boolean }[];
  defaultAddress: { id: string; street: string } | null;
}

/**
 * Sends one mutation through the gateway as `who` and returns its Customer, failing on any error.
 */
async function send(
  who: TestPrincipal,
  mutation: string,
  variables: Record<string, unknown>,
): Promise<Customer> {
  const result = await graphql<Record<string, Customer>>(
    gateway(),
    mutation,
    variables,
    await tokens.headers(who),
  );
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return Object.values(result.data!)[0]!;
}

const address = (street: string, city: string) => ({
  street,
  city,
  postalCode: "10001",
  country: "US",
});

describe("customer journey through the gateway", () => {
  it("registers, manages addresses and profile, upgrades, suspends, reactivates and closes", async () => {
    const prefix = unique("journey");
    // The customer signs up, keeps their addresses and profile, and closes their account;
    // admin gives the tier, support suspends and reactivates.
    const me: TestPrincipal = { customer: prefix };
    const registered = await send(
      me,
      `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { ${FIELDS} } }`,
      {
        input: {
          externalId: prefix,
          email: `${prefix}@example.com`,
          firstName: "Grace",
          lastName: "Hopper",
        },
      },
    );
    const id = registered.id;
    expect(registered).toMatchObject({ addresses: [], defaultAddress: null, canPlaceOrders: true });

    const ADD = `mutation($id: ID!, $input: AddressInput!) { addCustomerAddress(customerId: $id, input: $input) { ${FIELDS} } }`;
    const home = (await send(me, ADD, { id, input: address("1 Home St", "New York") }))
      .addresses[0]!;
    expect(home.isDefault).toBe(true);
    await send(me, ADD, { id, input: address("2 Work Ave", "Boston") });
    const three = await send(me, ADD, { id, input: address("3 Lake Rd", "Chicago") });
    const [, work, lake] = three.addresses;
    expect(three.addresses.map((a) => a.isDefault)).toEqual([true, false, false]);

    const REF = `($id: ID!, $addressId: ID!) { %s(customerId: $id, addressId: $addressId) { ${FIELDS} } }`;
    const setDefault = await send(me, `mutation${REF.replace("%s", "setDefaultCustomerAddress")}`, {
      id,
      addressId: lake!.id,
    });
    expect(setDefault.defaultAddress).toEqual({ id: lake!.id, street: "3 Lake Rd" });

    // Removing the default promotes the oldest remaining address.
    const removed = await send(me, `mutation${REF.replace("%s", "removeCustomerAddress")}`, {
      id,
      addressId: lake!.id,
    });
    expect(removed.defaultAddress).toEqual({ id: home.id, street: "1 Home St" });

    const email = `${prefix}.hopper@Example.com`;
    await send(
      me,
      `mutation($id: ID!, $input: UpdateCustomerProfileInput!) { updateCustomerProfile(id: $id, input: $input) { ${FIELDS} } }`,
      { id, input: { email, firstName: "Amazing Grace", phone: "+1 (212) 555-0100" } },
    );
    await send(
      "admin",
      `mutation($id: ID!) { upgradeCustomerTier(id: $id, tier: GOLD) { ${FIELDS} } }`,
      {
        id,
      },
    );
    const downgrade = await graphql(
      gateway(),
      `mutation($id: ID!) { upgradeCustomerTier(id: $id, tier: SILVER) { id } }`,
      { id },
      await tokens.headers("admin"),
    );
    expect(downgrade.errors?.[0]?.extensions).toMatchObject({ code: "INVALID_STATE_TRANSITION" });

    const suspended = await send(
      "support",
      `mutation($id: ID!) { suspendCustomer(id: $id, reason: "payment dispute") { ${FIELDS} } }`,
      { id },
    );
    expect(suspended).toMatchObject({ status: "SUSPENDED", canPlaceOrders: false });
    await send("support", `mutation($id: ID!) { reactivateCustomer(id: $id) { ${FIELDS} } }`, {
      id,
    });
    await send(me, `mutation($id: ID!) { closeCustomer(id: $id) { ${FIELDS} } }`, { id });

    // Support looks the closed account up.
    const read = await graphql<{ customer: Customer }>(
      gateway(),
      `query($id: ID!) { customer(id: $id) { ${FIELDS} } }`,
      { id },
      await tokens.headers("support"),
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.customer).toEqual({
      id,
      email,
      firstName: "Amazing Grace",
      lastName: "Hopper",
      phone: "+1 (212) 555-0100",
      tier: "GOLD",
      status: "CLOSED",
      suspensionReason: null,
      canPlaceOrders: false,
      version: 11,
      addresses: [
        { id: home.id, street: "1 Home St", city: "New York", isDefault: true },
        { id: work!.id, street: "2 Work Ave", city: "Boston", isDefault: false },
      ],
      defaultAddress: { id: home.id, street: "1 Home St" },
    });

    // The directory (fed by the workers through the event pipeline) catches up.
    // Wait for the edge itself: the page and its count are separate reads of a read model
    // that the workers may be writing in between.
    const listed = await pollUntil(
      "the closed customer in the directory",
      async () => {
        const result = await graphql<{
          customers: {
            totalCount: number;
            edges: { node: { id: string; status: string; tier: string } }[];
          };
        }>(
          gateway(),
          `query($email: String!) { customers(filter: { status: CLOSED, email: $email }) { totalCount edges { node { id status tier } } } }`,
          { email: `${prefix}.HOPPER@` },
          await tokens.headers("support"),
        );
        expect(result.errors).toBeUndefined();
        return result.data!.customers;
      },
      (customers) => customers.edges.length > 0 && customers.totalCount > 0,
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    expect(listed).toEqual({
      totalCount: 1,
      edges: [{ node: { id, status: "CLOSED", tier: "GOLD" } }],
    });
  });
});
