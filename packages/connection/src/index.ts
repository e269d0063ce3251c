import { DomainError, type FieldError } from "@shopstream/errors";
import { isUuid } from "@shopstream/rules";

/**
 * Relay connections, the one implementation behind every list of every context: page arguments
 * (`first` 0–100, default 20; `after` an opaque cursor), cursors, and the connection shape
 * (`edges`, `pageInfo`, `totalCount`). A list fetches `first + 1` rows after the cursor's key and
 * hands them to `toConnection`.
 */

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Turns a list's sort key into an opaque cursor and back; `decode` answers null for a foreign one. */
export interface CursorCodec<K> {
  encode(key: K): string;
  decode(cursor: string): K | null;
}

/**
 * A cursor is the list's name plus the key's parts, base64url-encoded; a cursor of another list
 * (or anything else) decodes to null, so `after` is refused rather than misread.
 */
export function encodeCursor(list: string, parts: readonly (string | number)[]): string {
  return Buffer.from([list, ...parts].join("|"), "utf8").toString("base64url");
}

export function decodeCursor(list: string, cursor: string, arity: number): string[] | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const [tag, ...parts] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (tag !== list || parts.length !== arity) return null;
  return parts;
}

/** Cursors of a list ordered by id (UUIDv7, so creation order). */
export function idCursor(list: string): CursorCodec<string> {
  return {
    encode: (id) => encodeCursor(list, [id]),
    decode: (cursor) => {
      const [id] = decodeCursor(list, cursor, 1) ?? [];
      return id && isUuid(id) ? id.toLowerCase() : null;
    },
  };
}

/** Cursors of a list ordered by a timestamp then id (newest first, say). */
export function timeIdCursor(list: string): CursorCodec<{ at: string; id: string }> {
  return {
    encode: (key) => encodeCursor(list, [key.at, key.id]),
    decode: (cursor) => {
      const [at, id] = decodeCursor(list, cursor, 2) ?? [];
      if (!at || !id || Number.isNaN(Date.parse(at)) || !isUuid(id)) return null;
      return { at, id: id.toLowerCase() };
    },
  };
}

export interface Page<K> {
  first: number;
  /** Continue after this key (exclusive), or from the start. */
  after: K | null;
}

/**
 * Validates `first` and `after`. Throws VALIDATION_FAILED naming each bad argument together with
 * `extra` (the list's own filter problems), so a client learns about all of them at once.
 */
export function parsePage<K>(
  args: PageArgs,
  cursors: CursorCodec<K>,
  extra: FieldError[] = [],
): Page<K> {
  const problems: FieldError[] = [];
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE)
    problems.push({ field: "first", message: `must be between 0 and ${MAX_PAGE_SIZE}` });
  const after = args.after == null ? null : cursors.decode(args.after);
  if (args.after != null && after === null)
    problems.push({ field: "after", message: "is not a cursor of this list" });
  problems.push(...extra);
  if (problems.length > 0) throw DomainError.validation(problems);
  return { first, after };
}

/** The connection for edges already built, with the page facts the query found. */
export function connectionOf<T>(
  edges: Edge<T>[],
  page: { hasNextPage: boolean; hasPreviousPage: boolean; totalCount: number },
): Connection<T> {
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: page.totalCount,
  };
}

/**
 * Builds the connection from up to `first + 1` rows fetched after the cursor: the extra row only
 * says that there is a next page. `hasPreviousPage` is whether the page started after a cursor.
 */
export function toConnection<T>(
  rows: T[],
  page: { first: number; after: unknown },
  cursorOf: (row: T) => string,
  totalCount: number,
): Connection<T> {
  const edges = rows.slice(0, page.first).map((node) => ({ cursor: cursorOf(node), node }));
  return connectionOf(edges, {
    hasNextPage: rows.length > page.first,
    hasPreviousPage: page.after !== null,
    totalCount,
  });
}
