import { createCustomerDirectoryConsumer } from "./customers/customer-directory.consumer.ts";
import type { IdentityPrisma } from "./db.ts";

/** Every event consumer the identity context declares; the workers run them. */
export function identityConsumers(prisma: IdentityPrisma, opts: { now?: () => Date } = {}) {
  return [createCustomerDirectoryConsumer(prisma, opts)];
}
