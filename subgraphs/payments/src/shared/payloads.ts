import { isUuid } from "@shopstream/rules";
import { z } from "zod";

/** The pieces of event payloads and webhook bodies that payments reads, as zod schemas. */

export const uuid = z.string().refine(isUuid, "must be a UUID");

/** Integer minor units and a currency, as every event carries money. */
export const money = z.object({ amount: z.number().int(), currency: z.string() });

/** What a consumer can be given: a clock (tests inject one). */
export interface ConsumerOptions {
  now?: () => Date;
}
