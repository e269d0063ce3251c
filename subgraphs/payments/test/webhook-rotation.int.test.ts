import { createLogger, startHttpService } from "@shopstream/service";
import { unique } from "@shopstream/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPaymentsConfig } from "../src/config.ts";
import { SIGNATURE_HEADER, signWebhook, verifyWebhook } from "../src/webhooks/signature.ts";
import { mountPaymentWebhook } from "../src/webhooks/webhook-route.ts";
import { eventsOf, paymentFor, prisma } from "./payments.harness.ts";

// A rotation under way: the provider already signs with NEW, reports signed with OLD (sent before
// the switch, or retried) must still land.
const NEW = "rotated-webhook-secret-2026-12";
const OLD = "previous-webhook-secret-2026-06";
const OTHER = "unrelated-webhook-secret-0000";

const logger = createLogger("payments-test", "error");
const config = loadPaymentsConfig({ PAYMENTS_WEBHOOK_SECRETS: `${NEW}, ${OLD}` });
let http: Awaited<ReturnType<typeof startHttpService>>;

beforeAll(async () => {
  http = await startHttpService({
    name: "payments",
    port: 0,
    host: "127.0.0.1",
    logger,
    readiness: {},
    // As main.ts should pass it: every verifying secret while a rotation is under way.
    routes: (app) =>
      mountPaymentWebhook(app, {
        prisma,
        secret: config.webhookSecrets ?? config.webhookSecret,
        logger,
      }),
  });
});
afterAll(() => http.stop());

async function webhook(secret: string, body: Record<string, unknown>) {
  const raw = JSON.stringify({ id: unique("wh"), ...body });
  const res = await fetch(`http://127.0.0.1:${http.port}/webhooks/payments`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      [SIGNATURE_HEADER]: signWebhook(secret, raw, Math.floor(Date.now() / 1000)),
    },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const success = (paymentId: string) => ({ type: "payment.succeeded", paymentId, attempt: 1 });

describe("webhook secret rotation (PAYMENTS_WEBHOOK_SECRETS=<new>,<old>)", () => {
  it("reads the new secret as the signing one and both as verifying", () => {
    expect(config).toEqual({ webhookSecret: NEW, webhookSecrets: [NEW, OLD] });
  });

  it("accepts a report signed with the new secret and one signed with the old", async () => {
    const [a, b] = [await paymentFor(), await paymentFor()];
    expect(await webhook(NEW, success(a.id))).toEqual({
      status: 200,
      body: { received: true, outcome: "applied" },
    });
    expect(await webhook(OLD, success(b.id))).toEqual({
      status: 200,
      body: { received: true, outcome: "applied" },
    });
  });

  it("refuses a report signed with neither, and changes nothing", async () => {
    const payment = await paymentFor();
    expect(await webhook(OTHER, success(payment.id))).toEqual({
      status: 401,
      body: { error: "signature mismatch" },
    });
    expect(await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({
      status: "PENDING",
    });
    expect((await eventsOf(payment.id)).map((e) => e.eventType)).toEqual(["PaymentInitiated"]);
  });

  it("still refuses stale and malformed signatures with several secrets", () => {
    const body = "{}";
    const now = 1_800_000_000;
    expect(verifyWebhook([NEW, OLD], body, signWebhook(OLD, body, now - 301), now)).toEqual({
      ok: false,
      reason: "stale",
    });
    expect(verifyWebhook([NEW, OLD], body, "t=1,v1=zz", now)).toEqual({
      ok: false,
      reason: "malformed",
    });
    expect(verifyWebhook([NEW, OLD], body, undefined, now)).toEqual({
      ok: false,
      reason: "missing",
    });
  });
});

describe("payments webhook configuration", () => {
  it("keeps PAYMENTS_WEBHOOK_SECRET working as the one secret", () => {
    expect(loadPaymentsConfig({ PAYMENTS_WEBHOOK_SECRET: NEW })).toEqual({ webhookSecret: NEW });
  });

  it("refuses more than two secrets, or a short one, naming the variable", () => {
    expect(() =>
      loadPaymentsConfig({ PAYMENTS_WEBHOOK_SECRETS: `${NEW},${OLD},${OTHER}` }),
    ).toThrow(/PAYMENTS_WEBHOOK_SECRETS: holds at most two secrets/);
    expect(() => loadPaymentsConfig({ PAYMENTS_WEBHOOK_SECRETS: `${NEW},short` })).toThrow(
      /PAYMENTS_WEBHOOK_SECRETS\.1: must be at least 16 characters/,
    );
  });

  it("refuses to start with the development default under NODE_ENV=production", () => {
    const refusal =
      /PAYMENTS_WEBHOOK_SECRET: must be a secret of your own under NODE_ENV=production/;
    expect(() => loadPaymentsConfig({ NODE_ENV: "production" })).toThrow(refusal);
    expect(() =>
      loadPaymentsConfig({
        NODE_ENV: "production",
        PAYMENTS_WEBHOOK_SECRETS: `${NEW},shopstream-dev-webhook-secret`,
      }),
    ).toThrow(refusal);
    expect(loadPaymentsConfig({ NODE_ENV: "production", PAYMENTS_WEBHOOK_SECRET: NEW })).toEqual({
      webhookSecret: NEW,
    });
  });
});
