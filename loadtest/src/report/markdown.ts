import type { RunResult } from "./model.ts";
import { fmt as f, reportTables, type Table } from "./tables.ts";

const esc = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");

/** A Markdown table; columns whose cells are all numbers align right. */
const numeric = (rows: (string | number)[][], i: number) =>
  rows.length > 0 && rows.every((r) => /^-?[\d.]+$/.test(String(r[i])));
const table = ({ head, rows }: Table) =>
  [
    `| ${head.join(" | ")} |`,
    `| ${head.map((_, i) => (numeric(rows, i) ? "---:" : "---")).join(" | ")} |`,
    ...rows.map((r) => `| ${r.map((c) => esc(String(c))).join(" | ")} |`),
  ].join("\n");

/** `report.md`: the run's tables for CI. */
export function markdownReport(r: RunResult): string {
  const { stats } = r;
  const t = stats.totals;
  const tables = reportTables(r, "full");
  const out: string[] = [];
  out.push(`# Load test: ${r.profile.name} — ${r.passed ? "PASSED" : "FAILED"}`);
  out.push("");
  out.push(
    `${r.options.users} users (spawn ${r.options.spawnRate}/s), class \`${r.profile.userClass}\`, ${f(stats.elapsedSeconds)} s${r.stoppedEarly ? " (stopped early)" : ""}, against ${r.options.gateway}. ` +
      `Started ${r.startedAt}. Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryMiB} MiB, Node ${r.machine.node}. ` +
      `Load generator CPU: ${f(r.generatorCpu.userMs / 1000)} s user + ${f(r.generatorCpu.systemMs / 1000)} s system = ${(r.generatorCpu.share * 100).toFixed(1)} % of one core.`,
  );
  out.push("");
  out.push(
    `**${t.requests} requests, ${f(t.rate)}/s; ${t.failures} unexpected failures (${(t.errorRate * 100).toFixed(2)} %), ${t.expectedFailures} expected; p50 ${f(t.p50)} ms, p95 ${f(t.p95)} ms, p99 ${f(t.p99)} ms, max ${f(t.max)} ms.**`,
  );
  /** A heading after a blank line, a blank line, then the lines of its body. */
  const section = (heading: string, ...body: string[]) => out.push("", heading, "", ...body);
  section("## Thresholds", table(tables.thresholds));
  const violations = r.invariants.flatMap((i) =>
    (i.violations ?? []).slice(0, 10).map((v) => `- ${i.name}: ${v}`),
  );
  section(
    "## Invariants",
    table(tables.invariants),
    ...(violations.length ? ["", ...violations] : []),
  );
  section("## Operations", table(tables.operations));
  section("## Journeys", table(tables.journeys));
  if (tables.aborts.rows.length)
    section("### Aborted journeys, by step and code", table(tables.aborts));
  section("## Errors by code", stats.errors.length ? table(tables.errors) : "None.");
  if (Object.keys(r.raceOutcomes).length) section("## Race outcomes", table(tables.races));
  out.push("");
  return out.join("\n");
}
