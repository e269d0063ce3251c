import { graphql } from "@shopstream/testing";
import { tokens } from "@shopstream/testing/tokens";
import { describe, expect, inject, it } from "vitest";

describe("gateway", () => {
  it("serves /health and /ready on every service", async () => {
    for (const [name, url] of Object.entries(inject("serviceUrls"))) {
      const health = await fetch(`${url}/health`);
      expect(health.status, name).toBe(200);
      const ready = await fetch(`${url}/ready`);
      expect(ready.status, name).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ready", service: name });
    }
  });

  it("serves GraphiQL and its assets itself, with no CDN", async () => {
    const base = new URL(inject("gatewayUrl")).origin;
    const page = await (await fetch(`${base}/graphiql`)).text();
    expect(page).toContain("GraphiQL");
    const scripts = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThanOrEqual(4);
    for (const src of scripts) {
      expect(src.startsWith("/"), `${src} must be served locally`).toBe(true);
      const asset = await fetch(`${base}${src}`);
      expect(asset.status, src).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, src).toBeGreaterThan(1000);
    }
  });

  it("plans queries across all five subgraphs from the composed supergraph", async () => {
    // Fulfilment reads all five contexts.
    const result = await graphql(
      inject("gatewayUrl"),
      `{ product(id: "01900000-0000-7000-8000-000000000000") { id }
         order(id: "01900000-0000-7000-8000-000000000000") { id }
         warehouse(id: "01900000-0000-7000-8000-000000000000") { id }
         payment(id: "01900000-0000-7000-8000-000000000000") { id }
         customer(id: "01900000-0000-7000-8000-000000000000") { id } }`,
      {},
      await tokens.headers("fulfilment"),
    );
    expect(result).toEqual({
      data: { product: null, order: null, warehouse: null, payment: null, customer: null },
    });
  });

  it("rejects an invalid query with GRAPHQL_VALIDATION_FAILED", async () => {
    const result = await graphql(inject("gatewayUrl"), "{ customer { nope } }");
    expect(result.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});
