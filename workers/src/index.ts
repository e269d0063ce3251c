/**
 * The event pipeline as other packages use it (tests and tools that inspect or re-queue events);
 * the workers process itself starts from main.ts.
 */
export { eventJobOptions } from "./pipeline/job-options.ts";
export { consumerQueueName } from "./pipeline/names.ts";
export { type OutboxRow, toEvent } from "./pipeline/relay.ts";
