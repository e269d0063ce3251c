import { nowOf } from "@shopstream/commands";
import { isDomainError } from "@shopstream/errors";
import { defaultMetadata } from "@shopstream/outbox";
import type { Logger } from "@shopstream/service";
import express, { type Express } from "express";
import { z } from "zod";
import type { PaymentsDeps } from "../context.ts";
import { applyProviderReport, type ProviderReport } from "../payments/payment-commands.ts";
import { uuid } from "../shared/payloads.ts";
import { SIGNATURE_HEADER, verifyWebhook } from "./signature.ts";

/** Every report names itself (the provider's webhook id) and the payment it is about. */
const aboutPayment = z.object({ id: z.string().min(1).max(100), paymentId: uuid });
const attempt = z.number().int().min(1);
const body = z.discriminatedUnion("type", [
  aboutPayment.extend({ type: z.literal("payment.succeeded"), attempt }),
  aboutPayment.extend({
    type: z.literal("payment.failed"),
    attempt,
    reason: z.string().max(500).default("declined"),
  }),
  aboutPayment.extend({ type: z.literal("refund.completed"), refundId: uuid }),
]);

/**
 * `POST /webhooks/payments`: the payment provider's reports. Verified by HMAC signature and
 * timestamp before anything is parsed; 401 for a bad or stale signature, 400 for a malformed
 * body, 404 for an unknown payment, 200 otherwise — also for duplicates and late reports, which
 * change nothing (a provider retries non-2xx answers).
 */
export function mountPaymentWebhook(
  app: Express,
  /** `secret`: the webhook secret, or every secret that verifies during a rotation. */
  deps: PaymentsDeps & { secret: string | readonly string[]; logger: Logger },
) {
  app.post("/webhooks/payments", express.raw({ type: "*/*", limit: "64kb" }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
    const verdict = verifyWebhook(
      deps.secret,
      raw,
      req.header(SIGNATURE_HEADER),
      Math.floor(nowOf(deps).getTime() / 1000),
    );
    if (!verdict.ok) {
      deps.logger.warn("webhook rejected", { reason: verdict.reason });
      res.status(401).json({ error: `signature ${verdict.reason}` });
      return;
    }
    let parsed: z.infer<typeof body>;
    try {
      parsed = body.parse(JSON.parse(raw));
    } catch (error) {
      res.status(400).json({
        error: "malformed webhook body",
        details: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    try {
      const { id, ...report } = parsed;
      const outcome = await applyProviderReport(
        deps,
        id,
        report satisfies ProviderReport,
        defaultMetadata({ actor: "payment-provider", causationId: id }),
      );
      if (outcome !== "applied")
        deps.logger.info("webhook changed nothing", { id, type: parsed.type, outcome });
      res.status(200).json({ received: true, outcome });
    } catch (error) {
      if (isDomainError(error) && error.code === "NOT_FOUND") {
        res.status(404).json({ error: error.message });
        return;
      }
      deps.logger.error("webhook failed", {
        id: parsed.id,
        error: error instanceof Error ? error.message : String(error),
      });
      res.status(500).json({ error: "internal error; retry later" });
    }
  });
}
