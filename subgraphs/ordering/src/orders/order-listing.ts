import { DomainError, type FieldError } from "@shopstream/errors";
import { isUuid } from "@shopstream/rules";
import { ORDER_STATUSES, type OrderStatus } from "./order.ts";

/**
 * `orders` and `Customer.orders`, pure part: argument checks and opaque cursors. Orders are listed
 * newest first (createdAt desc, id desc); a cursor encodes the key of its edge.
 */

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface OrdersArgs {
  filter?: { customerId?: string | null; status?: OrderStatus | null } | null;
  first?: number | null;
  after?: string | null;
}

export interface OrderCursor {
  createdAt: string;
  id: string;
}

export interface OrdersQuery {
  customerId: string | null;
  status: OrderStatus | null;
  first: number;
  after: OrderCursor | null;
}

export const encodeCursor = (key: OrderCursor): string =>
  Buffer.from(`${key.createdAt}|${key.id}`, "utf8").toString("base64url");

export function decodeCursor(cursor: string): OrderCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const parts = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (parts.length !== 2) return null;
  const [createdAt = "", id = ""] = parts;
  if (Number.isNaN(Date.parse(createdAt)) || !isUuid(id)) return null;
  return { createdAt, id };
}

/** Validates every argument at once (VALIDATION_FAILED names `first`, `after`, `filter.*`). */
export function parseOrdersArgs(args: OrdersArgs): OrdersQuery {
  const problems: FieldError[] = [];
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    problems.push({ field: "first", message: `must be between 0 and ${MAX_PAGE_SIZE}` });
  }
  const after = args.after == null ? null : decodeCursor(args.after);
  if (args.after != null && after === null) {
    problems.push({ field: "after", message: "is not a cursor of this list" });
  }
  const customerId = args.filter?.customerId ?? null;
  if (customerId !== null && !isUuid(customerId)) {
    problems.push({ field: "filter.customerId", message: "must be a UUID" });
  }
  const status = args.filter?.status ?? null;
  if (status !== null && !ORDER_STATUSES.includes(status)) {
    problems.push({ field: "filter.status", message: "is not an order status" });
  }
  if (problems.length > 0) throw DomainError.validation(problems);
  return { customerId, status, first, after };
}
