import { describe, expect, it } from "vitest";
import { Stats } from "../src/harness/stats.ts";
import { orderInconsistency } from "../src/invariants.ts";
import { profiles } from "../src/profiles.ts";
import { csv } from "../src/report/csv.ts";
import { htmlReport } from "../src/report/html.ts";
import { markdownReport } from "../src/report/markdown.ts";
import type { RunResult } from "../src/report/model.ts";
import { failuresCsv, statsCsv } from "../src/report/write.ts";

/** A small RFC 4180 reader, to check that what we write parses back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  return rows;
}

function result(): RunResult {
  let now = 0;
  const stats = new Stats(() => now);
  stats.request("PlaceOrder", 12, 0);
  stats.request("PlaceOrder", 40, 1200, {
    code: "CONFLICT",
    expected: false,
    message: 'moved, "again"\nreload',
  });
  stats.request("ReserveStock", 8, 1500, {
    code: "INSUFFICIENT_STOCK",
    expected: true,
    message: "none left",
  });
  stats.journeyStarted("ordering.x", "ordering");
  stats.journeyAborted("ordering.x", "ordering", "PlaceOrder", "CONFLICT", false, "a, b");
  now = 2000;
  stats.endedAt = 2000;
  return {
    profile: profiles.smoke!,
    options: { users: 1, spawnRate: 1, durationMs: 2000, gateway: "http://127.0.0.1:1/graphql" },
    startedAt: "2026-01-01T00:00:00.000Z",
    endedAt: "2026-01-01T00:00:02.000Z",
    stoppedEarly: false,
    machine: { cpus: 2, cpuModel: "cpu <x>", memoryMiB: 1, node: "v20", platform: "linux" },
    generatorCpu: { userMs: 10, systemMs: 5, share: 0.0075 },
    stats: stats.snapshot(),
    series: stats.series(),
    raceOutcomes: { "flash sale": { reserved: 10 } },
    thresholds: [{ name: "unexpected error rate", limit: 0, actual: 1 / 3, pass: false }],
    invariants: [
      { name: "dead-letter queue empty", status: "not checked", detail: "no public interface" },
    ],
    passed: false,
  };
}

describe("CSV output", () => {
  it("quotes commas, quotes and line breaks so every row parses back with the header's width", () => {
    expect(csv([["a,b", 'say "hi"', "x\ny", 3]])).toBe('"a,b","say ""hi""","x\ny",3\n');
    const r = result();
    for (const text of [statsCsv(r), failuresCsv(r)]) {
      const rows = parseCsv(text);
      expect(rows.length).toBeGreaterThan(1);
      for (const row of rows) expect(row).toHaveLength(rows[0]!.length);
    }
    const failures = parseCsv(failuresCsv(r));
    expect(failures).toContainEqual([
      "operation",
      "PlaceOrder",
      "",
      "CONFLICT",
      "false",
      "1",
      'moved, "again"\nreload',
    ]);
    expect(failures).toContainEqual([
      "journey",
      "ordering.x",
      "PlaceOrder",
      "CONFLICT",
      "false",
      "1",
      "a, b",
    ]);
  });
});

describe("HTML report", () => {
  it("is one self-contained document: inline SVG charts, no script, nothing fetched", () => {
    const html = htmlReport(result());
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html.match(/<svg /g)?.length).toBe(html.match(/<\/svg>/g)?.length);
    expect(html.match(/<table>/g)?.length).toBe(html.match(/<\/table>/g)?.length);
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
    expect(html).toContain("cpu &lt;x&gt;"); // escaped, never raw
    expect(html).not.toContain("<x>");
    expect(html).toContain("FAILED");
  });
});

describe("Markdown report", () => {
  it("has the tables, expected errors apart from unexpected ones, and the invariants", () => {
    const md = markdownReport(result());
    expect(md).toContain("# Load test: smoke — FAILED");
    expect(md).toMatch(/\| CONFLICT \| unexpected \| 1 \| PlaceOrder \|/);
    expect(md).toMatch(/\| INSUFFICIENT_STOCK \| expected \| 1 \| ReserveStock \|/);
    expect(md).toMatch(/\| dead-letter queue empty \| not checked \|/);
    expect(md).toMatch(/\| ordering\.x \| PlaceOrder \| CONFLICT \| unexpected \| 1 \|/);
  });
});

describe("order invariant", () => {
  const order = (status: string, payments: [string, number][], reservations: string[]) => ({
    id: "o",
    status,
    payments: payments.map(([s, c]) => ({
      id: "p",
      status: s,
      captured: { amount: c },
      refunds: [],
    })),
    reservations: reservations.map((s) => ({ status: s })),
  });
  it.each([
    [order("PAID", [["SUCCEEDED", 100]], ["CONFIRMED"]), undefined],
    [order("PAID", [["PENDING", 0]], ["CONFIRMED"]), /without a captured payment/],
    [order("CANCELLED", [["SUCCEEDED", 100]], ["RELEASED"]), /not refunded/],
    [order("REFUNDED", [["REFUNDED", 100]], ["RELEASED"]), undefined],
    [order("CANCELLED", [], ["ACTIVE"]), /still holding/],
    [order("COMPLETED", [["SUCCEEDED", 100]], ["COMMITTED"]), undefined],
    [order("PAYMENT_PENDING", [["PENDING", 0]], ["ACTIVE"]), /not ended/],
    [order("CREATED", [], []), undefined],
  ])("%j", (o, expected) => {
    const why = orderInconsistency(o);
    if (expected) expect(why).toMatch(expected);
    else expect(why).toBeUndefined();
  });
});
