import type { ScheduledTask } from "@shopstream/events";
import { createRedis } from "@shopstream/redis";
import type { Logger } from "@shopstream/service";
import { Queue, Worker } from "bullmq";

export type { ScheduledTask };

export const SCHEDULED_QUEUE = "scheduled";

/**
 * Runs periodic tasks on BullMQ job schedulers rather than an external cron: however many workers
 * processes run, each tick produces one job (the scheduler id de-duplicates), a crashed run is
 * retried like any job, and the schedule lives in Redis with the queues.
 */
export async function startScheduler(options: {
  redisUrl: string;
  prefix: string;
  tasks: ScheduledTask[];
  logger: Logger;
}) {
  const connection = createRedis(options.redisUrl);
  const queue = new Queue(SCHEDULED_QUEUE, { connection, prefix: options.prefix });
  queue.on("error", () => {});
  for (const task of options.tasks) {
    await queue.upsertJobScheduler(
      task.name,
      { every: task.everyMs },
      {
        name: task.name,
        opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } },
      },
    );
  }
  const byName = new Map(options.tasks.map((t) => [t.name, t]));
  const worker = new Worker(
    SCHEDULED_QUEUE,
    async (job) => {
      const task = byName.get(job.name);
      if (!task) return 0;
      const handled = await task.run(new Date());
      if (handled > 0) options.logger.info("scheduled task ran", { task: task.name, handled });
      return handled;
    },
    { connection: createRedis(options.redisUrl), prefix: options.prefix, concurrency: 1 },
  );
  worker.on("error", (error) => options.logger.warn("scheduler error", { error: error.message }));
  return {
    async ready() {
      await worker.waitUntilReady();
    },
    async stop() {
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
