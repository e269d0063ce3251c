import { DomainError, type FieldError } from "@shopstream/errors";
import { isUuid } from "@shopstream/rules";

/**
 * Relay connections over lists ordered by id (UUIDv7, so creation order). A cursor is the
 * opaque base64url of `<list>|<id>`; one list's cursor is refused by another.
 */

export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page {
  first: number;
  /** Continue after this id (exclusive), or from the start. */
  afterId: string | null;
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

export const encodeCursor = (list: string, id: string) =>
  Buffer.from(`${list}|${id}`, "utf8").toString("base64url");

export function decodeCursor(list: string, cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const [name, id, ...rest] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (rest.length > 0 || name !== list || !id || !isUuid(id)) return null;
  return id.toLowerCase();
}

/** Checks `first` and `after`, reporting both at once when both are wrong. */
export function parsePage(list: string, args: PageArgs, extra: FieldError[] = []): Page {
  const problems: FieldError[] = [];
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    problems.push({ field: "first", message: `must be between 0 and ${MAX_PAGE_SIZE}` });
  }
  const afterId = args.after == null ? null : decodeCursor(list, args.after);
  if (args.after != null && afterId === null) {
    problems.push({ field: "after", message: "is not a cursor of this list" });
  }
  problems.push(...extra);
  if (problems.length > 0) throw DomainError.validation(problems);
  return { first, afterId };
}

/** Builds the connection from up to `first + 1` rows fetched after the cursor. */
export function toConnection<T extends { id: string }>(
  list: string,
  page: Page,
  rows: T[],
  totalCount: number,
  hasPreviousPage: boolean,
): Connection<T> {
  const edges = rows
    .slice(0, page.first)
    .map((node) => ({ cursor: encodeCursor(list, node.id), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > page.first,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}
