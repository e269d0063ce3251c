import { randomUUID } from "node:crypto";
import type { GraphQLFormattedError } from "graphql";
import { ERROR_CATALOG, type ErrorCode } from "./catalog.ts";
import { isDomainError } from "./domain-error.ts";

export interface ErrorLogger {
  error(message: string, details: Record<string, unknown>): void;
}

/** Apollo's own codes for failures it detects before our code runs; passed through unchanged. */
const APOLLO_CLIENT_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "BAD_REQUEST",
]);

/**
 * Apollo `formatError`: expected failures keep their catalog code and extensions; anything
 * else is logged with a correlation id and replaced by a generic message, so internals
 * (SQL, stack traces, hostnames) never reach a client.
 */
export function createErrorFormatter(
  logger: ErrorLogger,
  opts: {
    /**
     * Recognises a failure that means "busy or away, retry" (the database's pool wait ran out,
     * the server restarts): answered SERVICE_UNAVAILABLE with `retryAfterSeconds` instead of an
     * internal error, wherever it was thrown (a read outside any command, say).
     */
    unavailable?: (error: unknown) => boolean;
  } = {},
) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrap(error);
    if (!isDomainError(original) && opts.unavailable?.(original)) {
      const code: ErrorCode = "SERVICE_UNAVAILABLE";
      return {
        message: "The database is busy; retry shortly",
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code, retryAfterSeconds: 1 },
      };
    }
    if (isDomainError(original)) {
      return {
        message: original.message,
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { ...original.extensions, code: original.code },
      };
    }
    const code = formatted.extensions?.code;
    // Apollo labels every error without a code INTERNAL_SERVER_ERROR: passed through only when
    // already answered by us (it has its correlation id, e.g. relayed from a subgraph), or an
    // unexpected error's own message (SQL, a path) would reach the client.
    const internal: ErrorCode = "INTERNAL_SERVER_ERROR";
    const answered = code !== internal || typeof formatted.extensions?.correlationId === "string";
    if (
      typeof code === "string" &&
      answered &&
      (APOLLO_CLIENT_CODES.has(code) || code in ERROR_CATALOG)
    ) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const { message, extensions } = unexpectedError(logger, original);
    return { message, ...(formatted.path ? { path: formatted.path } : {}), extensions };
  };
}

/**
 * The one answer to anything unexpected, in a resolver or in the HTTP layer around it: the
 * error (with its stack) is logged under a fresh correlation id, and the client gets only that id.
 */
export function unexpectedError(logger: ErrorLogger, error: unknown): GraphQLFormattedError {
  const correlationId = randomUUID();
  logger.error("unexpected error", {
    correlationId,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  const internal: ErrorCode = "INTERNAL_SERVER_ERROR";
  return {
    message: `Internal error (correlation id ${correlationId})`,
    extensions: { code: internal, correlationId },
  };
}

/**
 * The error a resolver threw, under GraphQL's wrappers. Walks `originalError` by shape rather
 * than `instanceof GraphQLError`: Apollo loads graphql's CommonJS build and our code its ES module
 * build, so there are two GraphQLError classes in one process.
 */
function unwrap(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 10; depth++) {
    const inner = (current as { originalError?: unknown } | null)?.originalError;
    if (inner === undefined || inner === null) return current;
    current = inner;
  }
  return current;
}
