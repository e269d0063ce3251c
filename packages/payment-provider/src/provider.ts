import { randomUUID } from "node:crypto";
import type { Logger } from "@shopstream/service";
import express, { type Express } from "express";
import { signWebhook } from "./sign.ts";

/**
 * A simulated payment provider: accepts charges and refunds, decides their outcome after a
 * configurable latency (a failure rate, or an outcome a test scripted for one payment), and
 * reports it by calling the shop's webhook over HTTP, signed, retrying until the shop answers
 * 2xx. Charges are idempotent on (paymentId, attempt) like a real provider's.
 */
export interface ProviderOptions {
  webhookUrl: string;
  webhookSecret: string;
  latencyMs: number;
  failureRate: number;
  logger: Logger;
  random?: () => number;
}

export type Outcome = { outcome: "succeed" } | { outcome: "fail"; reason: string };

interface Delivery {
  body: Record<string, unknown>;
  attempts: number;
}

export function createProvider(options: ProviderOptions) {
  const random = options.random ?? Math.random;
  const scripted = new Map<string, Outcome[]>();
  const seenCharges = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) fn();
    }, ms);
    timers.add(timer);
  };

  async function deliver(delivery: Delivery): Promise<void> {
    const raw = JSON.stringify(delivery.body);
    try {
      const res = await fetch(options.webhookUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-shopstream-signature": signWebhook(
            options.webhookSecret,
            raw,
            Math.floor(Date.now() / 1000),
          ),
        },
        body: raw,
        signal: AbortSignal.timeout(5_000),
      });
      if (
        res.ok ||
        (res.status >= 400 && res.status < 500 && res.status !== 404 && res.status !== 409)
      ) {
        if (!res.ok)
          options.logger.warn("webhook refused; not retried", {
            status: res.status,
            id: delivery.body.id,
          });
        return;
      }
      throw new Error(`webhook answered ${res.status}`);
    } catch (error) {
      delivery.attempts++;
      if (delivery.attempts >= 8) {
        options.logger.error("webhook given up", { id: delivery.body.id, error: String(error) });
        return;
      }
      // Like real providers: retry with growing delays until the shop takes it.
      later(Math.min(30_000, 200 * 2 ** delivery.attempts), () => void deliver(delivery));
    }
  }

  const outcomeFor = (paymentId: string, orderId: unknown): Outcome => {
    const queue =
      scripted.get(paymentId) ?? (typeof orderId === "string" ? scripted.get(orderId) : undefined);
    const next = queue?.shift();
    if (next) return next;
    return random() < options.failureRate
      ? { outcome: "fail", reason: "card declined (simulated)" }
      : { outcome: "succeed" };
  };

  function mount(app: Express): void {
    app.use(express.json({ limit: "64kb" }));
    app.post("/charges", (req, res) => {
      const { paymentId, orderId, attempt, amount, currency } = req.body ?? {};
      if (
        typeof paymentId !== "string" ||
        !Number.isInteger(attempt) ||
        !Number.isInteger(amount) ||
        typeof currency !== "string"
      ) {
        res.status(400).json({ error: "paymentId, attempt, amount and currency are required" });
        return;
      }
      const key = `${paymentId}:${attempt}`;
      if (seenCharges.has(key)) {
        res.status(200).json({ accepted: true, duplicate: true });
        return;
      }
      seenCharges.add(key);
      res.status(202).json({ accepted: true });
      later(options.latencyMs, () => {
        const o = outcomeFor(paymentId, orderId);
        void deliver({
          attempts: 0,
          body:
            o.outcome === "succeed"
              ? { id: randomUUID(), type: "payment.succeeded", paymentId, attempt }
              : { id: randomUUID(), type: "payment.failed", paymentId, attempt, reason: o.reason },
        });
      });
    });
    app.post("/refunds", (req, res) => {
      const { paymentId, refundId, amount } = req.body ?? {};
      if (
        typeof paymentId !== "string" ||
        typeof refundId !== "string" ||
        !Number.isInteger(amount)
      ) {
        res.status(400).json({ error: "paymentId, refundId and amount are required" });
        return;
      }
      res.status(202).json({ accepted: true });
      later(
        options.latencyMs,
        () =>
          void deliver({
            attempts: 0,
            body: { id: randomUUID(), type: "refund.completed", paymentId, refundId },
          }),
      );
    });
    // Test hook: the next charges of this payment (or of any payment of this order) end as
    // scripted, in order; later ones by chance.
    app.post("/script", (req, res) => {
      const { paymentId, orderId, outcomes } = req.body ?? {};
      const key = typeof paymentId === "string" ? paymentId : orderId;
      if (typeof key !== "string" || !Array.isArray(outcomes)) {
        res.status(400).json({ error: "paymentId or orderId, and outcomes[], are required" });
        return;
      }
      scripted.set(
        key,
        outcomes.map((o: { outcome?: string; reason?: string }) =>
          o.outcome === "fail"
            ? { outcome: "fail" as const, reason: o.reason ?? "declined (scripted)" }
            : { outcome: "succeed" as const },
        ),
      );
      res.status(204).end();
    });
  }

  return {
    mount,
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
