import { createRedis } from "@shopstream/redis";
import { TEST_REDIS_URL } from "@shopstream/testing";
import { waitFor } from "@shopstream/testing/kit";
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
    await waitFor("ten runs", () => runs.length >= 10);
    await Promise.all([a.stop(), b.stop()]);
    // At most one run per 200 ms tick between the first run and the last (and a little slack);
    // a doubled schedule would run twice per tick. A loaded machine may delay ticks, which only
    // widens the span: it never duplicates them.
    const ticks = Math.floor((runs.at(-1)! - runs[0]!) / task.everyMs) + 1;
    expect(runs.length).toBeLessThanOrEqual(ticks + 2);
    const redis = createRedis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
});
