import type { ContextName } from "@shopstream/db";
import type { EventConsumer } from "@shopstream/events";
import { identityConsumers } from "@shopstream/identity/src/consumers.ts";
import { createIdentityPrisma } from "@shopstream/identity/src/db.ts";

/**
 * Every consumer of the system, as declared by the context that owns its effect. The relays
 * route by this list and the runner starts one queue worker for each entry.
 */
export function createAllConsumers(databaseUrls: Record<ContextName, string>) {
  const identity = createIdentityPrisma(databaseUrls.identity);
  const consumers: EventConsumer[] = [...identityConsumers(identity)] as unknown as EventConsumer[];
  return {
    consumers,
    async disconnect() {
      await identity.$disconnect();
    },
  };
}
