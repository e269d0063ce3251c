import { DomainError, type FieldError } from "@shopstream/errors";

/** Relay connections: page arguments, opaque cursors and the connection shape. */

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: number;
}

/** A cursor is a kind tag plus the sort key's parts, base64url-encoded. */
export function encodeCursor(kind: string, parts: (string | number)[]): string {
  return Buffer.from([kind, ...parts].join("|"), "utf8").toString("base64url");
}

/** The key parts inside a cursor of `kind`, or null when it is not one this list issued. */
export function decodeCursor(cursor: string, kind: string, arity: number): string[] | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const [tag, ...parts] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (tag !== kind || parts.length !== arity) return null;
  return parts;
}

/**
 * Validates `first` (0–100, default 20) and `after`, adding their problems to `problems` so a
 * caller can report them together with its filter's.
 */
export function parsePage<K>(
  args: PageArgs,
  decode: (cursor: string) => K | null,
  problems: FieldError[],
): { first: number; after: K | null } {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE)
    problems.push({ field: "first", message: `must be between 0 and ${MAX_PAGE_SIZE}` });
  const after = args.after == null ? null : decode(args.after);
  if (args.after != null && after === null)
    problems.push({ field: "after", message: "is not a cursor of this list" });
  return { first, after };
}

export function throwIfAny(problems: FieldError[]): void {
  if (problems.length > 0) throw DomainError.validation(problems);
}

/** Builds the connection from one page of rows fetched with `first + 1` as the limit. */
export function toConnection<T>(
  rows: T[],
  first: number,
  cursorOf: (row: T) => string,
  extra: { hasPreviousPage: boolean; totalCount: number },
): Connection<T> {
  const edges = rows.slice(0, first).map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: extra.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: extra.totalCount,
  };
}
