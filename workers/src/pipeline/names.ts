/** BullMQ queue of one consumer (queue names may not contain ':'). */
export const consumerQueueName = (consumer: string) => `events.${consumer}`;
/** The one dead-letter queue; jobs keep the consumer name and the event. */
export const DEAD_LETTER_QUEUE = "dead-letters";
