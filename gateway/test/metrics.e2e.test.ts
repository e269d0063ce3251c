import { unique } from "@shopstream/testing";
import { e2eShop } from "@shopstream/testing/e2e-shop";
import { metricValue, pollUntil } from "@shopstream/testing/kit";
import { describe, expect, inject, it } from "vitest";

// /metrics of the gateway and of a subgraph through the running stack: a registration and a
// refused registration show in the operation histogram and the error counter of both.
const urls = inject("serviceUrls");
const shop = e2eShop(inject("gatewayUrl"), urls);
const scrape = async (service: string) => (await fetch(new URL("/metrics", urls[service]))).text();

const count = (text: string, service: string, outcome: string) =>
  metricValue(text, "shopstream_graphql_operation_duration_seconds_count", {
    operation_name: "registerCustomer",
    operation_type: "mutation",
    outcome,
    service,
  }) ?? 0;
const failures = (text: string, service: string) =>
  metricValue(text, "shopstream_graphql_errors_total", { code: "VALIDATION_FAILED", service }) ?? 0;

describe("GraphQL metrics", () => {
  it("count operations by root field and outcome, and errors by code, at the gateway and the subgraph", async () => {
    const before = { gateway: await scrape("gateway"), identity: await scrape("identity") };
    await shop.registerCustomer();
    // A customer signing up with a bad email, as themself.
    const externalId = unique("ext-metrics");
    const refused = await shop
      .as({ customer: externalId })
      .send(
        `mutation($x: String!) { registerCustomer(input: { externalId: $x, email: "no-at-sign", firstName: "A", lastName: "B" }) { id } }`,
        { x: externalId },
      );
    expect(refused.errors?.[0]?.extensions?.code).toBe("VALIDATION_FAILED");
    for (const service of ["gateway", "identity"] as const) {
      const after = await pollUntil(
        `${service} to count both registrations`,
        () => scrape(service),
        (text) =>
          count(text, service, "ok") > count(before[service], service, "ok") &&
          count(text, service, "error") > count(before[service], service, "error"),
        { show: () => "(scrape)" },
      );
      expect(failures(after, service)).toBeGreaterThan(failures(before[service], service));
      expect(after).toContain("process_cpu_user_seconds_total");
    }
  });
});
