import type { GqlClient } from "./harness/client.ts";
import type { Tracker } from "./harness/journey.ts";
import { sleep } from "./harness/time.ts";

export type InvariantStatus = "pass" | "fail" | "not checked";

export interface InvariantResult {
  name: string;
  status: InvariantStatus;
  detail: string;
  violations?: string[];
}

interface StockRead {
  id: string;
  onHand: number;
  reserved: number;
  damaged: number;
  available: number;
}

interface OrderRead {
  id: string;
  status: string;
  payments: {
    id: string;
    status: string;
    captured: { amount: number };
    refunds: { status: string }[];
  }[];
  reservations: { status: string }[];
}

const ORDER_FIELDS =
  "id status payments { id status captured { amount } refunds { status } } reservations { status }";
const SHIPPED = [
  "SHIPPED",
  "DELIVERED",
  "COMPLETED",
  "RETURN_REQUESTED",
  "RETURN_APPROVED",
  "RETURNED",
];
const PAID_LIKE = ["PAID", "PROCESSING", "PARTIALLY_SHIPPED", ...SHIPPED];
const captured = (o: OrderRead) => o.payments.some((p) => p.captured.amount > 0);

/**
 * Whether an order's state agrees with its payments, refunds and reservations; the reason when
 * not (yet). Orders still moving (the saga, a refund on its way) are not consistent until they
 * settle, so the check is polled with a deadline.
 */
export function orderInconsistency(o: OrderRead): string | undefined {
  const res = o.reservations.map((r) => r.status);
  const pays = o.payments.map((p) => p.status);
  if (PAID_LIKE.includes(o.status) && !o.payments.some((p) => p.captured.amount > 0)) {
    return `${o.status} without a captured payment (${pays.join(",") || "none"})`;
  }
  if (
    ["PAID", "PROCESSING"].includes(o.status) &&
    res.some((r) => r !== "CONFIRMED" && r !== "COMMITTED")
  ) {
    return `${o.status} with reservations ${res.join(",")}`;
  }
  if (SHIPPED.includes(o.status) && res.some((r) => r !== "COMMITTED"))
    return `${o.status} with reservations ${res.join(",")}`;
  if (o.status === "CANCELLED" && captured(o))
    return `CANCELLED after a capture, not refunded yet (${pays.join(",")})`;
  if (
    o.status === "REFUNDED" &&
    o.payments.some((p) => p.captured.amount > 0 && p.status !== "REFUNDED")
  ) {
    return `REFUNDED with payments ${pays.join(",")}`;
  }
  if (
    (o.status === "CANCELLED" || o.status === "REFUNDED") &&
    res.some((r) => r === "ACTIVE" || r === "CONFIRMED")
  ) {
    return `${o.status} still holding reservations ${res.join(",")}`;
  }
  if (["CONFIRMED", "PAYMENT_PENDING"].includes(o.status))
    return `${o.status}: the saga has not ended`;
  if (o.status === "CREATED" && o.payments.length > 0)
    return `CREATED with payments ${pays.join(",")}`;
  return undefined;
}

export function stockViolation(s: StockRead): string | undefined {
  if (s.reserved > s.onHand)
    return `stock item ${s.id}: reserved ${s.reserved} > onHand ${s.onHand}`;
  if (s.available < 0 || s.onHand - s.reserved < 0)
    return `stock item ${s.id}: available ${s.available}`;
  return undefined;
}

async function readMany<T>(
  client: GqlClient,
  field: string,
  ids: string[],
  selection: string,
  token: string | undefined,
): Promise<Map<string, T | null>> {
  const out = new Map<string, T | null>();
  for (let i = 0; i < ids.length; i += 25) {
    const batch = ids.slice(i, i + 25);
    const params = batch.map((_, j) => `$i${j}: ID!`).join(", ");
    const fields = batch.map((_, j) => `r${j}: ${field}(id: $i${j}) { ${selection} }`).join(" ");
    const r = await client.request<Record<string, T | null>>(
      "InvariantRead",
      `query InvariantRead(${params}) { ${fields} }`,
      Object.fromEntries(batch.map((id, j) => [`i${j}`, id])),
      token,
    );
    if (r.code)
      throw new Error(`reading ${field}s failed: ${r.code} ${r.errors?.[0]?.message ?? ""}`);
    for (const [j, id] of batch.entries()) out.set(id, r.data?.[`r${j}`] ?? null);
  }
  return out;
}

export interface InvariantOptions {
  client: GqlClient;
  /**
   * The token the checks read with: staff who may read every order and stock item (fulfilment),
   * since the run's orders belong to many customers.
   */
  token?: string;
  tracker: Tracker;
  /** How long the pipeline may take to settle before an inconsistent order counts. */
  settleMs: number;
  /** Workers' readiness URL, when known. */
  workersReadyUrl?: string;
  /**
   * Called with the orders still waiting for a payment on every poll: the run's own held provider
   * reports (a journey cut short before its charge was made) are released there.
   */
  unstick?: (orderIds: string[]) => Promise<void>;
}

