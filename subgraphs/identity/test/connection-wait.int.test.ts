import { testDatabaseUrl } from "@shopstream/testing";
import { expectDomainError } from "@shopstream/testing/kit";
import { afterAll, describe, expect, it } from "vitest";
import { registerCustomer } from "../src/customers/register-customer.ts";
import { createIdentityPrisma } from "../src/db.ts";
import { meta, newCustomer } from "./identity.harness.ts";

// A burst bigger than the pool: a command that gets no connection within its wait must answer a
// retryable SERVICE_UNAVAILABLE (and write nothing), never an internal error.
const prisma = createIdentityPrisma(testDatabaseUrl("identity"), { poolSize: 1 });
afterAll(() => prisma.$disconnect());

describe("a command that cannot get a connection in time", () => {
  it("answers SERVICE_UNAVAILABLE with a retry hint and writes nothing", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding!: () => void;
    const started = new Promise<void>((resolve) => {
      holding = resolve;
    });
    // The pool's only connection, held by a transaction until the command has given up.
    const holder = prisma.$transaction(
      async () => {
        holding();
        await held;
      },
      { timeout: 30_000 },
    );
    await started;
    const command = newCustomer("busy");
    const error = await expectDomainError(
      registerCustomer({ prisma }, command, meta()),
      "SERVICE_UNAVAILABLE",
    );
    expect(error.extensions.retryAfterSeconds).toBeGreaterThan(0);
    release();
    await holder;
    expect(await prisma.customer.count({ where: { externalId: command.externalId } })).toBe(0);
  });
});
