import { DomainError } from "@shopstream/errors";
import { defaultMetadata, newId } from "@shopstream/outbox";
import { createLogger, startHttpService } from "@shopstream/service";
import { testDatabaseUrl, unique } from "@shopstream/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../src/context.ts";
import { createPaymentsPrisma } from "../src/db.ts";
import { initiatePayment, requestRefund, retryPayment } from "../src/payments/payment-commands.ts";
import { createServer } from "../src/server.ts";
import { SIGNATURE_HEADER, signWebhook } from "../src/webhooks/signature.ts";
import { mountPaymentWebhook } from "../src/webhooks/webhook-route.ts";

const prisma = createPaymentsPrisma(testDatabaseUrl("payments"));
const deps = { prisma };
const secret = "test-webhook-secret-0123456789";
const logger = createLogger("payments-test", "error");
let http: Awaited<ReturnType<typeof startHttpService>>;

beforeAll(async () => {
  http = await startHttpService({
    name: "payments",
    port: 0,
    host: "127.0.0.1",
    logger,
    apollo: createServer(logger),
    context: (base) => createContext(prisma, base),
    readiness: {},
    routes: (app) => mountPaymentWebhook(app, { prisma, secret, logger }),
  });
});
afterAll(async () => {
  await http.stop();
  await prisma.$disconnect();
});

const newPayment = (amount = 10_000) =>
  initiatePayment(
    deps,
    { orderId: newId(), amount: { amount, currency: "EUR" }, idempotencyKey: unique("pay") },
    defaultMetadata(),
  );

async function webhook(body: Record<string, unknown>, opts: { secret?: string; at?: number } = {}) {
  const raw = JSON.stringify(body);
  const res = await fetch(`http://127.0.0.1:${http.port}/webhooks/payments`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      [SIGNATURE_HEADER]: signWebhook(
        opts.secret ?? secret,
        raw,
        opts.at ?? Math.floor(Date.now() / 1000),
      ),
    },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as { outcome?: string } };
}

const eventsOf = (aggregateId: string) =>
  prisma.outbox.findMany({ where: { aggregateId }, orderBy: { aggregateVersion: "asc" } });

describe("initiatePayment idempotency (real PostgreSQL)", () => {
  it("creates one payment for ten concurrent identical calls", async () => {
    const input = {
      orderId: newId(),
      amount: { amount: 4_200, currency: "EUR" },
      idempotencyKey: unique("idem"),
    };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => initiatePayment(deps, input, defaultMetadata())),
    );
    expect(new Set(results.map((p) => p.id)).size).toBe(1);
    expect(await prisma.payment.count({ where: { idempotencyKey: input.idempotencyKey } })).toBe(1);
    expect(await eventsOf(results[0]!.id)).toHaveLength(1);
  });

  it("answers DUPLICATE for the same key with another payload", async () => {
    const input = {
      orderId: newId(),
      amount: { amount: 4_200, currency: "EUR" },
      idempotencyKey: unique("idem"),
    };
    await initiatePayment(deps, input, defaultMetadata());
    const error = await initiatePayment(
      deps,
      { ...input, amount: { amount: 4_201, currency: "EUR" } },
      defaultMetadata(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("DUPLICATE");
  });
});

describe("payments webhook (HTTP, HMAC)", () => {
  it("records a signed success once; duplicates and bad or stale signatures change nothing", async () => {
    const payment = await newPayment();
    const id = unique("wh");
    expect(
      await webhook({ id, type: "payment.succeeded", paymentId: payment.id, attempt: 1 }),
    ).toEqual({
      status: 200,
      body: { received: true, outcome: "applied" },
    });
    expect(
      (await webhook({ id, type: "payment.succeeded", paymentId: payment.id, attempt: 1 })).body
        .outcome,
    ).toBe("duplicate");
    expect(
      (
        await webhook(
          { id: unique("wh"), type: "payment.failed", paymentId: payment.id, attempt: 1 },
          { secret: "wrong-secret-0123456789" },
        )
      ).status,
    ).toBe(401);
    const staleAt = Math.floor(Date.now() / 1000) - 3_600;
    expect(
      (
        await webhook(
          { id: unique("wh"), type: "payment.failed", paymentId: payment.id, attempt: 1 },
          { at: staleAt },
        )
      ).status,
    ).toBe(401);
    const row = await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } });
    expect(row).toMatchObject({ status: "SUCCEEDED", captured: 10_000, version: 2 });
    expect((await eventsOf(payment.id)).map((e) => e.eventType)).toEqual([
      "PaymentInitiated",
      "PaymentSucceeded",
    ]);
  });

  it("ignores a late report about an earlier attempt", async () => {
    const payment = await newPayment();
    await webhook({
      id: unique("wh"),
      type: "payment.failed",
      paymentId: payment.id,
      attempt: 1,
      reason: "declined",
    });
    await retryPayment(deps, payment.id, defaultMetadata());
    expect(
      (
        await webhook({
          id: unique("wh"),
          type: "payment.succeeded",
          paymentId: payment.id,
          attempt: 1,
        })
      ).body.outcome,
    ).toBe("stale");
    expect(await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({
      status: "PENDING",
      attempts: 2,
    });
  });

  it("answers 400 for a malformed body and 404 for an unknown payment", async () => {
    expect((await webhook({ id: unique("wh"), type: "payment.exploded" })).status).toBe(400);
    expect(
      (
        await webhook({
          id: unique("wh"),
          type: "payment.succeeded",
          paymentId: newId(),
          attempt: 1,
        })
      ).status,
    ).toBe(404);
  });
});

