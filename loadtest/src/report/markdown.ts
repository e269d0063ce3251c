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
  out.push("");
  out.push("## Thresholds");
  out.push("");
  out.push(table(tables.thresholds));
  out.push("");
  out.push("## Invariants");
  out.push("");
  out.push(table(tables.invariants));
  const violations = r.invariants.flatMap((i) =>
    (i.violations ?? []).slice(0, 10).map((v) => `- ${i.name}: ${v}`),
  );
  if (violations.length) out.push("", ...violations);
  out.push("");
  out.push("## Operations");
  out.push("");
  out.push(table(tables.operations));
  out.push("");
  out.push("## Journeys");
  out.push("");
  out.push(table(tables.journeys));

  if (tables.aborts.rows.length) {
    out.push("");
    out.push("### Aborted journeys, by step and code");
    out.push("");
    out.push(table(tables.aborts));
  }
  out.push("");
  out.push("## Errors by code");
  out.push("");
  out.push(stats.errors.length ? table(tables.errors) : "None.");
  if (Object.keys(r.raceOutcomes).length) {
    out.push("");
    out.push("## Race outcomes");
    out.push("");
    out.push(table(tables.races));
  }
  out.push("");
  return out.join("\n");
}
