/**
 * Helpers to classify errors raised by Prisma 7 through the pg driver adapter. With driver
 * adapters the original PostgreSQL error is nested in `meta.driverAdapterError`, and a
 * serialization failure may surface as P2034 or, at COMMIT, as a raw adapter error.
 */

interface ErrorLike {
  code?: unknown;
  meta?: Record<string, unknown>;
  cause?: unknown;
  originalCode?: unknown;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Walks an error's nested causes (Prisma wraps adapter errors which wrap pg errors). */
function* chain(error: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    const record = asRecord(current);
    if (!record || seen.has(current)) continue;
    seen.add(current);
    yield record;
    const e = record as ErrorLike;
    queue.push(e.cause, e.meta, asRecord(e.meta)?.driverAdapterError, record.constraint);
  }
}

/** The column names of a violated unique constraint, or null if this is not a unique violation. */
export function uniqueViolationFields(error: unknown): string[] | null {
  let isUnique = false;
  const fields = new Set<string>();
  for (const e of chain(error)) {
    if (
      e.code === "P2002" ||
      e.code === "23505" ||
      e.kind === "UniqueConstraintViolation" ||
      e.originalCode === "23505"
    ) {
      isUnique = true;
    }
    const target = e.target ?? e.fields;
    if (Array.isArray(target)) for (const f of target) fields.add(String(f));
    else if (typeof target === "string") fields.add(target);
    if (typeof e.index === "string") fields.add(e.index);
    if (typeof e.constraint === "string") fields.add(e.constraint);
  }
  return isUnique ? [...fields] : null;
}

const RETRYABLE = new Set(["P2034", "40001", "40P01"]);

/** Serialization failures and deadlocks: the transaction can be retried as a whole. */
export function isRetryableTransactionError(error: unknown): boolean {
  for (const e of chain(error)) {
    if (RETRYABLE.has(String(e.code)) || RETRYABLE.has(String(e.originalCode))) return true;
    if (e.kind === "TransactionWriteConflict") return true;
  }
  return false;
}

/**
 * No connection (or no transaction slot) came free within the transaction's `maxWait` or the
 * pool's acquire timeout: the database is busy or away, not the request wrong. Prisma reports
 * the former as P2028, pg's pool the latter with its own message.
 */
export function isTransactionStartTimeout(error: unknown): boolean {
  for (const e of chain(error)) {
    if (e.code === "P2028") return true;
    if (
      typeof e.message === "string" &&
      // Prisma's maxWait, or pg's pool wait (`connectionTimeoutMillis`, see createPgPool).
      (e.message.includes("Unable to start a transaction") ||
        e.message.includes("timeout exceeded when trying to connect"))
    )
      return true;
  }
  return false;
}

const UNAVAILABLE_CODES = new Set([
  // Prisma: can't reach the server, timed out reaching it, it closed the connection.
  "P1001",
  "P1002",
  "P1017",
  // PostgreSQL: shutting down or starting, too many connections, connection failures.
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "08000",
  "08001",
  "08003",
  "08006",
  // The socket itself.
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
]);
const UNAVAILABLE_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);

/**
 * The database is away or refusing connections (a restart, a failover, its connection limit),
 * or no connection came free in time: the work itself is fine and may be tried again unchanged.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (isTransactionStartTimeout(error)) return true;
  for (const e of chain(error)) {
    if (UNAVAILABLE_CODES.has(String(e.code)) || UNAVAILABLE_CODES.has(String(e.originalCode)))
      return true;
    if (typeof e.kind === "string" && UNAVAILABLE_KINDS.has(e.kind)) return true;
    if (typeof e.message === "string" && /Connection terminated/.test(e.message)) return true;
  }
  return false;
}
