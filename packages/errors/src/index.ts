export { ERROR_CATALOG, type ErrorCode } from "./catalog.ts";
export { DomainError, type FieldError, isDomainError } from "./domain-error.ts";
export { createErrorFormatter, type ErrorLogger, unexpectedError } from "./format-error.ts";
