import type { DomainEvent } from "@shopstream/outbox";
import { describe, expect, it } from "vitest";
import { planRuns } from "./apply-event.ts";
import { eventIdTime, inboxKeeps, inboxLowWaterMark } from "./prune-inbox.ts";

const e = (aggregateId: string, version: number, id = `${aggregateId}-${version}`) =>
  ({ id, aggregateType: "T", aggregateId, aggregateVersion: version }) as DomainEvent;

describe("planning a batch's checkpoint runs", () => {
  it("takes each aggregate's consecutive versions from its lowest, whatever the batch order", () => {
    const batch = [e("a", 3), e("b", 7), e("a", 2), e("a", 5), e("b", 8)];
    const { runs, inRun } = planRuns(batch);
    expect(runs).toEqual([
      { type: "T", id: "a", lo: 2, hi: 3 },
      { type: "T", id: "b", lo: 7, hi: 8 },
    ]);
    expect(batch.filter((x) => !inRun.has(x)).map((x) => x.aggregateVersion)).toEqual([5]);
  });

  it("leaves a repeated event id out of the run", () => {
    const first = e("a", 1, "same");
    const { runs, inRun } = planRuns([first, e("a", 1, "same")]);
    expect(runs).toEqual([{ type: "T", id: "a", lo: 1, hi: 1 }]);
    expect([...inRun]).toEqual([first]);
  });
});

describe("the inbox low-water mark", () => {
  it("is the smallest UUIDv7 of the given millisecond", () => {
    const at = new Date("2026-12-02T12:00:00.000Z");
    const mark = inboxLowWaterMark(at);
    expect(mark).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-0000-0000-000000000000$/);
    expect(eventIdTime(mark)).toBe(at.getTime());
  });

  it("keeps events of the last minute", () => {
    const now = Date.parse("2026-12-02T12:00:00.000Z");
    expect(inboxKeeps(inboxLowWaterMark(new Date(now - 30_000)), now)).toBe(true);
    expect(inboxKeeps(inboxLowWaterMark(new Date(now - 120_000)), now)).toBe(false);
  });
});
