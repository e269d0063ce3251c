import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Runner } from "../harness/runner.ts";
import type { Stats } from "../harness/stats.ts";
import { livePageHtml } from "./page.ts";
import { subscribeToGateway } from "./subscriptions.ts";

export interface LivePageOptions {
  host: string;
  port: number;
  stats: Stats;
  runner: Runner;
  stop: AbortController;
  gateway: string;
  /** The token the page's subscriptions sign in with (staff who see stock and every order). */
  token?: string;
  profile: string;
}

export interface LivePage {
  url: string;
  close(): Promise<void>;
}

/**
 * The live page (loopback only): tables refreshed every second over Server-Sent Events, Start
 * (resume users) / Stop (park them between journeys) / End run buttons, and the gateway's
 * `stockLevelChanged` / `orderStatusChanged` events as they come.
 */
export async function startLivePage(o: LivePageOptions): Promise<LivePage> {
  const clients = new Set<ServerResponse>();
  const events: unknown[] = [];
  const send = (type: string, data: unknown) => {
    const frame = `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of clients) c.write(frame);
  };
  const subs = subscribeToGateway(o.gateway, o.token, (e) => {
    events.unshift(e);
    events.length = Math.min(events.length, 50);
    send("live-event", e);
  });
  const snapshot = () => ({
    ...o.stats.snapshot(),
    profile: o.profile,
    paused: o.runner.isPaused,
    ended: o.stop.signal.aborted,
    subscriptions: subs.status(),
  });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "GET" && url.pathname === "/") {
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
      });
      res.end(livePageHtml(o.profile));
      return;
    }
    if (req.method === "GET" && url.pathname === "/events") {
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        connection: "keep-alive",
      });
      res.write(`event: stats\ndata: ${JSON.stringify(snapshot())}\n\n`);
      for (const e of [...events].reverse())
        res.write(`event: live-event\ndata: ${JSON.stringify(e)}\n\n`);
      clients.add(res);
      req.on("close", () => clients.delete(res));
      return;
    }
    if (req.method === "GET" && url.pathname === "/stats") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(snapshot()));
      return;
    }
    if (req.method === "POST" && ["/start", "/stop", "/end"].includes(url.pathname)) {
      if (url.pathname === "/start") o.runner.resume();
      else if (url.pathname === "/stop") o.runner.pause();
      else o.stop.abort();
      res.writeHead(204).end();
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const timer = setInterval(() => send("stats", snapshot()), 1000);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${o.host}:${port}`,
    async close() {
      clearInterval(timer);
      send("stats", snapshot());
      for (const c of clients) c.end();
      await subs.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
