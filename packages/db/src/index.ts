export {
  attachSqlPool,
  createPgAdapter,
  createPgPool,
  DEFAULT_ACQUIRE_TIMEOUT_MS,
  DEFAULT_POOL_SIZE,
  POOL_IDLE_TIMEOUT_MS,
  type PoolOptions,
  prismaClientFactory,
  sqlPoolOf,
} from "./adapter.ts";
export {
  CONTEXTS,
  type ContextName,
  contextDatabaseUrl,
  databaseName,
  isContextName,
} from "./contexts.ts";
export { type EmbeddedPostgres, startEmbeddedPostgres } from "./embedded.ts";
export * from "./migrate/index.ts";
export {
  isDatabaseUnavailable,
  isRetryableTransactionError,
  isTransactionStartTimeout,
  uniqueViolationFields,
} from "./prisma-errors.ts";