/** Checks every invariant after the run, polling with a deadline until the pipeline settled. */
export async function checkInvariants(o: InvariantOptions): Promise<InvariantResult[]> {
  const { client, tracker } = o;
  const results: InvariantResult[] = [];
  const deadline = Date.now() + o.settleMs;

  // Orders: poll until every one is consistent or the deadline passes.
  const orderIds = [...tracker.orders.keys()];
  let pending: string[] = [];
  let byId = new Map<string, OrderRead | null>();
  try {
    for (;;) {
      byId = await readMany<OrderRead>(client, "order", orderIds, ORDER_FIELDS, o.token);
      pending = orderIds.filter((id) => {
        const order = byId.get(id);
        return !order || orderInconsistency(order) !== undefined;
      });
      if (pending.length === 0 || Date.now() >= deadline) break;
      await o.unstick?.(pending.filter((id) => byId.get(id)?.status === "PAYMENT_PENDING"));
      await sleep(500);
    }
    const statuses: Record<string, number> = {};
    for (const order of byId.values())
      if (order) statuses[order.status] = (statuses[order.status] ?? 0) + 1;
    results.push({
      name: "orders consistent with payments, refunds and reservations",
      status: pending.length === 0 ? "pass" : "fail",
      detail: `${orderIds.length} orders (${
        Object.entries(statuses)
          .map(([s, n]) => `${s} ${n}`)
          .join(", ") || "none"
      })${pending.length ? `; ${pending.length} inconsistent after ${o.settleMs / 1000} s` : ""}`,
      violations: pending.slice(0, 50).map((id) => {
        const order = byId.get(id);
        return `order ${id}: ${order ? orderInconsistency(order) : "not readable"}`;
      }),
    });
  } catch (error) {
    results.push({
      name: "orders consistent with payments, refunds and reservations",
      status: "fail",
      detail: (error as Error).message,
    });
  }

  // Stock: no oversell on any stock item the run touched (read after the orders settled).
  try {
    const ids = [...tracker.stockItems];
    const stock = await readMany<StockRead>(
      client,
      "stockItem",
      ids,
      "id onHand reserved damaged available",
      o.token,
    );
    const violations = [...stock.values()].flatMap((s) =>
      s ? [stockViolation(s)].filter((v): v is string => !!v) : [],
    );
    results.push({
      name: "no oversell: reserved ≤ onHand, available ≥ 0",
      status: violations.length ? "fail" : "pass",
      detail: `${ids.length} stock items`,
      violations,
    });

    const rounds = tracker.flashRounds;
    if (rounds.length === 0) {
      results.push({
        name: "flash sale: units sold = units that existed",
        status: "not checked",
        detail: "no flash-sale round ran",
      });
    } else {
      const v: string[] = [];
      let sold = 0;
      let existed = 0;
      for (const r of rounds) {
        const s = stock.get(r.stockItemId);
        const granted = r.granted.reduce((a, b) => a + b, 0);
        sold += granted;
        existed += r.units;
        if (!s) {
          v.push(`round ${r.stockItemId}: not readable`);
          continue;
        }
        if (s.reserved !== granted)
          v.push(`round ${r.stockItemId}: granted ${granted} but reserved ${s.reserved}`);
        if (granted > r.units || s.onHand !== r.units)
          v.push(`round ${r.stockItemId}: ${granted} sold of ${r.units} (onHand ${s.onHand})`);
        // Available only falls during a sale, so a refused buyer wanted more than what is left.
        const tooEarly = r.refused.filter((q) => q <= s.available);
        if (tooEarly.length)
          v.push(
            `round ${r.stockItemId}: refused ${tooEarly.join(",")} unit(s) while ${s.available} remain`,
          );
      }
      const soldOut = rounds.filter((r) => r.refused.length > 0).length;
      results.push({
        name: "flash sale: units sold = units that existed",
        status: v.length ? "fail" : "pass",
        detail: `${rounds.length} rounds, ${sold} of ${existed} units sold; ${soldOut} rounds sold out with buyers refused`,
        violations: v,
      });
    }
  } catch (error) {
    results.push({
      name: "no oversell: reserved ≤ onHand, available ≥ 0",
      status: "fail",
      detail: (error as Error).message,
    });
  }

  // The pipeline's own state: not observable through the public interfaces.
  results.push({
    name: "outbox drained in every context",
    status: "not checked",
    detail:
      "no public interface exposes the outboxes; settled orders above show the saga's events were relayed",
  });
  results.push({
    name: "dead-letter queue empty",
    status: "not checked",
    detail:
      "no public interface exposes it (workers /ready checks Redis and databases only; `pnpm dlq list` reads Redis)",
  });
  if (o.workersReadyUrl) {
    try {
      const res = await fetch(o.workersReadyUrl, { signal: AbortSignal.timeout(3000) });
      results.push({
        name: "workers ready after the run",
        status: res.ok ? "pass" : "fail",
        detail: `${o.workersReadyUrl} answered ${res.status}`,
      });
    } catch (error) {
      results.push({
        name: "workers ready after the run",
        status: "not checked",
        detail: `${o.workersReadyUrl}: ${(error as Error).message}`,
      });
    }
  }
  return results;
}
