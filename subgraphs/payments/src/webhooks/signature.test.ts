import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhook } from "./signature.ts";

const secret = "whsec_test";
const body = JSON.stringify({ id: "evt_1", type: "payment.succeeded" });
const now = 1_800_000_000;

describe("webhook signatures", () => {
  it("accepts its own signature within the tolerance", () => {
    expect(verifyWebhook(secret, body, signWebhook(secret, body, now - 10), now)).toEqual({
      ok: true,
    });
  });

  it.each([
    ["missing", undefined],
    ["malformed", "v1=abc"],
    ["malformed", `t=${now},v1=zz`],
    ["stale", signWebhook(secret, body, now - 301)],
    ["stale", signWebhook(secret, body, now + 301)],
    ["mismatch", signWebhook("other-secret", body, now)],
    ["mismatch", signWebhook(secret, `${body} `, now)],
  ])("rejects a %s signature", (reason, header) => {
    expect(verifyWebhook(secret, body, header, now)).toEqual({ ok: false, reason });
  });
});
