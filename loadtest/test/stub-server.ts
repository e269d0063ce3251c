import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface StubRequest {
  operationName: string;
  variables: Record<string, unknown>;
  headers: IncomingMessage["headers"];
}

export type StubHandler = (
  req: StubRequest,
) => { data?: unknown; errors?: unknown[] } | { status: number; text: string };

/** A stub GraphQL server (and provider/workers health) on 127.0.0.1, for the harness's own tests. */
export async function startStub(handle: StubHandler) {
  const requests: StubRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      if (path === "/health" || path === "/ready") {
        res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
        return;
      }
      if (path === "/script") {
        res.writeHead(204).end();
        return;
      }
      if (path !== "/graphql") {
        res.writeHead(404).end();
        return;
      }
      const parsed = JSON.parse(body) as {
        operationName?: string;
        query: string;
        variables?: Record<string, unknown>;
      };
      const r: StubRequest = {
        operationName:
          parsed.operationName ?? (parsed.query.includes("__typename") ? "__typename" : ""),
        variables: parsed.variables ?? {},
        headers: req.headers,
      };
      requests.push(r);
      const out = r.operationName === "__typename" ? { data: { __typename: "Query" } } : handle(r);
      if ("status" in out) {
        res.writeHead(out.status, { "content-type": "text/plain" }).end(out.text);
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
