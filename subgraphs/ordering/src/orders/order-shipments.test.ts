import { codeOf, fieldsOf } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { inStatus } from "./order.fixtures.ts";
import { recordOrderShipment } from "./order-shipments.ts";

describe("shipments", () => {
  const processing = inStatus("PROCESSING");

  it("ships some lines, then the rest, reporting what is still unshipped", () => {
    const first = recordOrderShipment(processing, {
      shipmentId: "s1",
      lines: [
        { lineId: "line-a", quantity: 1 },
        { lineId: "line-b", quantity: 1 },
      ],
    });
    expect(first.state.status).toBe("PARTIALLY_SHIPPED");
    expect(first.events[0]?.payload).toMatchObject({
      shipmentId: "s1",
      unshipped: [
        { lineId: "line-a", quantity: 1 },
        { lineId: "line-b", quantity: 0 },
      ],
    });
    const rest = recordOrderShipment(first.state, { shipmentId: "s2" });
    expect(rest.state.status).toBe("SHIPPED");
    expect(rest.state.shipments).toEqual([
      first.state.shipments[0],
      { id: "s2", lines: [{ lineId: "line-a", quantity: 1 }] },
    ]);
  });

  it("ships everything from PAID in one go, but not part of it (PAID → PARTIALLY_SHIPPED is not a move)", () => {
    expect(recordOrderShipment(inStatus("PAID"), { shipmentId: "s1" }).state.status).toBe(
      "SHIPPED",
    );
    const some = () =>
      recordOrderShipment(inStatus("PAID"), {
        shipmentId: "s1",
        lines: [{ lineId: "line-b", quantity: 1 }],
      });
    expect(codeOf(some)).toBe("INVALID_STATE_TRANSITION");
  });

  it("rejects unknown lines, repeated lines, and more units than remain", () => {
    const partial = inStatus("PARTIALLY_SHIPPED");
    const fields = fieldsOf(() =>
      recordOrderShipment(partial, {
        shipmentId: "s1",
        lines: [
          { lineId: "line-x", quantity: 1 },
          { lineId: "line-a", quantity: 2 },
          { lineId: "line-b", quantity: 1 },
          { lineId: "line-b", quantity: 1 },
        ],
      }),
    );
    expect(fields).toEqual(["lines.0.lineId", "lines.1.quantity", "lines.3.lineId"]);
    expect(fieldsOf(() => recordOrderShipment(partial, { shipmentId: "s1", lines: [] }))).toEqual([
      "lines",
    ]);
  });

  it("treats the same shipment recorded twice as harmless; other lines under its id are DUPLICATE", () => {
    const lines = [{ lineId: "line-a", quantity: 1 }];
    const once = recordOrderShipment(processing, { shipmentId: "s1", lines }).state;
    expect(recordOrderShipment(once, { shipmentId: "s1", lines })).toEqual({
      state: once,
      events: [],
    });
    const other = () =>
      recordOrderShipment(once, { shipmentId: "s1", lines: [{ lineId: "line-b", quantity: 1 }] });
    expect(codeOf(other)).toBe("DUPLICATE");
  });
});
