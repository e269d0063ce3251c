/**
 * Dead-letter operations (`pnpm dlq <command>`):
 *   list                 dead letters, newest first: id, consumer, event type, attempts, error
 *   show <id>            one dead letter in full (event, metadata, error)
 *   replay <id>|--all    re-queue for its consumer (the inbox makes repeats harmless)
 *   discard <id>         drop it for good
 * Uses REDIS_URL and QUEUE_PREFIX like the workers.
 */
import { env, loadConfig, loadConfigOrExit, z } from "@shopstream/config";
import { createRedis } from "@shopstream/redis";
import { DeadLetters } from "./pipeline/dead-letters.ts";

const config = loadConfigOrExit("dlq", () =>
  loadConfig(z.object({ REDIS_URL: env.redisUrl(), QUEUE_PREFIX: env.queuePrefix() })),
);
const redis = createRedis(config.REDIS_URL);
const dlq = new DeadLetters(redis, config.QUEUE_PREFIX);
const [command, arg] = process.argv.slice(2);

async function main(): Promise<number> {
  switch (command) {
    case "list": {
      const entries = await dlq.list(1000);
      if (entries.length === 0) console.log("no dead letters");
      for (const e of entries) {
        console.log(
          `${e.id}\t${e.consumer}\t${e.event.type}\tattempts=${e.attempts}\t${e.failedAt}\t${e.error}`,
        );
      }
      return 0;
    }
    case "show": {
      const entry = arg ? await dlq.get(arg) : null;
      if (!entry) return fail(`no dead letter ${arg ?? "(missing id)"}`);
      console.log(JSON.stringify(entry, null, 2));
      return 0;
    }
    case "replay": {
      const ids = arg === "--all" ? (await dlq.list(100_000)).map((e) => e.id) : arg ? [arg] : [];
      if (ids.length === 0) return fail("nothing to replay (give an id or --all)");
      for (const id of ids) {
        const entry = await dlq.replay(id);
        console.log(entry ? `replayed ${id} to ${entry.consumer}` : `no dead letter ${id}`);
      }
      return 0;
    }
    case "discard": {
      if (!arg) return fail("give the id to discard");
      console.log((await dlq.discard(arg)) ? `discarded ${arg}` : `no dead letter ${arg}`);
      return 0;
    }
    default:
      return fail("usage: pnpm dlq list | show <id> | replay <id>|--all | discard <id>");
  }
}

function fail(message: string): number {
  console.error(message);
  return 1;
}

const code = await main().catch((error: unknown) =>
  fail(error instanceof Error ? error.message : String(error)),
);
await dlq.close();
redis.disconnect();
process.exit(code);
