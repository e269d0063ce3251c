import { randomUUID } from "node:crypto";
import { ANONYMOUS, type Principal, principalOf } from "@shopstream/auth";
import { beforeAll, describe, expect, it } from "vitest";
import { gql, gqlAs, newCustomer, prisma, useIdentity } from "./identity.harness.ts";

/*
 * Identity as customers and staff reach it (the policy table, enforced in the subgraph): a
 * customer reaches only their own record, profile and addresses; another customer's are answered
 * exactly as a customer id that does not exist, and nothing is written. Staff reach what their
 * role gives them.
 */

useIdentity();

const FULL = "id version status tier email firstName addresses { id street isDefault }";

interface Registered {
  id: string;
  externalId: string;
  addressId: string;
  principal: Principal;
}

/** A customer registered by support (on their behalf), with one address, and their principal. */
async function registered(): Promise<Registered> {
  const input = {
    ...newCustomer("own"),
    address: { street: "1 Main St", city: "Lisbon", postalCode: "1000-001", country: "PT" },
  };
  const result = await gqlAs<{ registerCustomer: { id: string; addresses: { id: string }[] } }>(
    principalOf("support-registrar", ["support"]),
    `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id addresses { id } } }`,
    { input },
  );
  expect(result.errors).toBeUndefined();
  const customer = result.data!.registerCustomer;
  return {
    id: customer.id,
    externalId: input.externalId,
    addressId: customer.addresses[0]!.id,
    principal: principalOf(input.externalId, ["customer"], customer.id),
  };
}

/** Everything stored about a customer: its row, addresses and events. */
async function stored(id: string) {
  const [customer, addresses, events] = await Promise.all([
    prisma.customer.findUnique({ where: { id } }),
    prisma.customerAddress.findMany({ where: { customerId: id }, orderBy: { id: "asc" } }),
    prisma.outbox.count({ where: { aggregateId: id } }),
  ]);
  return { customer, addresses, events };
}

/** A result with the customer id it names replaced, to compare answers about two ids. */
const naming = (result: unknown, id: string) =>
  JSON.parse(JSON.stringify(result).replaceAll(id, "<id>"));

let alice: Registered;
let bob: Registered;

beforeAll(async () => {
  alice = await registered();
  bob = await registered();
});

