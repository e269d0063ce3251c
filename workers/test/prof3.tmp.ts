import { TEST_REDIS_URL } from "@shopstream/testing";
import { startConsumerRunner } from "../src/pipeline/consumer-runner.ts";
import { startRelay } from "../src/pipeline/relay.ts";
import {
  createPipelineDb,
  logger,
  waitFor,
  widgetConsumer,
  widgetSpecs,
  writeEvents,
} from "./pipeline-harness.ts";

const db = await createPipelineDb();
const { consumer, disconnect } = widgetConsumer(db);
const relay = startRelay({
  context: "identity",
  databaseUrl: db.url,
  redisUrl: TEST_REDIS_URL,
  prefix: db.prefix,
  consumers: [consumer],
  logger,
});
const runner = startConsumerRunner({
  redisUrl: TEST_REDIS_URL,
  prefix: db.prefix,
  consumers: [consumer as never],
  logger,
});
const chains = widgetSpecs(Number(process.env.PER_TICK ?? 50), 30);
for (let t = 0; t < 30; t++) {
  await writeEvents(
    db.pool,
    chains.map((c) => c[t]!),
  );
  await new Promise((r) => setTimeout(r, 100));
}
await waitFor(
  "all",
  async () =>
    Number((await db.pool.query("SELECT count(*) n FROM widget_effect")).rows[0].n) ===
    Number(process.env.PER_TICK ?? 50) * 30,
);
const r =
  await db.pool.query(`SELECT percentile_cont(0.5) within group (order by extract(epoch from o.published_at - o.occurred_at)*1000) relay_ms,
  percentile_cont(0.5) within group (order by extract(epoch from e.applied_at - o.published_at)*1000) consume_ms
  FROM outbox o JOIN widget_effect e ON e.event_id = o.event_id`);
console.log(r.rows[0]);
await relay.stop();
await runner.stop();
await disconnect();
await db.drop();
process.exit(0);
