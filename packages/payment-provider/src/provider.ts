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

/**
 * How one charge ends. `hold` (scripted only) keeps the decided report instead of sending it,
 * until `POST /release` names the payment or order: a test can then send the provider's
 * report at the very moment it races something else (a cancellation, say).
 */
export type Outcome =
  | { outcome: "succeed"; hold?: boolean }
  | { outcome: "fail"; reason: string; hold?: boolean };

interface Delivery {
  body: Record<string, unknown>;
  attempts: number;
}

export function createProvider(options: ProviderOptions) {
  const random = options.random ?? Math.random;
  const scripted = new Map<string, Outcome[]>();
  const seenCharges = new Set<string>();
  /** Reports kept back by a `hold` outcome, by payment id, with the order they belong to. */
  const held = new Map<string, { orderId: string | null; deliveries: Delivery[] }>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) fn();
    }, ms);
    timers.add(timer);
  };

  /** Sends a report; resolves with the status of this first attempt (0: no answer). */
  async function deliver(delivery: Delivery): Promise<number> {
    const raw = JSON.stringify(delivery.body);
    let status = 0;
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
        return res.status;
      }
      status = res.status;
      throw new Error(`webhook answered ${res.status}`);
    } catch (error) {
      delivery.attempts++;
      if (delivery.attempts >= 8) {
        options.logger.error("webhook given up", { id: delivery.body.id, error: String(error) });
        return status;
      }
      // Like real providers: retry with growing delays until the shop takes it.
      later(Math.min(30_000, 200 * 2 ** delivery.attempts), () => void deliver(delivery));
      return status;
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
        const delivery: Delivery = {
          attempts: 0,
          body:
            o.outcome === "succeed"
              ? { id: randomUUID(), type: "payment.succeeded", paymentId, attempt }
              : { id: randomUUID(), type: "payment.failed", paymentId, attempt, reason: o.reason },
        };
        if (!o.hold) {
          void deliver(delivery);
          return;
        }
        const entry = held.get(paymentId) ?? {
          orderId: typeof orderId === "string" ? orderId : null,
          deliveries: [],
        };
        entry.deliveries.push(delivery);
        held.set(paymentId, entry);
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
    // scripted, in order; later ones by chance. `{ outcome, hold: true }` keeps the report until
    // `POST /release` (below).
    app.post("/script", (req, res) => {
      const { paymentId, orderId, outcomes } = req.body ?? {};
      const key = typeof paymentId === "string" ? paymentId : orderId;
      if (typeof key !== "string" || !Array.isArray(outcomes)) {
        res.status(400).json({ error: "paymentId or orderId, and outcomes[], are required" });
        return;
      }
      scripted.set(
        key,
        outcomes.map((o: { outcome?: string; reason?: string; hold?: unknown }) => {
          const hold = o.hold === true;
          return o.outcome === "fail"
            ? { outcome: "fail" as const, reason: o.reason ?? "declined (scripted)", hold }
            : { outcome: "succeed" as const, hold };
        }),
      );
      res.status(204).end();
    });
    // Test hooks for `hold` outcomes. The reports held for a payment (or for the payments of an
    // order): `GET /held?paymentId=…` or `?orderId=…` lists them, so a test knows the charge was
    // decided; `POST /release { paymentId | orderId }` sends them now, answering with the status
    // the shop gave each first attempt (later attempts retry as usual), or 404 if none is held.
    const heldFor = (query: { paymentId?: unknown; orderId?: unknown }) =>
      [...held.entries()].filter(
        ([paymentId, entry]) =>
          (typeof query.paymentId === "string" && paymentId === query.paymentId) ||
          (typeof query.orderId === "string" && entry.orderId === query.orderId),
      );
    app.get("/held", (req, res) => {
      if (typeof req.query.paymentId !== "string" && typeof req.query.orderId !== "string") {
        res.status(400).json({ error: "paymentId or orderId is required" });
        return;
      }
      res.status(200).json({
        held: heldFor(req.query).flatMap(([, entry]) => entry.deliveries.map((d) => d.body)),
      });
    });
    app.post("/release", async (req, res) => {
      const { paymentId, orderId } = req.body ?? {};
      if (typeof paymentId !== "string" && typeof orderId !== "string") {
        res.status(400).json({ error: "paymentId or orderId is required" });
        return;
      }
      const entries = heldFor({ paymentId, orderId });
      if (entries.length === 0) {
        res.status(404).json({ error: "nothing held for this payment or order" });
        return;
      }
      for (const [id] of entries) held.delete(id);
      const deliveries = entries.flatMap(([, entry]) => entry.deliveries);
      const statuses = await Promise.all(deliveries.map((d) => deliver(d)));
      res.status(200).json({
        released: deliveries.map((d, i) => ({
          id: d.body.id,
          type: d.body.type,
          status: statuses[i],
        })),
      });
    });
  }

  return {
    mount,
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      held.clear();
    },
  };
}
