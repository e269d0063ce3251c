export { ERROR_CATALOG, type ErrorCode } from "./catalog.ts";
export { DomainError, type FieldError, isDomainError } from "./domain-error.ts";
export { createErrorFormatter, type ErrorLogger } from "./format-error.ts";
