import { graphql, pollUntil, unique } from "@shopstream/testing";
import { tokens } from "@shopstream/testing/tokens";
import { describe, expect, inject, it } from "vitest";

const gateway = () => inject("gatewayUrl");

const REGISTER = `mutation Register($input: RegisterCustomerInput!) {
  registerCustomer(input: $input) { id externalId email firstName lastName tier status dateOfBirth registeredAt version
    addresses { street isDefault } defaultAddress { city } }
}`;

const input = () => {
  const id = unique("e2e");
  return { externalId: id, email: `${id}@example.com`, firstName: "Grace", lastName: "Hopper" };
};

/** Registers as the customer themself: signed in with the `externalId` they register. */
const register = async <T = { registerCustomer: { id: string } }>(cmd: {
  externalId: string;
  [field: string]: unknown;
}) =>
  graphql<T>(
    gateway(),
    REGISTER,
    { input: cmd },
    await tokens.headers({ customer: cmd.externalId }),
  );

/** Support, who looks customers up. */
const support = () => tokens.headers("support");

describe("identity through the gateway", () => {
  it("registers a customer and reads it back with customer(id)", async () => {
    const cmd = {
      ...input(),
      dateOfBirth: "1906-12-09",
      address: { street: "1 Navy Way", city: "Arlington", postalCode: "22202", country: "US" },
    };
    const registered = await register(cmd);
    expect(registered.errors).toBeUndefined();
    const id = registered.data!.registerCustomer.id;
    expect(registered.data!.registerCustomer).toMatchObject({
      email: cmd.email,
      tier: "STANDARD",
      status: "ACTIVE",
      dateOfBirth: "1906-12-09",
      version: 1,
      addresses: [{ street: "1 Navy Way", isDefault: true }],
      defaultAddress: { city: "Arlington" },
    });

    // Read back by the customer themself, on their very next request.
    const read = await graphql(
      gateway(),
      `query($id: ID!) { customer(id: $id) { id email externalId status } }`,
      { id },
      await tokens.headers({ customer: cmd.externalId }),
    );
    expect(read).toEqual({
      data: { customer: { id, email: cmd.email, externalId: cmd.externalId, status: "ACTIVE" } },
    });
  });

  it("answers DUPLICATE for a taken email and VALIDATION_FAILED naming a bad one", async () => {
    const first = input();
    await register(first);
    const dup = await register({ ...input(), email: first.email.toUpperCase() });
    expect(dup.errors?.[0]?.extensions).toMatchObject({
      code: "DUPLICATE",
      fields: [{ field: "email" }],
    });

    const bad = await register({ ...input(), email: "grace@localhost" });
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: "VALIDATION_FAILED",
      fields: [{ field: "email" }],
    });
  });

  it("returns null for an unknown customer and VALIDATION_FAILED for a malformed id", async () => {
    const missing = await graphql(
      gateway(),
      `{ customer(id: "01900000-0000-7000-8000-000000000000") { id } }`,
      {},
      await support(),
    );
    expect(missing).toEqual({ data: { customer: null } });
    const malformed = await graphql(
      gateway(),
      `{ customer(id: "42") { id } }`,
      {},
      await support(),
    );
    expect(malformed.errors?.[0]?.extensions).toMatchObject({
      code: "VALIDATION_FAILED",
      fields: [{ field: "id" }],
    });
  });
});

describe("customer directory read model (through the event pipeline)", () => {
  it("shows a registered customer in customers(filter) shortly after commit", async () => {
    const cmd = input();
    const registered = await register(cmd);
    expect(registered.errors).toBeUndefined();
    // The edge, not the count: page and count are separate reads of a read model that the
    // workers may be writing in between.
    const listed = await pollUntil(
      "the registered customer in the directory",
      async () => {
        const result = await graphql<{
          customers: { totalCount: number; edges: { node: { id: string; email: string } }[] };
        }>(
          gateway(),
          `query($email: String!) { customers(filter: { email: $email }) { totalCount edges { node { id email } } } }`,
          { email: cmd.email.toUpperCase() },
          await support(),
        );
        expect(result.errors).toBeUndefined();
        return result.data!.customers;
      },
      (customers) => customers.edges.length > 0,
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    const found = listed.edges[0]?.node;
    expect(found).toEqual({ id: registered.data!.registerCustomer.id, email: cmd.email });
  });
});
