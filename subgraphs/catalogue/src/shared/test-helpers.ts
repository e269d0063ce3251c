import { DomainError } from "@shopstream/errors";

/** Shared by the catalogue's unit tests: the error a decision throws, with its code and fields. */
export function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError");
}

export function fieldsOf(fn: () => unknown): string[] {
  const error = errorOf(fn);
  if (error.code !== "VALIDATION_FAILED")
    throw new Error(`expected VALIDATION_FAILED, got ${error.code}`);
  return (error.extensions.fields as { field: string }[]).map((f) => f.field);
}
