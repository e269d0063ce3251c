import { e2eShop } from "@shopstream/testing/e2e-shop";
import { metricValue, pollUntil } from "@shopstream/testing/kit";
import { describe, expect, inject, it } from "vitest";

// The workers' /metrics through the running stack: after a customer registers, the relay has
// published identity's event and the directory consumer has applied it, and the scrape-time
// gauges read every context's outbox, every consumer queue and every dependency.
const shop = e2eShop(inject("gatewayUrl"), inject("serviceUrls"));
const metricsUrl = new URL("/metrics", inject("serviceUrls").workers).toString();

/** A series of the workers' scrape (every series carries `service="workers"`). */
const sample = (scrape: string, name: string, labels: Record<string, string>) =>
  metricValue(scrape, name, { ...labels, service: "workers" });

const scrape = async () => (await fetch(metricsUrl)).text();

describe("workers /metrics", () => {
  it("counts relayed and applied events and reads outbox, queue and dependency gauges", async () => {
    const before = await scrape();
    const published = (s: string) =>
      sample(s, "shopstream_outbox_published_total", { context: "identity" }) ?? 0;
    const applied = (s: string) =>
      sample(s, "shopstream_consumer_events_total", {
        consumer: "identity.customer-directory",
        outcome: "applied",
      }) ?? 0;
    await shop.registerCustomer();
    const after = await pollUntil(
      "the registration to be relayed and applied",
      scrape,
      (s) => published(s) > published(before) && applied(s) > applied(before),
      { show: () => "(scrape)" },
    );
    for (const context of ["identity", "catalogue", "ordering", "inventory", "payments"]) {
      expect(sample(after, "shopstream_outbox_pending", { context })).toBeGreaterThanOrEqual(0);
      expect(
        sample(after, "shopstream_outbox_oldest_pending_seconds", { context }),
      ).toBeGreaterThanOrEqual(0);
      expect(sample(after, "shopstream_up", { dependency: `postgres:${context}` })).toBe(1);
    }
    expect(sample(after, "shopstream_up", { dependency: "redis" })).toBe(1);
    const queue = { queue: "identity.customer-directory" };
    expect(
      sample(after, "shopstream_queue_jobs", { ...queue, state: "waiting" }),
    ).toBeGreaterThanOrEqual(0);
    expect(
      sample(after, "shopstream_dead_letters", { consumer: "payments.provider-dispatch" }),
    ).toBeGreaterThanOrEqual(0);
    expect(
      sample(after, "shopstream_outbox_relay_lag_seconds_count", { context: "identity" }),
    ).toBeGreaterThan(0);
    expect(
      sample(after, "shopstream_consumer_duration_seconds_count", {
        consumer: "identity.customer-directory",
      }),
    ).toBeGreaterThan(0);
    expect(after).toContain("nodejs_eventloop_lag_seconds");
  });
});
