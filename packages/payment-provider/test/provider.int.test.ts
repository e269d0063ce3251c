import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhook } from "@shopstream/payments";
import { createLogger, startHttpService } from "@shopstream/service";
import { pollUntil, waitFor } from "@shopstream/testing/kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProvider } from "../src/provider.ts";

const secret = "provider-test-secret-0123456789";
const received: { body: Record<string, unknown>; verified: boolean }[] = [];
let failNext = 1; // the first delivery is answered 503, to prove the provider retries

const receiver = createServer(async (req: IncomingMessage, res) => {
  let raw = "";
  for await (const chunk of req) raw += chunk;
  if (failNext > 0) {
    failNext--;
    res.writeHead(503).end();
    return;
  }
  const verdict = verifyWebhook(
    secret,
    raw,
    req.headers["x-shopstream-signature"] as string,
    Math.floor(Date.now() / 1000),
  );
  received.push({ body: JSON.parse(raw), verified: verdict.ok });
  res.writeHead(200, { "content-type": "application/json" }).end("{}");
});

let provider: ReturnType<typeof createProvider>;
let http: Awaited<ReturnType<typeof startHttpService>>;

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  provider = createProvider({
    webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/payments`,
    webhookSecret: secret,
    latencyMs: 20,
    failureRate: 1, // everything fails unless scripted
    logger: createLogger("provider-test", "error"),
  });
  http = await startHttpService({
    name: "payment-provider",
    port: 0,
    host: "127.0.0.1",
    logger: createLogger("provider-test", "error"),
    readiness: {},
    routes: provider.mount,
  });
});
afterAll(async () => {
  provider.stop();
  await http.stop();
  receiver.close();
});

const post = (path: string, body: unknown) =>
  fetch(`http://127.0.0.1:${http.port}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("simulated payment provider (HTTP)", () => {
  it("reports outcomes by signed webhook, retries until accepted, honours scripts and de-duplicates charges", async () => {
    expect(
      (await post("/script", { paymentId: "p-1", outcomes: [{ outcome: "succeed" }] })).status,
    ).toBe(204);
    expect(
      (await post("/charges", { paymentId: "p-1", attempt: 1, amount: 100, currency: "EUR" }))
        .status,
    ).toBe(202);
    expect(
      (await post("/charges", { paymentId: "p-1", attempt: 1, amount: 100, currency: "EUR" }))
        .status,
    ).toBe(200);
    expect(
      (await post("/charges", { paymentId: "p-2", attempt: 1, amount: 100, currency: "EUR" }))
        .status,
    ).toBe(202);
    await waitFor("two reports", () => received.length === 2);
    const byPayment = Object.fromEntries(received.map((r) => [r.body.paymentId, r]));
    expect(byPayment["p-1"]).toMatchObject({
      verified: true,
      body: { type: "payment.succeeded", attempt: 1 },
    });
    expect(byPayment["p-2"]).toMatchObject({
      verified: true,
      body: { type: "payment.failed", attempt: 1 },
    });
    expect(failNext).toBe(0); // one delivery was refused with 503 and retried

    expect((await post("/refunds", { paymentId: "p-1", refundId: "r-1", amount: 50 })).status).toBe(
      202,
    );
    await waitFor("the refund's report", () => received.length === 3);
    expect(received[2]).toMatchObject({
      verified: true,
      body: { type: "refund.completed", refundId: "r-1" },
    });
    expect((await post("/charges", { paymentId: "p-3" })).status).toBe(400);
  });
});

describe("held reports (test hook for races)", () => {
  it("keeps a `hold` outcome's report until POST /release sends it, once", async () => {
    failNext = 0; // this test reads the status of the first attempt
    expect(
      (
        await post("/script", {
          orderId: "order-h",
          outcomes: [{ outcome: "succeed", hold: true }],
        })
      ).status,
    ).toBe(204);
    const before = received.length;
    expect(
      (
        await post("/charges", {
          paymentId: "p-h",
          orderId: "order-h",
          attempt: 1,
          amount: 100,
          currency: "EUR",
        })
      ).status,
    ).toBe(202);
    const heldOf = async (query: string) =>
      (
        (await (await fetch(`http://127.0.0.1:${http.port}/held?${query}`)).json()) as {
          held: { type: string; paymentId: string }[];
        }
      ).held;
    // Nothing is held before the provider decided, and nothing can be released yet.
    expect((await post("/release", { orderId: "order-h" })).status).toBe(404);
    await pollUntil(
      "the report to be held",
      () => heldOf("orderId=order-h"),
      (held) => held.length > 0,
    );
    expect(await heldOf("paymentId=p-h")).toMatchObject([
      { type: "payment.succeeded", paymentId: "p-h" },
    ]);
    // Decided, but kept back: the shop has heard nothing.
    expect(received.length).toBe(before);

    const release = await post("/release", { paymentId: "p-h" });
    expect(release.status).toBe(200);
    expect(await release.json()).toMatchObject({
      released: [{ type: "payment.succeeded", status: 200 }],
    });
    // Sent exactly once, signed like any other report, by the time /release answered.
    expect(received.slice(before)).toMatchObject([
      { verified: true, body: { type: "payment.succeeded", paymentId: "p-h", attempt: 1 } },
    ]);
    expect(await heldOf("orderId=order-h")).toEqual([]);
    expect((await post("/release", { orderId: "order-h" })).status).toBe(404);
    expect((await post("/release", {})).status).toBe(400);
  });
});