describe("a customer and another customer's record", () => {
  it("reads another's record, or a reference to it, exactly as a customer that does not exist: null", async () => {
    const missing = randomUUID();
    const read = (id: string) =>
      gqlAs(alice.principal, `query($id: ID!) { customer(id: $id) { ${FULL} } }`, { id });
    expect(await read(bob.id)).toEqual({ data: { customer: null } });
    expect(await read(missing)).toEqual({ data: { customer: null } });
    const own = await read(alice.id);
    expect(own.data).toMatchObject({ customer: { id: alice.id, email: expect.any(String) } });

    const references = await gqlAs(
      alice.principal,
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer { id email } } }`,
      {
        reps: [
          { __typename: "Customer", id: bob.id },
          { __typename: "Customer", id: alice.id },
        ],
      },
    );
    expect(references.data?._entities).toEqual([null, { id: alice.id, email: expect.any(String) }]);
  });

  const commands: [string, string, (target: Registered) => Record<string, unknown>][] = [
    [
      "updateCustomerProfile",
      `mutation($id: ID!) { updateCustomerProfile(id: $id, input: { firstName: "Mallory" }) { id } }`,
      (t) => ({ id: t.id }),
    ],
    [
      "addCustomerAddress",
      `mutation($id: ID!) { addCustomerAddress(customerId: $id, input: { street: "9 Evil Rd", city: "Porto", postalCode: "4000", country: "PT" }) { id } }`,
      (t) => ({ id: t.id }),
    ],
    [
      "updateCustomerAddress",
      `mutation($id: ID!, $a: ID!) { updateCustomerAddress(customerId: $id, addressId: $a, input: { street: "9 Evil Rd" }) { id } }`,
      (t) => ({ id: t.id, a: t.addressId }),
    ],
    [
      "setDefaultCustomerAddress",
      `mutation($id: ID!, $a: ID!) { setDefaultCustomerAddress(customerId: $id, addressId: $a) { id } }`,
      (t) => ({ id: t.id, a: t.addressId }),
    ],
    [
      "removeCustomerAddress",
      `mutation($id: ID!, $a: ID!) { removeCustomerAddress(customerId: $id, addressId: $a) { id } }`,
      (t) => ({ id: t.id, a: t.addressId }),
    ],
    [
      "closeCustomer",
      `mutation($id: ID!) { closeCustomer(id: $id) { id } }`,
      (t) => ({ id: t.id }),
    ],
  ];

  it.each(commands)(
    "%s on another's record: NOT_FOUND exactly as for a missing customer, nothing written",
    async (_, mutation, variables) => {
      const before = await stored(bob.id);
      const theirs = await gqlAs(alice.principal, mutation, variables(bob));
      const missingId = randomUUID();
      const missing = await gqlAs(alice.principal, mutation, variables({ ...bob, id: missingId }));
      expect(theirs.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
      expect(naming(theirs, bob.id)).toEqual(naming(missing, missingId));
      // The same answer staff get for a customer that does not exist.
      const staffMissing = await gqlAs(
        principalOf("ownership-admin", ["admin"]),
        mutation,
        variables({ ...bob, id: missingId }),
      );
      expect(naming(theirs, bob.id)).toEqual(naming(staffMissing, missingId));
      expect(await stored(bob.id)).toEqual(before);
    },
  );

  it("changes their own profile and addresses", async () => {
    const own = await gqlAs<{ updateCustomerProfile: { firstName: string } }>(
      alice.principal,
      `mutation($id: ID!) { updateCustomerProfile(id: $id, input: { firstName: "Alicia" }) { firstName } }`,
      { id: alice.id },
    );
    expect(own).toEqual({ data: { updateCustomerProfile: { firstName: "Alicia" } } });
    const address = await gqlAs<{ addCustomerAddress: { addresses: unknown[] } }>(
      alice.principal,
      `mutation($id: ID!) { addCustomerAddress(customerId: $id, input: { street: "2 Side St", city: "Lisbon", postalCode: "1000", country: "PT" }) { addresses { id } } }`,
      { id: alice.id.toUpperCase() },
    );
    expect(address.errors).toBeUndefined();
    expect(address.data?.addCustomerAddress.addresses).toHaveLength(2);
  });

  it("may not list customers, suspend, reactivate or upgrade anyone", async () => {
    const refused = async (principal: Principal, query: string, variables = {}) =>
      (await gqlAs(principal, query, variables)).errors?.map((e) => e.extensions?.code);
    const before = await stored(bob.id);
    expect(await refused(alice.principal, "{ customers { totalCount } }")).toEqual(["FORBIDDEN"]);
    expect(await refused(ANONYMOUS, "{ customers { totalCount } }")).toEqual(["UNAUTHENTICATED"]);
    for (const mutation of [
      `mutation($id: ID!) { suspendCustomer(id: $id, reason: "x") { id } }`,
      `mutation($id: ID!) { reactivateCustomer(id: $id) { id } }`,
      `mutation($id: ID!) { upgradeCustomerTier(id: $id, tier: GOLD) { id } }`,
    ]) {
      expect(await refused(alice.principal, mutation, { id: alice.id })).toEqual(["FORBIDDEN"]);
      expect(await refused(ANONYMOUS, mutation, { id: bob.id })).toEqual(["UNAUTHENTICATED"]);
    }
    // Support suspends and reactivates, but upgrading a tier is admin's alone.
    const support = principalOf("ownership-support", ["support"]);
    expect(
      await refused(
        support,
        `mutation($id: ID!) { upgradeCustomerTier(id: $id, tier: GOLD) { id } }`,
        {
          id: bob.id,
        },
      ),
    ).toEqual(["FORBIDDEN"]);
    expect(await stored(bob.id)).toEqual(before);
  });
});

describe("staff and a customer's record", () => {
  it("support reads any customer and changes their profile, but not their addresses", async () => {
    const support = principalOf("ownership-support", ["support"]);
    const read = await gqlAs(support, `query($id: ID!) { customer(id: $id) { id } }`, {
      id: bob.id,
    });
    expect(read).toEqual({ data: { customer: { id: bob.id } } });
    const profile = await gqlAs(
      support,
      `mutation($id: ID!) { updateCustomerProfile(id: $id, input: { lastName: "Builder" }) { lastName } }`,
      { id: bob.id },
    );
    expect(profile).toEqual({ data: { updateCustomerProfile: { lastName: "Builder" } } });
    const address = await gqlAs(
      support,
      `mutation($id: ID!, $a: ID!) { updateCustomerAddress(customerId: $id, addressId: $a, input: { street: "3 Other St" }) { id } }`,
      { id: bob.id, a: bob.addressId },
    );
    expect(address.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
  });

  it("the catalogue manager reads no customer at all", async () => {
    const manager = principalOf("ownership-cm", ["catalogue_manager"]);
    const read = await gqlAs(manager, `query($id: ID!) { customer(id: $id) { id } }`, {
      id: bob.id,
    });
    expect(read.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
  });
});

describe("registerCustomer", () => {
  const REGISTER = `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id externalId } }`;

  it("lets a signed-in customer register only themselves (externalId = the token's subject)", async () => {
    const input = newCustomer("self");
    const someoneElse = newCustomer("victim");
    const signedIn = principalOf(input.externalId, ["customer"]);

    const refused = await gqlAs(signedIn, REGISTER, { input: someoneElse });
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    expect(await prisma.customer.count({ where: { externalId: someoneElse.externalId } })).toBe(0);

    const own = await gqlAs<{ registerCustomer: { externalId: string } }>(signedIn, REGISTER, {
      input,
    });
    expect(own.errors).toBeUndefined();
    expect(own.data?.registerCustomer.externalId).toBe(input.externalId);
  });

  it("lets support (and admin) register on a customer's behalf, but not other staff", async () => {
    for (const role of ["support", "admin"] as const) {
      const input = newCustomer(role);
      const result = await gqlAs(principalOf(`reg-${role}`, [role]), REGISTER, { input });
      expect(result.errors).toBeUndefined();
    }
    const input = newCustomer("by-finance");
    const finance = await gqlAs(principalOf("reg-finance", ["finance"]), REGISTER, { input });
    expect(finance.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    expect(await prisma.customer.count({ where: { externalId: input.externalId } })).toBe(0);
  });

  it("keeps anonymous registration open, as the design lists it", async () => {
    const result = await gqlAs(ANONYMOUS, REGISTER, { input: newCustomer("anon") });
    expect(result.errors).toBeUndefined();
  });

  it("refuses fields a client may not set (status, tier) before anything is written", async () => {
    const input = newCustomer("mass");
    for (const extra of [{ status: "ACTIVE" }, { tier: "PLATINUM" }, { version: 7 }]) {
      const result = await gql(REGISTER, { input: { ...input, ...extra } });
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
    }
    const inline = await gql(
      `mutation { registerCustomer(input: { externalId: "${input.externalId}", email: "${input.email}", firstName: "A", lastName: "B", tier: PLATINUM }) { id } }`,
    );
    expect(inline.errors?.map((e) => e.extensions?.code)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(await prisma.customer.count({ where: { externalId: input.externalId } })).toBe(0);
  });
});
