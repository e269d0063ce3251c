import { isDomainError } from "@shopstream/errors";
import { defaultMetadata, newId } from "@shopstream/outbox";
import { createLogger, startHttpService } from "@shopstream/service";
import { TEST_ADMIN, unique } from "@shopstream/testing";
import { expectDomainError } from "@shopstream/testing/kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../src/context.ts";
import { initiatePayment, requestRefund, retryPayment } from "../src/payments/payment-commands.ts";
import { createServer } from "../src/server.ts";
import { SIGNATURE_HEADER, signWebhook } from "../src/webhooks/signature.ts";
import { mountPaymentWebhook } from "../src/webhooks/webhook-route.ts";
import { deps, eventsOf, paymentFor, prisma } from "./payments.harness.ts";

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
afterAll(() => http.stop());

/** Posts a signed provider report (a fresh webhook id unless `body` names one). */
async function webhook(body: Record<string, unknown>, opts: { secret?: string; at?: number } = {}) {
  const raw = JSON.stringify({ id: unique("wh"), ...body });
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

/** A report about `paymentId`'s first attempt. */
const attempt1 = (type: string, paymentId: string) => ({ type, paymentId, attempt: 1 });

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
    await expectDomainError(
      initiatePayment(
        deps,
        { ...input, amount: { amount: 4_201, currency: "EUR" } },
        defaultMetadata(),
      ),
      "DUPLICATE",
      ["idempotencyKey"],
    );
  });
});

describe("payments webhook (HTTP, HMAC)", () => {
  it("records a signed success once; duplicates and bad or stale signatures change nothing", async () => {
    const payment = await paymentFor();
    const success = { id: unique("wh"), ...attempt1("payment.succeeded", payment.id) };
    expect(await webhook(success)).toEqual({
      status: 200,
      body: { received: true, outcome: "applied" },
    });
    expect((await webhook(success)).body.outcome).toBe("duplicate");
    const failure = attempt1("payment.failed", payment.id);
    expect((await webhook(failure, { secret: "wrong-secret-0123456789" })).status).toBe(401);
    const staleAt = Math.floor(Date.now() / 1000) - 3_600;
    expect((await webhook(failure, { at: staleAt })).status).toBe(401);
    const row = await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } });
    expect(row).toMatchObject({ status: "SUCCEEDED", captured: 10_000, version: 2 });
    expect((await eventsOf(payment.id)).map((e) => e.eventType)).toEqual([
      "PaymentInitiated",
      "PaymentSucceeded",
    ]);
  });

  it("ignores a late report about an earlier attempt", async () => {
    const payment = await paymentFor();
    await webhook({ ...attempt1("payment.failed", payment.id), reason: "declined" });
    await retryPayment(deps, payment.id, defaultMetadata());
    expect((await webhook(attempt1("payment.succeeded", payment.id))).body.outcome).toBe("stale");
    expect(await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({
      status: "PENDING",
      attempts: 2,
    });
  });

  it("answers 400 for a malformed body and 404 for an unknown payment", async () => {
    expect((await webhook({ type: "payment.exploded" })).status).toBe(400);
    expect((await webhook(attempt1("payment.succeeded", newId()))).status).toBe(404);
  });
});

describe("refunds", () => {
  it("never exceed the captured amount under ten concurrent requests, and complete through the webhook", async () => {
    const payment = await paymentFor(undefined, 10_000);
    await webhook(attempt1("payment.succeeded", payment.id));
    // Each request queues on the payment's row lock: the first five are granted, the other five
    // find the captured amount promised and are refused. Both must happen, nothing else may.
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        requestRefund(deps, payment.id, { amount: 2_000, reason: "goodwill" }, defaultMetadata()),
      ),
    );
    const tally = { granted: 0, refused: 0 };
    for (const r of results) {
      if (r.status === "fulfilled") tally.granted++;
      else if (isDomainError(r.reason) && r.reason.code === "VALIDATION_FAILED") tally.refused++;
      else throw r.reason;
    }
    expect(tally).toEqual({ granted: 5, refused: 5 });
    const refunds = await prisma.refund.findMany({ where: { paymentId: payment.id } });
    expect(refunds.reduce((s, r) => s + r.amount, 0)).toBe(10_000);
    for (const refund of refunds) {
      await webhook({ type: "refund.completed", paymentId: payment.id, refundId: refund.id });
    }
    expect(await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({
      status: "REFUNDED",
      refundReserved: 10_000,
    });
  });

  it("is refused by the database itself beyond the captured amount", async () => {
    const payment = await paymentFor(undefined, 1_000);
    await expect(
      prisma.$executeRaw`UPDATE payment SET refund_reserved = 1 WHERE id = ${payment.id}::uuid`,
    ).rejects.toThrow();
  });
});

describe("payments subgraph (executeOperation)", () => {
  const server = createServer(logger);
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  const ctx = () =>
    createContext(prisma, { correlationId: "t", principal: TEST_ADMIN, actor: "t" });
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
    await paymentFor(orderId, 4_676);
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
