import { loadProviderConfig } from "@shopstream/payment-provider/config";
import { gatewayTestEnv } from "@shopstream/testing";
import { describe, expect, it } from "vitest";
import { loadGatewayConfig } from "../src/config.ts";

const refusal = /PAYMENTS_WEBHOOK_SECRET: must be a secret of your own under NODE_ENV=production/;
const SECRET = "a-production-webhook-secret";

describe("gateway configuration of the security profile", () => {
  it("defaults to development, generous rate budgets and no Origin allow-list", () => {
    const c = loadGatewayConfig(gatewayTestEnv());
    expect(c.production).toBe(false);
    expect(c.rateLimit).toEqual({ enabled: true, perMinute: 6_000, anonymousPerMinute: 6_000 });
    expect(c.allowedOrigins).toBeNull();
    expect(c.limits).toMatchObject({ maxAliases: 100, maxDirectives: 50, maxCost: 20_000 });
  });

  it("reads the production profile, the limits, the budgets and the allowed origins", () => {
    const c = loadGatewayConfig({
      ...gatewayTestEnv({ production: true }),
      MAX_QUERY_ALIASES: "5",
      MAX_QUERY_DIRECTIVES: "6",
      MAX_QUERY_COST: "700",
      RATE_LIMIT_ENABLED: "false",
      RATE_LIMIT_PER_MINUTE: "120",
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: "30",
      WS_ALLOWED_ORIGINS: "https://shop.example, https://admin.shop.example,",
    });
    expect(c.production).toBe(true);
    expect(c.limits).toMatchObject({ maxAliases: 5, maxDirectives: 6, maxCost: 700 });
    expect(c.rateLimit).toEqual({ enabled: false, perMinute: 120, anonymousPerMinute: 30 });
    expect(c.allowedOrigins).toEqual(["https://shop.example", "https://admin.shop.example"]);
  });

  it("refuses a rate switch that is not true or false", () => {
    expect(() => loadGatewayConfig({ ...gatewayTestEnv(), RATE_LIMIT_ENABLED: "yes" })).toThrow(
      /RATE_LIMIT_ENABLED: must be true or false/,
    );
  });
});

describe("the payment provider's webhook secret", () => {
  // Payments' own refusal is tested with its webhooks (subgraphs/payments/test).
  it("the provider refuses the development default", () => {
    expect(() => loadProviderConfig({ NODE_ENV: "production" })).toThrow(refusal);
    expect(() =>
      loadProviderConfig({
        NODE_ENV: "production",
        PAYMENTS_WEBHOOK_SECRET: "shopstream-dev-webhook-secret",
      }),
    ).toThrow(refusal);
  });

  it("the provider starts with a secret of its own", () => {
    const env = { NODE_ENV: "production", PAYMENTS_WEBHOOK_SECRET: SECRET };
    expect(loadProviderConfig(env).PAYMENTS_WEBHOOK_SECRET).toBe(SECRET);
  });

  it("the provider signs with the first secret of a rotation", () => {
    const c = loadProviderConfig({ PAYMENTS_WEBHOOK_SECRETS: `${SECRET},an-older-webhook-secret` });
    expect(c.PAYMENTS_WEBHOOK_SECRET).toBe(SECRET);
    expect(c).not.toHaveProperty("PAYMENTS_WEBHOOK_SECRETS");
  });
});
