/** Attempts before an event is dead-lettered (transient errors retry with backoff in between). */
export const DEFAULT_ATTEMPTS = 8;

/** How long a completed job stays in Redis, and how many at most per consumer queue. */
export const COMPLETED_JOB_RETENTION_SECONDS = 600;
export const COMPLETED_JOBS_KEPT = 1_000;

/** Job options for an event on a consumer queue (used by the relay and by replays). */
export function eventJobOptions(jobId: string, attempts = DEFAULT_ATTEMPTS) {
  return {
    jobId,
    attempts,
    backoff: { type: "custom" },
    // Completed jobs are kept briefly and few: a relay re-relays a row only when it crashed
    // between adding its jobs and committing (seconds), and while a job exists BullMQ drops the
    // repeat; after that the consumer's checkpoint and inbox stop it. Kept for a day, completed
    // jobs grew Redis (which must not evict) by tens of jobs per order, unbounded.
    removeOnComplete: { age: COMPLETED_JOB_RETENTION_SECONDS, count: COMPLETED_JOBS_KEPT },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}
