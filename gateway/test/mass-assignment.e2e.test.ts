import { randomUUID } from "node:crypto";
import { type Role, readDevKey, signDevToken } from "@shopstream/auth";
import { DEFAULT_DEV_KEY_FILE } from "@shopstream/stack";
import { e2eDatabaseUrl, unique } from "@shopstream/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

/*
 * Mass assignment: a client cannot set what the server decides (a customer's status or tier, a
 * new product's status, an order's prices and totals). The input types simply have no such
 * fields, so the gateway refuses the operation before any subgraph runs — an inline literal with
 * GRAPHQL_VALIDATION_FAILED, a variable with BAD_USER_INPUT — and nothing is written. Each case
 * also sends the same request without the extra field, so the refusal is the field's doing.
 */

const databases = {
  identity: new pg.Pool({ connectionString: e2eDatabaseUrl("identity"), max: 1 }),
  catalogue: new pg.Pool({ connectionString: e2eDatabaseUrl("catalogue"), max: 1 }),
  ordering: new pg.Pool({ connectionString: e2eDatabaseUrl("ordering"), max: 1 }),
};
afterAll(() => Promise.all(Object.values(databases).map((db) => db.end())));

const count = async (db: pg.Pool, sql: string, values: unknown[]) =>
  Number((await db.query<{ n: string }>(sql, values)).rows[0]!.n);

let key: Awaited<ReturnType<typeof readDevKey>>;
beforeAll(async () => {
  key = await readDevKey(DEFAULT_DEV_KEY_FILE);
});

async function as(sub: string, roles: Role[]) {
  const token = await signDevToken(key.privateKey, { sub, roles });
  return async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(inject("gatewayUrl"), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as {
      data?: Record<string, unknown> | null;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    return { status: res.status, body, codes: (body.errors ?? []).map((e) => e.extensions?.code) };
  };
}

const REGISTER = `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id tier status } }`;

describe("mass assignment", () => {
  it("registerCustomer: status and tier are not inputs", async () => {
    const sub = unique("mass");
    const self = await as(sub, ["customer"]);
    const input = { externalId: sub, email: `${sub}@example.com`, firstName: "M", lastName: "A" };
    for (const extra of [{ status: "ACTIVE" }, { tier: "PLATINUM" }]) {
      const refused = await self(REGISTER, { input: { ...input, ...extra } });
      expect(refused.status).toBe(400);
      expect(refused.codes).toEqual(["BAD_USER_INPUT"]);
    }
    const inline = await self(
      `mutation { registerCustomer(input: { externalId: "${sub}", email: "${sub}@example.com", firstName: "M", lastName: "A", tier: PLATINUM }) { id } }`,
    );
    expect(inline.codes).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(
      await count(databases.identity, "SELECT count(*) AS n FROM customer WHERE external_id = $1", [
        sub,
      ]),
    ).toBe(0);
    // Without them: registered, STANDARD and ACTIVE as every new customer is.
    const registered = await self(REGISTER, { input });
    expect(registered.body.data?.registerCustomer).toMatchObject({
      tier: "STANDARD",
      status: "ACTIVE",
    });
  });

  it("updateCustomerProfile: a customer cannot raise their own tier", async () => {
    const sub = unique("mass");
    const self = await as(sub, ["customer"]);
    const { body } = await self(REGISTER, {
      input: { externalId: sub, email: `${sub}@example.com`, firstName: "M", lastName: "A" },
    });
    const id = (body.data!.registerCustomer as { id: string }).id;
    const UPDATE = `mutation($id: ID!, $input: UpdateCustomerProfileInput!) { updateCustomerProfile(id: $id, input: $input) { tier firstName } }`;
    for (const extra of [{ tier: "PLATINUM" }, { status: "ACTIVE" }, { externalId: "someone" }]) {
      const refused = await self(UPDATE, { id, input: { firstName: "Max", ...extra } });
      expect(refused.codes).toEqual(["BAD_USER_INPUT"]);
    }
    const stored = await databases.identity.query<{ tier: string; first_name: string }>(
      "SELECT tier, first_name FROM customer WHERE id = $1",
      [id],
    );
    expect(stored.rows).toEqual([{ tier: "STANDARD", first_name: "M" }]);
  });

  it("createProduct: a new product cannot be created ACTIVE", async () => {
    const manager = await as(unique("mass-cm"), ["catalogue_manager"]);
    const sku = unique("MASS").toUpperCase();
    const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { status } }`;
    for (const extra of [{ status: "ACTIVE" }, { version: 9 }]) {
      const refused = await manager(CREATE, { input: { sku, title: "Mass", ...extra } });
      expect(refused.codes).toEqual(["BAD_USER_INPUT"]);
    }
    const inline = await manager(
      `mutation { createProduct(input: { sku: "${sku}", title: "Mass", status: ACTIVE }) { id } }`,
    );
    expect(inline.codes).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(
      await count(databases.catalogue, "SELECT count(*) AS n FROM product WHERE sku = $1", [sku]),
    ).toBe(0);
    const created = await manager(CREATE, { input: { sku, title: "Mass" } });
    expect(created.body.data?.createProduct).toEqual({ status: "DRAFT" });
  });

  it("placeOrder: prices and totals are not inputs", async () => {
    const sub = unique("mass");
    const self = await as(sub, ["customer"]);
    const { body } = await self(REGISTER, {
      input: { externalId: sub, email: `${sub}@example.com`, firstName: "M", lastName: "A" },
    });
    const customerId = (body.data!.registerCustomer as { id: string }).id;
    const line = { variantId: randomUUID(), quantity: 1 };
    const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`;
    for (const input of [
      { customerId, lines: [{ ...line, unitPrice: { amount: 1, currency: "EUR" } }] },
      { customerId, lines: [{ ...line, price: 1 }] },
      { customerId, lines: [line], totalAmount: 1 },
      { customerId, lines: [line], total: { amount: 1, currency: "EUR" } },
      { customerId, lines: [line], status: "CONFIRMED" },
    ]) {
      const refused = await self(PLACE, { input });
      expect(refused.codes, JSON.stringify(input)).toEqual(["BAD_USER_INPUT"]);
    }
    const inline = await self(
      `mutation { placeOrder(input: { customerId: "${customerId}", lines: [{ variantId: "${line.variantId}", quantity: 1, unitPrice: 1 }] }) { id } }`,
    );
    expect(inline.codes).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(
      await count(databases.ordering, `SELECT count(*) AS n FROM "order" WHERE customer_id = $1`, [
        customerId,
      ]),
    ).toBe(0);
  });
});
