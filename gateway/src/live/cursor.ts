import { DomainError } from "@shopstream/errors";

/**
 * Live cursors are opaque to clients: the context and the Redis stream entry id, so a cursor of
 * one subscription's stream given to another is refused rather than silently misread.
 */
const VERSION = "live1";

export function encodeLiveCursor(context: string, streamId: string): string {
  return Buffer.from(`${VERSION}:${context}:${streamId}`, "utf8").toString("base64url");
}

/** The stream entry id inside `cursor`; VALIDATION_FAILED naming `after` if it is not one of `context`'s. */
export function decodeLiveCursor(cursor: string, context: string): string {
  const parts = Buffer.from(cursor, "base64url").toString("utf8").split(":");
  const [version, owner, streamId = ""] = parts;
  if (
    parts.length !== 3 ||
    version !== VERSION ||
    owner !== context ||
    !/^\d{1,20}-\d{1,20}$/.test(streamId)
  ) {
    throw DomainError.validation([
      { field: "after", message: `is not a cursor of ${context}'s live events` },
    ]);
  }
  return streamId;
}
