import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Percentiles } from "../harness/stats.ts";
import { csv } from "./csv.ts";
import { htmlReport } from "./html.ts";
import { markdownReport } from "./markdown.ts";
import type { RunResult } from "./model.ts";

/** The `p50_ms` … `max_ms` cells every `stats.csv` row ends with. */
const latencyCells = (p: Percentiles) =>
  (["p50", "p90", "p95", "p99", "max"] as const).map((k) => p[k].toFixed(1));

export function statsCsv(r: RunResult): string {
  const rows: unknown[][] = [
    [
      "type",
      "name",
      "count",
      "rate",
      "failures",
      "expected_failures",
      "p50_ms",
      "p90_ms",
      "p95_ms",
      "p99_ms",
      "max_ms",
    ],
  ];
  for (const o of r.stats.operations)
    rows.push([
      "operation",
      o.name,
      o.count,
      o.rate.toFixed(3),
      o.failures,
      o.expectedFailures,
      ...latencyCells(o),
    ]);
  for (const j of r.stats.journeys) {
    const expected = j.aborts.filter((a) => a.expected).reduce((s, a) => s + a.count, 0);
    rows.push([
      "journey",
      j.name,
      j.started,
      (j.started / r.stats.elapsedSeconds).toFixed(3),
      j.aborted - expected,
      expected,
      ...latencyCells(j),
    ]);
  }
  const t = r.stats.totals;
  rows.push([
    "total",
    "all",
    t.requests,
    t.rate.toFixed(3),
    t.failures,
    t.expectedFailures,
    ...latencyCells(t),
  ]);
  return csv(rows);
}

export function failuresCsv(r: RunResult): string {
  const rows: unknown[][] = [["kind", "name", "step", "code", "expected", "count", "message"]];
  for (const o of r.stats.operations)
    for (const [code, c] of Object.entries(o.codes))
      rows.push(["operation", o.name, "", code, c.expected, c.count, c.message]);
  for (const j of r.stats.journeys)
    for (const a of j.aborts)
      rows.push(["journey", j.name, a.step, a.code, a.expected, a.count, a.message]);
  return csv(rows);
}

/** Writes `results.json`, `stats.csv`, `failures.csv`, `report.md` and `report.html` into `dir`. */
export async function writeReports(dir: string, r: RunResult): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ["results.json", `${JSON.stringify(r, null, 2)}\n`],
    ["stats.csv", statsCsv(r)],
    ["failures.csv", failuresCsv(r)],
    ["report.md", markdownReport(r)],
    ["report.html", htmlReport(r)],
  ];
  for (const [name, text] of files) await writeFile(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
