import { DomainError, type FieldError } from "@shopstream/errors";
import type { Order, Shipment } from "./order.ts";
import { moved, type OrderDecision, unchanged } from "./order-events.ts";
import { assertStatus, assertTransition, type OrderStatus } from "./order-status.ts";

/**
 * Shipments (docs/ordering.md, "Shipments"): what is shipped of each line, once per shipment id.
 * A paid order ships in one or several shipments; the last one ends in SHIPPED.
 */

/** Units of each line not yet in a shipment. */
export function unshipped(order: Order): Map<string, number> {
  const left = new Map(order.lines.map((l) => [l.id, l.quantity]));
  for (const shipment of order.shipments) {
    for (const s of shipment.lines) left.set(s.lineId, (left.get(s.lineId) ?? 0) - s.quantity);
  }
  return left;
}

function shipmentProblems(order: Order, lines: Shipment["lines"]): FieldError[] {
  const left = unshipped(order);
  const problems: FieldError[] = [];
  if (lines.length === 0) problems.push({ field: "lines", message: "must list at least one line" });
  const seen = new Set<string>();
  lines.forEach((l, i) => {
    const remaining = left.get(l.lineId);
    if (remaining === undefined) {
      problems.push({ field: `lines.${i}.lineId`, message: "is not a line of this order" });
    } else if (seen.has(l.lineId)) {
      problems.push({ field: `lines.${i}.lineId`, message: "appears twice in this shipment" });
    } else if (!Number.isSafeInteger(l.quantity) || l.quantity < 1 || l.quantity > remaining) {
      problems.push({
        field: `lines.${i}.quantity`,
        message: `must be a whole number from 1 to the ${remaining} unit(s) not yet shipped`,
      });
    }
    seen.add(l.lineId);
  });
  return problems;
}

const sameLines = (a: Shipment["lines"], b: Shipment["lines"]) =>
  JSON.stringify([...a].sort((x, y) => x.lineId.localeCompare(y.lineId))) ===
  JSON.stringify([...b].sort((x, y) => x.lineId.localeCompare(y.lineId)));

/**
 * Records a shipment of all remaining units (`lines` omitted) or of some. Shipping everything left
 * ends in SHIPPED; anything less in PARTIALLY_SHIPPED, which the table allows from PROCESSING (and
 * PARTIALLY_SHIPPED, for a further partial shipment) but not from PAID. Recording the same
 * shipment id again with the same lines changes nothing; with other lines it is DUPLICATE.
 */
export function recordOrderShipment(
  order: Order,
  shipment: { shipmentId: string; lines?: Shipment["lines"] },
): OrderDecision {
  const previous = order.shipments.find((s) => s.id === shipment.shipmentId);
  if (previous) {
    if (!shipment.lines || sameLines(previous.lines, shipment.lines)) return unchanged(order);
    throw DomainError.duplicate("shipment", "shipmentId");
  }
  assertStatus(order, ["PAID", "PROCESSING", "PARTIALLY_SHIPPED"], "record a shipment for");
  const left = unshipped(order);
  const lines =
    shipment.lines ??
    [...left].filter(([, q]) => q > 0).map(([lineId, quantity]) => ({ lineId, quantity }));
  const problems = shipmentProblems(order, lines);
  if (problems.length > 0) throw DomainError.validation(problems);
  for (const l of lines) left.set(l.lineId, (left.get(l.lineId) ?? 0) - l.quantity);
  const complete = [...left.values()].every((q) => q === 0);
  const to: OrderStatus = complete ? "SHIPPED" : "PARTIALLY_SHIPPED";
  if (!(to === "PARTIALLY_SHIPPED" && order.status === "PARTIALLY_SHIPPED")) {
    assertTransition(order, to, complete ? "ship" : "partially ship");
  }
  const recorded: Shipment = { id: shipment.shipmentId, lines };
  const details = {
    shipmentId: recorded.id,
    lines,
    unshipped: [...left].map(([lineId, quantity]) => ({ lineId, quantity })),
  };
  return moved(order, to, "OrderShipmentRecorded", details, {
    shipments: [...order.shipments, recorded],
  });
}
