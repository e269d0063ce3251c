/** The live page: plain HTML and a small inline script reading `/events` (no CDN). */
export function livePageHtml(profile: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ShopStream load — ${profile.replace(/[<>&"]/g, "")}</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}td:first-child,th:first-child{text-align:left}#events{font:12px monospace;max-height:20em;overflow:auto;border:1px solid #ccc;padding:.5em}button{margin-right:.5em}.bad{color:#c00}</style>
</head><body>
<h1>ShopStream load test: <span id="profile"></span></h1>
<p><button id="start">Start</button><button id="stop">Stop</button><button id="end">End run</button>
<span id="summary">connecting…</span></p>
<h2>Operations</h2><table id="ops"></table>
<h2>Journeys</h2><table id="journeys"></table>
<h2>Live events (<span id="substate"></span>)</h2><div id="events"></div>
<script>
const $ = (id) => document.getElementById(id);
const f = (n) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const table = (head, rows) => "<tr>" + head.map((h) => "<th>" + h + "</th>").join("") + "</tr>" +
  rows.map((r) => "<tr>" + r.map((c) => "<td>" + esc(c) + "</td>").join("") + "</tr>").join("");
for (const a of ["start", "stop", "end"]) $(a).onclick = () => fetch("/" + a, { method: "POST" });
const es = new EventSource("/events");
es.addEventListener("stats", (m) => {
  const s = JSON.parse(m.data);
  $("profile").textContent = s.profile;
  const t = s.totals;
  $("summary").textContent = s.users + " users, " + f(t.rate) + " req/s, " + t.requests + " requests, " + t.failures +
    " unexpected failures, p95 " + f(t.p95) + " ms" + (s.paused ? " — paused" : "") + (s.ended ? " — ended" : "");
  $("ops").innerHTML = table(["operation", "count", "rate/s", "p50", "p90", "p95", "p99", "max", "failures", "expected"],
    s.operations.map((o) => [o.name, o.count, f(o.rate), f(o.p50), f(o.p90), f(o.p95), f(o.p99), f(o.max), o.failures, o.expectedFailures]));
  $("journeys").innerHTML = table(["journey", "started", "completed", "aborted", "p50", "p95", "max"],
    s.journeys.map((j) => [j.name, j.started, j.completed, j.aborted, f(j.p50), f(j.p95), f(j.max)]));
  $("substate").textContent = s.subscriptions;
});
es.addEventListener("live-event", (m) => {
  const e = JSON.parse(m.data);
  const line = document.createElement("div");
  line.textContent = e.kind === "stockLevelChanged"
    ? e.occurredAt + " " + e.event + " stock " + (e.stockItem && e.stockItem.id) + " available " + (e.current && e.current.available)
    : e.occurredAt + " " + e.event + " order " + (e.order && e.order.id) + " " + e.previousStatus + " → " + e.status;
  const box = $("events");
  box.prepend(line);
  while (box.childNodes.length > 100) box.removeChild(box.lastChild);
});
</script>
</body></html>
`;
}
