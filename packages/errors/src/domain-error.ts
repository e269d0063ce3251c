import type { ErrorCode } from "./catalog.ts";

export interface FieldError {
  /** Input path of the offending field, e.g. `email` or `address.postalCode`. */
  field: string;
  message: string;
}

/** An expected failure. Domain code returns or throws these; the server maps them to GraphQL errors. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "DomainError";
  }

  static validation(fields: FieldError[]): DomainError {
    const summary = fields.map((f) => `${f.field}: ${f.message}`).join("; ");
    return new DomainError("VALIDATION_FAILED", `Validation failed: ${summary}`, { fields });
  }

  static notFound(entity: string, id: string): DomainError {
    return new DomainError("NOT_FOUND", `${entity} ${id} was not found`, { entity, id });
  }

  static duplicate(entity: string, field: string, message?: string): DomainError {
    return new DomainError(
      "DUPLICATE",
      message ?? `A ${entity} with this ${field} already exists`,
      {
        entity,
        fields: [{ field, message: "is already taken" }],
      },
    );
  }

  static conflict(entity: string, id: string): DomainError {
    return new DomainError(
      "CONFLICT",
      `${entity} ${id} was changed concurrently; reload it and retry`,
      { entity, id },
    );
  }

  /** A dependency is busy or away: nothing was written, and the same call may succeed shortly. */
  static unavailable(message: string, retryAfterSeconds = 1): DomainError {
    return new DomainError("SERVICE_UNAVAILABLE", message, { retryAfterSeconds });
  }

  static invalidTransition(entity: string, from: string, action: string): DomainError {
    return new DomainError(
      "INVALID_STATE_TRANSITION",
      `Cannot ${action} a ${entity} that is ${from}`,
      { entity, from, action },
    );
  }
}

/**
 * Also matches by shape, not only by class: a test runner or bundler may load this module twice,
 * and an expected failure must never be reported as an internal error because of that.
 */
export function isDomainError(error: unknown): error is DomainError {
  if (error instanceof DomainError) return true;
  const e = error as { name?: unknown; code?: unknown; extensions?: unknown } | null;
  return (
    e?.name === "DomainError" && typeof e.code === "string" && typeof e.extensions === "object"
  );
}
