import type { SeriesPoint } from "../harness/stats.ts";
import type { RunResult } from "./model.ts";
import { fmt as f, reportTables, type Table } from "./tables.ts";

export const escapeHtml = (s: string) =>
  s
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");

/** An inline SVG line chart of one series over the run's seconds. */
export function svgChart(
  title: string,
  points: SeriesPoint[],
  value: (p: SeriesPoint) => number,
  unit: string,
): string {
  const w = 720;
  const h = 200;
  const pad = 40;
  const max = Math.max(1, ...points.map(value));
  const n = Math.max(1, points.length - 1);
  const x = (i: number) => pad + ((w - 2 * pad) * i) / n;
  const y = (v: number) => h - pad + -((h - 2 * pad) * v) / max;
  const path = points
    .map((p, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(value(p)).toFixed(1)}`)
    .join(" ");
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(title)}">
<rect x="0" y="0" width="${w}" height="${h}" fill="#fff"/>
<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#999"/>
<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${h - pad}" stroke="#999"/>
<text x="${pad - 4}" y="${pad + 4}" text-anchor="end" font-size="10">${f(max)}</text>
<text x="${pad - 4}" y="${h - pad}" text-anchor="end" font-size="10">0</text>
<text x="${w - pad}" y="${h - pad + 14}" text-anchor="end" font-size="10">${points.length} s</text>
<text x="${pad}" y="${pad - 8}" font-size="10">${escapeHtml(unit)}</text>
${points.length ? `<path d="${path}" fill="none" stroke="#2a6fdb" stroke-width="1.5"/>` : ""}
</svg></figure>`;
}

const table = ({ head, rows }: Table) =>
  `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;

/** `report.html`: self-contained (inline CSS and SVG, no script, no external fetch). */
export function htmlReport(r: RunResult): string {
  const { stats } = r;
  const t = stats.totals;
  const tables = reportTables(r, "compact");
  const body = [
    `<h1>Load test: ${escapeHtml(r.profile.name)} — <span class="${r.passed ? "pass" : "fail"}">${r.passed ? "PASSED" : "FAILED"}</span></h1>`,
    `<p>${r.options.users} users (spawn ${r.options.spawnRate}/s), class ${escapeHtml(r.profile.userClass)}, ${f(stats.elapsedSeconds)} s against ${escapeHtml(r.options.gateway)}; started ${escapeHtml(r.startedAt)}. ${t.requests} requests, ${f(t.rate)}/s, ${t.failures} unexpected and ${t.expectedFailures} expected failures; p95 ${f(t.p95)} ms. Generator CPU ${(r.generatorCpu.share * 100).toFixed(1)} % of one core. Machine: ${r.machine.cpus} × ${escapeHtml(r.machine.cpuModel)}, ${r.machine.memoryMiB} MiB, Node ${escapeHtml(r.machine.node)}.</p>`,
    svgChart("Requests per second", r.series, (p) => p.requests, "req/s"),
    svgChart("p95 latency per second", r.series, (p) => p.p95, "ms"),
    "<h2>Thresholds</h2>",
    table(tables.thresholds),
    "<h2>Invariants</h2>",
    table(tables.invariants),
    "<h2>Operations</h2>",
    table(tables.operations),
    "<h2>Journeys</h2>",
    table(tables.journeys),
    "<h2>Aborts by step and code</h2>",
    table(tables.aborts),
    "<h2>Errors by code</h2>",
    table(tables.errors),
  ].join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Load test ${escapeHtml(r.profile.name)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}.pass{color:#080}.fail{color:#c00}figure{margin:1em 0}</style>
</head><body>
${body}
</body></html>
`;
}
