import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pollUntil } from "@shopstream/testing/e2e-shop";
import { afterAll, describe, expect, it } from "vitest";
import { subgraphFetcher } from "../src/gateway.ts";

// A subgraph (Node's HTTP server) closes a keep-alive connection after 5 s idle. A client that
// keeps idle connections longer sometimes sends a request on one at the very moment it is being
// closed: the request fails with "socket hang up". The gateway's client must retire an idle
// connection first — observed here from the server's side: who closed the connection?

let server: Server | undefined;
afterAll(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

describe("the gateway's connections to subgraphs", () => {
  it("are closed by the gateway when idle, before the subgraph's keep-alive timeout closes them", async () => {
    const closedBy: ("gateway" | "subgraph")[] = [];
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
    });
    server.keepAliveTimeout = 3_000; // advertised as `Keep-Alive: timeout=3`
    server.on("connection", (socket) => {
      let peerEnded = false;
      socket.on("end", () => {
        peerEnded = true;
      });
      socket.on("close", () => closedBy.push(peerEnded ? "gateway" : "subgraph"));
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

    const res = await subgraphFetcher(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(res.status).toBe(200);
    await res.text();
    await pollUntil(
      "the idle connection to close",
      async () => closedBy.length,
      (closed) => closed > 0,
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    expect(closedBy).toEqual(["gateway"]);
  });
});
