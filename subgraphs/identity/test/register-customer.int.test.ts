import { DomainError } from "@shopstream/errors";
import { defaultMetadata } from "@shopstream/outbox";
import { createLogger } from "@shopstream/service";
import { testDatabaseUrl, unique } from "@shopstream/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../src/context.ts";
import { registerCustomer } from "../src/customers/register-customer.ts";
import { createIdentityPrisma } from "../src/db.ts";
import { createServer } from "../src/server.ts";

const prisma = createIdentityPrisma(testDatabaseUrl("identity"));
const deps = { prisma };
const server = createServer(createLogger("identity-test", "error"));

const input = () => {
  const id = unique("c");
  return {
    externalId: `ext-${id}`,
    email: `${id}@example.com`,
    firstName: "Ada",
    lastName: "Lovelace",
  };
};

async function rowsFor(externalId: string) {
  const customers = await prisma.customer.findMany({ where: { externalId } });
  const events = await prisma.outbox.findMany({
    where: { aggregateId: { in: customers.map((c) => c.id) } },
  });
  const byPayload = await prisma.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM outbox WHERE payload->>'externalId' = ${externalId}`;
  return { customers, events, outboxByPayload: Number(byPayload[0]?.n ?? 0) };
}

async function expectDomainError(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  return error as DomainError;
}

beforeAll(async () => {
  await server.start();
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

afterAll(async () => {
  await prisma.$executeRawUnsafe("DROP TRIGGER IF EXISTS test_fail_outbox ON outbox");
  await server.stop();
  await prisma.$disconnect();
});

describe("registerCustomer (command, real PostgreSQL)", () => {
  it("writes the customer and one CustomerRegistered outbox row", async () => {
    const cmd = input();
    const customer = await registerCustomer(deps, cmd, defaultMetadata({ actor: "test" }));
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

  it("leaves neither row when the transaction fails after the customer insert", async () => {
    const cmd = { ...input(), externalId: unique("fail-outbox") };
    await expect(registerCustomer(deps, cmd, defaultMetadata())).rejects.toThrow(
      /outbox insert refused/,
    );
    const { customers, outboxByPayload } = await rowsFor(cmd.externalId);
    expect(customers).toHaveLength(0);
    expect(outboxByPayload).toBe(0);
  });

  it("rejects a duplicate email, whatever its case, with DUPLICATE naming email", async () => {
    const first = input();
    await registerCustomer(deps, first, defaultMetadata());
    const second = { ...input(), email: first.email.toUpperCase() };
    const error = await expectDomainError(
      registerCustomer(deps, second, defaultMetadata()),
      "DUPLICATE",
    );
    expect(error.extensions.fields).toEqual([{ field: "email", message: "is already taken" }]);
    expect((await rowsFor(second.externalId)).outboxByPayload).toBe(0);
  });

  it("rejects a duplicate externalId with DUPLICATE naming externalId", async () => {
    const first = input();
    await registerCustomer(deps, first, defaultMetadata());
    const second = { ...input(), externalId: first.externalId };
    const error = await expectDomainError(
      registerCustomer(deps, second, defaultMetadata()),
      "DUPLICATE",
    );
    expect(error.extensions.fields).toEqual([{ field: "externalId", message: "is already taken" }]);
  });

  it("lets exactly one of ten concurrent registrations with one email succeed", async () => {
    const email = `${unique("race")}@example.com`;
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        registerCustomer(deps, { ...input(), email }, defaultMetadata()),
      ),
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
      registerCustomer(deps, cmd, defaultMetadata()),
      "VALIDATION_FAILED",
    );
    expect(error.extensions.fields).toEqual([
      { field: "email", message: "must contain exactly one @" },
    ]);
    expect((await rowsFor(cmd.externalId)).customers).toHaveLength(0);
  });
});

describe("identity subgraph (executeOperation)", () => {
  const ctx = () => createContext(deps, { correlationId: "test", actor: "test" });

  it("registers and reads back a customer, including through _entities", async () => {
    const cmd = input();
    const registered = await server.executeOperation(
      {
        query: `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id email tier status version } }`,
        variables: { input: cmd },
      },
      { contextValue: ctx() },
    );
    assertSingle(registered.body);
    const id = (registered.body.singleResult.data as { registerCustomer: { id: string } })
      .registerCustomer.id;

    const read = await server.executeOperation(
      {
        query: `query($id: ID!) {
          customer(id: $id) { email tier status }
          _entities(representations: [{ __typename: "Customer", id: $id }]) { ... on Customer { externalId } }
        }`,
        variables: { id },
      },
      { contextValue: ctx() },
    );
    assertSingle(read.body);
    expect(read.body.singleResult.errors).toBeUndefined();
    expect(read.body.singleResult.data).toEqual({
      customer: { email: cmd.email, tier: "STANDARD", status: "ACTIVE" },
      _entities: [{ externalId: cmd.externalId }],
    });
  });

  it("answers VALIDATION_FAILED with the offending fields", async () => {
    const res = await server.executeOperation(
      {
        query: `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }`,
        variables: { input: { ...input(), email: "a@@b", phone: "call me" } },
      },
      { contextValue: ctx() },
    );
    assertSingle(res.body);
    const error = res.body.singleResult.errors?.[0];
    expect(error?.extensions?.code, JSON.stringify(error)).toBe("VALIDATION_FAILED");
    expect(
      (error?.extensions?.fields as { field: string }[] | undefined)?.map((f) => f.field),
    ).toEqual(["email", "phone"]);
  });
});

function assertSingle<T extends { kind: string }>(
  body: T,
): asserts body is Extract<T, { kind: "single" }> {
  expect(body.kind).toBe("single");
}
