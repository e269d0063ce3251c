import { graphql, pollUntil, unique } from "@shopstream/testing";
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

describe("identity through the gateway", () => {
  it("registers a customer and reads it back with customer(id)", async () => {
    const cmd = {
      ...input(),
      dateOfBirth: "1906-12-09",
      address: { street: "1 Navy Way", city: "Arlington", postalCode: "22202", country: "US" },
    };
    const registered = await graphql<{ registerCustomer: { id: string } }>(gateway(), REGISTER, {
      input: cmd,
    });
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

    const read = await graphql(
      gateway(),
      `query($id: ID!) { customer(id: $id) { id email externalId status } }`,
      {
        id,
      },
    );
    expect(read).toEqual({
      data: { customer: { id, email: cmd.email, externalId: cmd.externalId, status: "ACTIVE" } },
    });
  });

  it("answers DUPLICATE for a taken email and VALIDATION_FAILED naming a bad one", async () => {
    const first = input();
    await graphql(gateway(), REGISTER, { input: first });
    const dup = await graphql(gateway(), REGISTER, {
      input: { ...input(), email: first.email.toUpperCase() },
    });
    expect(dup.errors?.[0]?.extensions).toMatchObject({
      code: "DUPLICATE",
      fields: [{ field: "email" }],
    });

    const bad = await graphql(gateway(), REGISTER, {
      input: { ...input(), email: "grace@localhost" },
    });
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: "VALIDATION_FAILED",
      fields: [{ field: "email" }],
    });
  });

  it("returns null for an unknown customer and VALIDATION_FAILED for a malformed id", async () => {
    const missing = await graphql(
      gateway(),
      `{ customer(id: "01900000-0000-7000-8000-000000000000") { id } }`,
    );
    expect(missing).toEqual({ data: { customer: null } });
    const malformed = await graphql(gateway(), `{ customer(id: "42") { id } }`);
    expect(malformed.errors?.[0]?.extensions).toMatchObject({
      code: "VALIDATION_FAILED",
      fields: [{ field: "id" }],
    });
  });
});

describe("customer directory read model (through the event pipeline)", () => {
  it("shows a registered customer in customers(filter) shortly after commit", async () => {
    const cmd = input();
    const registered = await graphql<{ registerCustomer: { id: string } }>(gateway(), REGISTER, {
      input: cmd,
    });
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
