import { createRedis } from "@shopstream/redis";
import { TEST_REDIS_URL } from "@shopstream/testing";
import { describe, expect, it } from "vitest";
import { startScheduler } from "../src/pipeline/scheduler.ts";
import { logger } from "./pipeline-harness.ts";

describe("scheduler (BullMQ job schedulers, real Redis)", () => {
  it("runs a task every interval, once per tick however many workers processes run it", async () => {
    const prefix = `t-sched-${Date.now()}`;
    const runs: number[] = [];
    const task = { name: "count", everyMs: 200, run: async () => runs.push(Date.now()) };
    // Two schedulers stand for two workers processes.
    const a = await startScheduler({ redisUrl: TEST_REDIS_URL, prefix, tasks: [task], logger });
    const b = await startScheduler({ redisUrl: TEST_REDIS_URL, prefix, tasks: [task], logger });
    await Promise.all([a.ready(), b.ready()]);
    await new Promise((r) => setTimeout(r, 2100));
    await Promise.all([a.stop(), b.stop()]);
    // ~10 ticks in 2.1 s; a doubled schedule would give ~20. The lower bound only proves it
    // runs at all: a loaded CI machine may delay ticks, never duplicate them.
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThanOrEqual(12);
    const redis = createRedis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
});
