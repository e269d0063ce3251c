import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { newTracker } from "../src/harness/journey.ts";
import { Runner } from "../src/harness/runner.ts";
import { Stats } from "../src/harness/stats.ts";
import { constant } from "../src/harness/time.ts";
import { startLivePage } from "../src/live/server.ts";
import { closedPort } from "./stub-server.ts";

/** The first Server-Sent Event of `url`. */
const firstEvent = (url: string) =>
  new Promise<string>((resolve, reject) => {
    const req = request(url, (res) => {
      let buf = "";
      res.on("data", (c) => {
        buf += c;
        const end = buf.indexOf("\n\n");
        if (end >= 0) {
          resolve(buf.slice(0, end));
          req.destroy();
        }
      });
    });
    req.on("error", reject);
    req.end();
  });

describe("live page", () => {
  it("serves the page, stats over SSE, and Stop/Start", async () => {
    const stop = new AbortController();
    const stats = new Stats();
    stats.request("PlaceOrder", 5, Date.now());
    const env = {
      client: undefined as never,
      provider: undefined as never,
      tokenFor: () => undefined,
      stats,
      tracker: newTracker(),
      signal: stop.signal,
      shared: new Map(),
      users: 1,
      settleTimeoutMs: 1,
    };
    const runner = new Runner({
      users: 1,
      spawnRate: 1,
      durationMs: 1,
      userClass: { name: "x", wait: constant(1), journeys: [] },
      env,
      stop,
    });
    const port = await closedPort();
    const live = await startLivePage({
      host: "127.0.0.1",
      port: 0,
      stats,
      runner,
      stop,
      gateway: `http://127.0.0.1:${port}/graphql`,
      profile: "smoke",
    });
    try {
      const page = await fetch(live.url);
      const html = await page.text();
      expect(html).toContain('new EventSource("/events")');
      expect(html).not.toMatch(/src=|href=|https?:\/\//);
      const event = await firstEvent(`${live.url}/events`);
      expect(event.split("\n")[0]).toBe("event: stats");
      const data = JSON.parse(event.split("\n")[1]!.slice("data: ".length));
      expect(data.operations[0]).toMatchObject({ name: "PlaceOrder", count: 1 });
      expect((await fetch(`${live.url}/stop`, { method: "POST" })).status).toBe(204);
      expect(runner.isPaused).toBe(true);
      await fetch(`${live.url}/start`, { method: "POST" });
      expect(runner.isPaused).toBe(false);
      await fetch(`${live.url}/end`, { method: "POST" });
      expect(stop.signal.aborted).toBe(true);
    } finally {
      await live.close();
    }
  });
});
