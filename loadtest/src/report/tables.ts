import type { Percentiles, Snapshot } from "../harness/stats.ts";
import type { RunResult } from "./model.ts";

/**
 * The report tables as data — a head and rows of cells — so the Markdown and HTML reports show the
 * same figures and differ only in markup. Where the two reports deliberately differ (the HTML
 * one is the compact view: fewer percentiles, no messages) the builder takes that as a parameter.
 */
export interface Table {
  head: string[];
  rows: (string | number)[][];
}

/** A latency or rate figure: whole above 100, one decimal below. */
export const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

const thresholdsTable = (r: RunResult): Table => ({
  head: ["threshold", "limit", "actual", "result"],
  rows: r.thresholds.map((th) => [
    th.name,
    th.limit,
    Number(th.actual.toFixed(4)),
    th.pass ? "pass" : "FAIL",
  ]),
});

/** `status` renders an invariant's status (the Markdown report shouts failures). */
const invariantsTable = (
  r: RunResult,
  status: (s: RunResult["invariants"][number]["status"]) => string = (s) => s,
): Table => ({
  head: ["invariant", "result", "detail"],
  rows: r.invariants.map((i) => [i.name, status(i.status), i.detail]),
});

/** `unit` follows each latency column's head (" ms" in Markdown, where no caption says so). */
const operationsTable = (stats: Snapshot, unit: string): Table => ({
  head: [
    "operation",
    "count",
    "rate/s",
    ...["p50", "p90", "p95", "p99", "max"].map((p) => `${p}${unit}`),
    "failures",
    "expected",
  ],
  rows: stats.operations.map((o) => [
    o.name,
    o.count,
    fmt(o.rate),
    fmt(o.p50),
    fmt(o.p90),
    fmt(o.p95),
    fmt(o.p99),
    fmt(o.max),
    o.failures,
    o.expectedFailures,
  ]),
});

/** The journeys' counts and the latency columns `columns`, each head followed by `unit`. */
const journeysTable = (stats: Snapshot, columns: (keyof Percentiles)[], unit: string): Table => ({
  head: ["journey", "started", "completed", "aborted", ...columns.map((p) => `${p}${unit}`)],
  rows: stats.journeys.map((j) => [
    j.name,
    j.started,
    j.completed,
    j.aborted,
    ...columns.map((p) => fmt(j[p])),
  ]),
});

/** Aborted journeys by step and code; `messages` adds each one's first message (cut to 120). */
const abortsTable = (stats: Snapshot, messages: boolean): Table => ({
  head: ["journey", "step", "code", "kind", "count", ...(messages ? ["first message"] : [])],
  rows: stats.journeys.flatMap((j) =>
    j.aborts.map((a) => [
      j.name,
      a.step,
      a.code,
      a.expected ? "expected" : "unexpected",
      a.count,
      ...(messages ? [a.message.slice(0, 120)] : []),
    ]),
  ),
});

const errorsTable = (stats: Snapshot): Table => ({
  head: ["code", "kind", "count", "operations"],
  rows: stats.errors.map((e) => [
    e.code,
    e.expected ? "expected" : "unexpected",
    e.count,
    e.operations.join(", "),
  ]),
});

const racesTable = (r: RunResult): Table => ({
  head: ["scenario", "outcome", "count"],
  rows: Object.entries(r.raceOutcomes).flatMap(([s, o]) =>
    Object.entries(o).map(([k, n]) => [s, k, n]),
  ),
});

/**
 * Every table of a run, as one of the two views: `full` (Markdown, for CI: latency units in the
 * heads, all percentiles, abort messages, failed invariants in capitals) or `compact` (the HTML
 * page, whose charts carry the detail).
 */
export function reportTables(r: RunResult, view: "full" | "compact") {
  const full = view === "full";
  const unit = full ? " ms" : "";
  return {
    thresholds: thresholdsTable(r),
    invariants: invariantsTable(r, full ? (s) => (s === "fail" ? "FAIL" : s) : undefined),
    operations: operationsTable(r.stats, unit),
    journeys: journeysTable(
      r.stats,
      full ? ["p50", "p90", "p95", "p99", "max"] : ["p50", "p95", "p99", "max"],
      unit,
    ),
    aborts: abortsTable(r.stats, full),
    errors: errorsTable(r.stats),
    races: racesTable(r),
  };
}
