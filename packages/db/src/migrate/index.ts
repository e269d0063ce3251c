export { type ApplyMigrationsOptions, applyMigrations } from "./apply.ts";
export { type CreateMigrationOptions, createMigration } from "./create.ts";
export { DEFAULT_SERVER_URL } from "./diff.ts";
export { type CheckDriftOptions, checkDrift } from "./drift.ts";
export { SchemaEngineError } from "./engine.ts";
export { ensureDatabase } from "./ensure-database.ts";
export { type ContextPaths, contextPaths, contextsWithSchema, PRISMA_ROOT } from "./paths.ts";
