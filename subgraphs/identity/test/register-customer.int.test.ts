import { expectDomainError } from "@shopstream/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerCustomer } from "../src/customers/register-customer.ts";
import { deps, gql, meta, newCustomer, prisma, useIdentity } from "./identity.harness.ts";

useIdentity();

const input = () => newCustomer();

async function rowsFor(externalId: string) {
  const customers = await prisma.customer.findMany({ where: { externalId } });
  const events = await prisma.outbox.findMany({
    where: { aggregateId: { in: customers.map((c) => c.id) } },
  });
  const byPayload = await prisma.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM outbox WHERE payload->>'externalId' = ${externalId}`;
  return { customers, events, outboxByPayload: Number(byPayload[0]?.n ?? 0) };
}

beforeAll(async () => {
  // A real database failure inside the command's transaction, after the customer insert: the
  // outbox insert is rejected for marked external ids.
  await prisma.$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION test_fail_outbox() RETURNS trigger AS $$
    BEGIN
      IF NEW.payload->>'externalId' LIKE 'fail-outbox-%' THEN
        RAISE EXCEPTION 'outbox insert refused by test trigger';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql`);
  await prisma.$executeRawUnsafe("DROP TRIGGER IF EXISTS test_fail_outbox ON outbox");
  await prisma.$executeRawUnsafe(
    "CREATE TRIGGER test_fail_outbox BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION test_fail_outbox()",
  );
});

afterAll(() => prisma.$executeRawUnsafe("DROP TRIGGER IF EXISTS test_fail_outbox ON outbox"));

describe("registerCustomer (command, real PostgreSQL)", () => {
  it("writes the customer and one CustomerRegistered outbox row", async () => {
    const cmd = input();
    const customer = await registerCustomer(deps, cmd, meta());
    const { customers, events } = await rowsFor(cmd.externalId);
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({
      id: customer.id,
      emailNormalized: cmd.email.toLowerCase(),
      version: 1,
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventType: "CustomerRegistered",
      aggregateType: "Customer",
      aggregateId: customer.id,
      aggregateVersion: 1,
      schemaVersion: 1,
    });
    expect(events[0]?.metadata).toMatchObject({ actor: "test" });
  });

  it("registers at the injected clock's time", async () => {
    const at = new Date("2024-02-29T10:11:12.345Z");
    const customer = await registerCustomer({ ...deps, now: () => at }, input(), meta());
    expect(customer.registeredAt).toBe(at.toISOString());
    const row = await prisma.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(row).toMatchObject({ registeredAt: at, updatedAt: at });
  });

  it("leaves neither row when the transaction fails after the customer insert", async () => {
    const cmd = { ...input(), externalId: newCustomer("fail-outbox").externalId };
    await expect(registerCustomer(deps, cmd, meta())).rejects.toThrow(/outbox insert refused/);
    const { customers, outboxByPayload } = await rowsFor(cmd.externalId);
    expect(customers).toHaveLength(0);
    expect(outboxByPayload).toBe(0);
  });

  it("rejects a duplicate email, whatever its case, with DUPLICATE naming email", async () => {
    const first = input();
    await registerCustomer(deps, first, meta());
    const second = { ...input(), email: first.email.toUpperCase() };
    const error = await expectDomainError(registerCustomer(deps, second, meta()), "DUPLICATE");
    expect(error.extensions.fields).toEqual([{ field: "email", message: "is already taken" }]);
    expect((await rowsFor(second.externalId)).outboxByPayload).toBe(0);
  });

  it("rejects a duplicate externalId with DUPLICATE naming externalId", async () => {
    const first = input();
    await registerCustomer(deps, first, meta());
    const second = { ...input(), externalId: first.externalId };
    const error = await expectDomainError(registerCustomer(deps, second, meta()), "DUPLICATE");
    expect(error.extensions.fields).toEqual([{ field: "externalId", message: "is already taken" }]);
  });

  it("lets exactly one of ten concurrent registrations with one email succeed", async () => {
    const { email } = newCustomer("race");
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => registerCustomer(deps, { ...input(), email }, meta())),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "DUPLICATE" });
    }
    expect(await prisma.customer.count({ where: { emailNormalized: email } })).toBe(1);
  });

  it("writes nothing for an invalid email", async () => {
    const cmd = { ...input(), email: "not-an-email" };
    const error = await expectDomainError(
      registerCustomer(deps, cmd, meta()),
      "VALIDATION_FAILED",
      ["email"],
    );
    expect(error.extensions.fields).toEqual([
      { field: "email", message: "must contain exactly one @" },
    ]);
    expect((await rowsFor(cmd.externalId)).customers).toHaveLength(0);
  });
});

describe("identity subgraph (executeOperation)", () => {
  it("registers and reads back a customer, including through _entities", async () => {
    const cmd = input();
    const registered = await gql<{ registerCustomer: { id: string } }>(
      `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id email tier status version } }`,
      { input: cmd },
    );
    expect(registered.errors).toBeUndefined();
    const id = registered.data!.registerCustomer.id;

    const read = await gql(
      `query($id: ID!) {
        customer(id: $id) { email tier status }
        _entities(representations: [{ __typename: "Customer", id: $id }]) { ... on Customer { externalId } }
      }`,
      { id },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({
      customer: { email: cmd.email, tier: "STANDARD", status: "ACTIVE" },
      _entities: [{ externalId: cmd.externalId }],
    });

    // A UUID is the same id in either case.
    const upper = await gql(`query($id: ID!) { customer(id: $id) { id } }`, {
      id: id.toUpperCase(),
    });
    expect(upper).toEqual({ data: { customer: { id } } });
  });

  it("answers VALIDATION_FAILED with the offending fields", async () => {
    const res = await gql(
      `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }`,
      { input: { ...input(), email: "a@@b", phone: "call me" } },
    );
    const error = res.errors?.[0];
    expect(error?.extensions?.code, JSON.stringify(error)).toBe("VALIDATION_FAILED");
    expect(
      (error?.extensions?.fields as { field: string }[] | undefined)?.map((f) => f.field),
    ).toEqual(["email", "phone"]);
  });
});
