import { ConfigError } from "@shopstream/config";
import { describe, expect, it } from "vitest";
import { loadPaymentsConfig } from "./config.ts";

describe("payments config", () => {
  it("defaults the webhook secret for development, and takes a set one", () => {
    expect(loadPaymentsConfig({})).toEqual({ webhookSecret: "shopstream-dev-webhook-secret" });
    expect(loadPaymentsConfig({ PAYMENTS_WEBHOOK_SECRET: " " })).toEqual({
      webhookSecret: "shopstream-dev-webhook-secret",
    });
    expect(loadPaymentsConfig({ PAYMENTS_WEBHOOK_SECRET: "a-secret-of-16-chars" })).toEqual({
      webhookSecret: "a-secret-of-16-chars",
    });
  });

  it("refuses a secret shorter than 16 characters, naming the variable", () => {
    expect(() => loadPaymentsConfig({ PAYMENTS_WEBHOOK_SECRET: "short" })).toThrow(ConfigError);
    expect(() => loadPaymentsConfig({ PAYMENTS_WEBHOOK_SECRET: "short" })).toThrow(
      /PAYMENTS_WEBHOOK_SECRET: must be at least 16 characters/,
    );
  });
});