describe("refunds", () => {
  it("never exceed the captured amount under ten concurrent requests, and complete through the webhook", async () => {
    const payment = await newPayment(10_000);
    await webhook({
      id: unique("wh"),
      type: "payment.succeeded",
      paymentId: payment.id,
      attempt: 1,
    });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        requestRefund(deps, payment.id, { amount: 2_000, reason: "goodwill" }, defaultMetadata()),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "VALIDATION_FAILED" });
    }
    const refunds = await prisma.refund.findMany({ where: { paymentId: payment.id } });
    expect(refunds.reduce((s, r) => s + r.amount, 0)).toBe(10_000);
    for (const refund of refunds) {
      await webhook({
        id: unique("wh"),
        type: "refund.completed",
        paymentId: payment.id,
        refundId: refund.id,
      });
    }
    expect(await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({
      status: "REFUNDED",
      refundReserved: 10_000,
    });
  });

  it("is refused by the database itself beyond the captured amount", async () => {
    const payment = await newPayment(1_000);
    await expect(
      prisma.$executeRaw`UPDATE payment SET refund_reserved = 1 WHERE id = ${payment.id}::uuid`,
    ).rejects.toThrow();
  });
});

describe("payments subgraph (executeOperation)", () => {
  const server = createServer(logger);
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  const ctx = () => createContext(prisma, { correlationId: "t", actor: "t" });
  const run = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await server.executeOperation({ query, variables }, { contextValue: ctx() });
    if (res.body.kind !== "single") throw new Error("expected a single result");
    return res.body.singleResult;
  };

  it("generates, issues and voids invoices (one open invoice per order) and resolves Order.payments/invoice", async () => {
    const orderId = newId();
    const input = {
      currency: "EUR",
      taxRateBps: 2_000,
      lines: [{ description: "Mug", quantity: 3, unitPrice: 1_299 }],
    };
    const generated = await run(
      `mutation($orderId: ID!, $input: GenerateInvoiceInput!) { generateInvoice(orderId: $orderId, input: $input) { id number status subtotal { amount } tax { amount } total { amount formatted } } }`,
      { orderId, input },
    );
    const invoice = (generated.data as { generateInvoice: { id: string; number: string } })
      .generateInvoice;
    expect(invoice).toMatchObject({
      status: "DRAFT",
      subtotal: { amount: 3_897 },
      tax: { amount: 779 },
      total: { amount: 4_676, formatted: "€46.76" },
    });
    expect(invoice.number).toMatch(/^INV-[0-9A-F]{8}$/);
    const second = await run(
      `mutation($orderId: ID!, $input: GenerateInvoiceInput!) { generateInvoice(orderId: $orderId, input: $input) { id } }`,
      {
        orderId,
        input,
      },
    );
    expect(second.errors?.[0]?.extensions?.code).toBe("DUPLICATE");
    expect(
      (await run(`mutation($id: ID!) { issueInvoice(id: $id) { status } }`, { id: invoice.id }))
        .data,
    ).toEqual({ issueInvoice: { status: "ISSUED" } });
    expect(
      (await run(`mutation($id: ID!) { issueInvoice(id: $id) { status } }`, { id: invoice.id }))
        .errors?.[0]?.extensions?.code,
    ).toBe("INVALID_STATE_TRANSITION");
    await initiatePayment(
      deps,
      { orderId, amount: { amount: 4_676, currency: "EUR" }, idempotencyKey: unique("pay") },
      defaultMetadata(),
    );
    const entities = await run(
      `query($id: ID!) { _entities(representations: [{ __typename: "Order", id: $id }]) { ... on Order { payments { status amount { amount } } invoice { number } } } }`,
      { id: orderId },
    );
    expect(entities.data).toEqual({
      _entities: [
        {
          payments: [{ status: "PENDING", amount: { amount: 4_676 } }],
          invoice: { number: invoice.number },
        },
      ],
    });
    expect(
      (await run(`mutation($id: ID!) { voidInvoice(id: $id) { status } }`, { id: invoice.id }))
        .data,
    ).toEqual({ voidInvoice: { status: "VOIDED" } });
    const third = await run(
      `mutation($orderId: ID!, $input: GenerateInvoiceInput!) { generateInvoice(orderId: $orderId, input: $input) { status } }`,
      {
        orderId,
        input,
      },
    );
    expect(third.data).toEqual({ generateInvoice: { status: "DRAFT" } });
  });
});
