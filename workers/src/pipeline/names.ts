/** BullMQ queue of one consumer (queue names may not contain ':'). */
export const consumerQueueName = (consumer: string) => `events.${consumer}`;
/** The one dead-letter queue; jobs keep the consumer name and the event. */
export const DEAD_LETTER_QUEUE = "dead-letters";
/** Redis stream holding a context's recent events for live subscribers. */
export const liveStreamKey = (prefix: string, context: string) => `${prefix}:live:${context}`;
/** Pub/sub channel announcing new entries in a context's live stream. */
export const liveChannel = (prefix: string, context: string) => `${prefix}:live:${context}:new`;
