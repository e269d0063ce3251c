/**
 * The one error catalog shared by every subgraph. A GraphQL error's `extensions.code` is always
 * one of these keys; clients switch on the code, never on the message.
 */
export const ERROR_CATALOG = {
  VALIDATION_FAILED:
    "The input broke one or more rules; `extensions.fields` lists each offending field.",
  NOT_FOUND: "No entity with that id (or key) exists.",
  CONFLICT: "The entity changed concurrently (version mismatch); reload and retry.",
  INVALID_STATE_TRANSITION: "The entity's current state does not allow this operation.",
  INSUFFICIENT_STOCK: "Not enough available stock to satisfy the request.",
  DUPLICATE: "A unique value (email, SKU, idempotency key, ...) is already taken.",
  UNAUTHENTICATED: "The request carries no valid credentials.",
  FORBIDDEN: "The caller may not perform this operation.",
  RATE_LIMITED:
    "The caller (its principal, or its IP address without credentials) used up its budget of operations for now; HTTP answers 429 with `Retry-After`, and `extensions.retryAfter` gives the same seconds to wait.",
  SERVICE_UNAVAILABLE: "The service is starting or a dependency is down; retry shortly.",
  CURSOR_EXPIRED:
    "The subscription's `after` cursor is older than the retained live history; resubscribe without it and reload.",
  TOO_MANY_SUBSCRIPTIONS:
    "The WebSocket connection already holds the most subscriptions allowed; complete one or open another connection.",
  SUBSCRIBER_TOO_SLOW:
    "The subscriber fell too far behind the live events and was ended; resume with `after` its last cursor.",
  PAYLOAD_TOO_LARGE:
    "The request body is larger than the service accepts (HTTP 413); nothing was executed.",
  INTERNAL_SERVER_ERROR: "An unexpected failure; it was logged with the correlation id given.",
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOG;
