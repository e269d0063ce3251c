/** Attempts before an event is dead-lettered (transient errors retry with backoff in between). */
export const DEFAULT_ATTEMPTS = 8;

/** Job options for an event on a consumer queue (used by the relay and by replays). */
export function eventJobOptions(jobId: string, attempts = DEFAULT_ATTEMPTS) {
  return {
    jobId,
    attempts,
    backoff: { type: "custom" },
    // Completed jobs are kept for a day: while a job exists, a re-relayed event with the same
    // job id is dropped by BullMQ; after that the inbox still stops it.
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}
