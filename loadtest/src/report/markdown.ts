import type { RunResult } from "./model.ts";

const f = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const esc = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");

/** A Markdown table; columns whose cells are all numbers align right. */
const numeric = (rows: (string | number)[][], i: number) =>
  rows.length > 0 && rows.every((r) => /^-?[\d.]+$/.test(String(r[i])));
const table = (head: string[], rows: (string | number)[][]) =>
  [
    `| ${head.join(" | ")} |`,
    `| ${head.map((_, i) => (numeric(rows, i) ? "---:" : "---")).join(" | ")} |`,
    ...rows.map((r) => `| ${r.map((c) => esc(String(c))).join(" | ")} |`),
  ].join("\n");

/** `report.md`: the run's tables for CI. */
export function markdownReport(r: RunResult): string {
  const { stats } = r;
  const t = stats.totals;
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
  out.push(
    table(
      ["threshold", "limit", "actual", "result"],
      r.thresholds.map((th) => [
        th.name,
        th.limit,
        Number(th.actual.toFixed(4)),
        th.pass ? "pass" : "FAIL",
      ]),
    ),
  );
  out.push("");
  out.push("## Invariants");
  out.push("");
  out.push(
    table(
      ["invariant", "result", "detail"],
      r.invariants.map((i) => [i.name, i.status === "fail" ? "FAIL" : i.status, i.detail]),
    ),
  );
  const violations = r.invariants.flatMap((i) =>
    (i.violations ?? []).slice(0, 10).map((v) => `- ${i.name}: ${v}`),
  );
  if (violations.length) out.push("", ...violations);
  out.push("");
  out.push("## Operations");
  out.push("");
  out.push(
    table(
      [
        "operation",
        "count",
        "rate/s",
        "p50 ms",
        "p90 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "failures",
        "expected",
      ],
      stats.operations.map((o) => [
        o.name,
        o.count,
        f(o.rate),
        f(o.p50),
        f(o.p90),
        f(o.p95),
        f(o.p99),
        f(o.max),
        o.failures,
        o.expectedFailures,
      ]),
    ),
  );
  out.push("");
  out.push("## Journeys");
  out.push("");
  out.push(
    table(
      [
        "journey",
        "started",
        "completed",
        "aborted",
        "p50 ms",
        "p90 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
      ],
      stats.journeys.map((j) => [
        j.name,
        j.started,
        j.completed,
        j.aborted,
        f(j.p50),
        f(j.p90),
        f(j.p95),
        f(j.p99),
        f(j.max),
      ]),
    ),
  );
  const aborts = stats.journeys.flatMap((j) =>
    j.aborts.map((a) => [
      j.name,
      a.step,
      a.code,
      a.expected ? "expected" : "unexpected",
      a.count,
      a.message.slice(0, 120),
    ]),
  );
  if (aborts.length) {
    out.push("");
    out.push("### Aborted journeys, by step and code");
    out.push("");
    out.push(table(["journey", "step", "code", "kind", "count", "first message"], aborts));
  }
  out.push("");
  out.push("## Errors by code");
  out.push("");
  out.push(
    stats.errors.length
      ? table(
          ["code", "kind", "count", "operations"],
          stats.errors.map((e) => [
            e.code,
            e.expected ? "expected" : "unexpected",
            e.count,
            e.operations.join(", "),
          ]),
        )
      : "None.",
  );
  const races = Object.entries(r.raceOutcomes);
  if (races.length) {
    out.push("");
    out.push("## Race outcomes");
    out.push("");
    out.push(
      table(
        ["scenario", "outcome", "count"],
        races.flatMap(([s, o]) => Object.entries(o).map(([k, n]) => [s, k, n])),
      ),
    );
  }
  out.push("");
  return out.join("\n");
}
