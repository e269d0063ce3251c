/**
 * Run statistics: per operation and per journey, kept as raw samples so percentiles are exact
 * (sorted-sample, nearest rank), plus a per-second series for the charts.
 */

export interface Percentiles {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of ascending `sorted` (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function percentiles(samples: readonly number[]): Percentiles {
  const s = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(s, 50),
    p90: percentile(s, 90),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s.length ? s[s.length - 1]! : 0,
  };
}

export interface OperationStats {
  name: string;
  count: number;
  failures: number;
  expectedFailures: number;
  /** Failures by `extensions.code`. */
  codes: Record<string, { count: number; expected: boolean; message: string }>;
  samples: number[];
}

export interface JourneyStats {
  name: string;
  context: string;
  started: number;
  completed: number;
  aborted: number;
  /** Aborts by `step|code`. */
  aborts: Record<
    string,
    { step: string; code: string; expected: boolean; count: number; message: string }
  >;
  samples: number[];
}

interface Second {
  requests: number;
  failures: number;
  samples: number[];
}

export interface SeriesPoint {
  t: number;
  requests: number;
  failures: number;
  p95: number;
}

export class Stats {
  readonly operations = new Map<string, OperationStats>();
  readonly journeys = new Map<string, JourneyStats>();
  private readonly seconds = new Map<number, Second>();
  startedAt = Date.now();
  endedAt: number | undefined;
  users = 0;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  request(
    name: string,
    ms: number,
    at: number,
    failure?: { code: string; expected: boolean; message: string },
  ) {
    let op = this.operations.get(name);
    if (!op) {
      op = { name, count: 0, failures: 0, expectedFailures: 0, codes: {}, samples: [] };
      this.operations.set(name, op);
    }
    op.count++;
    op.samples.push(ms);
    const sec = Math.floor((at - this.startedAt) / 1000);
    let s = this.seconds.get(sec);
    if (!s) {
      s = { requests: 0, failures: 0, samples: [] };
      this.seconds.set(sec, s);
    }
    s.requests++;
    s.samples.push(ms);
    if (failure) {
      if (failure.expected) op.expectedFailures++;
      else {
        op.failures++;
        s.failures++;
      }
      const c = op.codes[failure.code] ?? {
        count: 0,
        expected: failure.expected,
        message: failure.message,
      };
      op.codes[failure.code] = c;
      c.count++;
    }
  }

  private journey(name: string, context: string): JourneyStats {
    let j = this.journeys.get(name);
    if (!j) {
      j = { name, context, started: 0, completed: 0, aborted: 0, aborts: {}, samples: [] };
      this.journeys.set(name, j);
    }
    return j;
  }

  journeyStarted(name: string, context: string) {
    this.journey(name, context).started++;
  }

  journeyCompleted(name: string, context: string, ms: number) {
    const j = this.journey(name, context);
    j.completed++;
    j.samples.push(ms);
  }

  journeyAborted(
    name: string,
    context: string,
    step: string,
    code: string,
    expected: boolean,
    message: string,
  ) {
    const j = this.journey(name, context);
    j.aborted++;
    const key = `${step}|${code}`;
    const a = j.aborts[key] ?? { step, code, expected, count: 0, message };
    j.aborts[key] = a;
    a.count++;
  }

  elapsedSeconds(): number {
    return Math.max(0.001, ((this.endedAt ?? this.now()) - this.startedAt) / 1000);
  }

  totals() {
    let requests = 0;
    let failures = 0;
    let expectedFailures = 0;
    const all: number[] = [];
    for (const op of this.operations.values()) {
      requests += op.count;
      failures += op.failures;
      expectedFailures += op.expectedFailures;
      for (const s of op.samples) all.push(s);
    }
    return {
      requests,
      failures,
      expectedFailures,
      errorRate: requests ? failures / requests : 0,
      rate: requests / this.elapsedSeconds(),
      ...percentiles(all),
    };
  }

  series(): SeriesPoint[] {
    const keys = [...this.seconds.keys()].sort((a, b) => a - b);
    if (keys.length === 0) return [];
    const out: SeriesPoint[] = [];
    for (let t = 0; t <= keys[keys.length - 1]!; t++) {
      const s = this.seconds.get(t);
      out.push({
        t,
        requests: s?.requests ?? 0,
        failures: s?.failures ?? 0,
        p95: s
          ? percentile(
              [...s.samples].sort((a, b) => a - b),
              95,
            )
          : 0,
      });
    }
    return out;
  }

  /** Errors by code over all operations, expected kept apart from unexpected. */
  errorsByCode() {
    const out = new Map<
      string,
      { code: string; expected: boolean; count: number; operations: string[] }
    >();
    for (const op of this.operations.values()) {
      for (const [code, c] of Object.entries(op.codes)) {
        const key = `${code}|${c.expected}`;
        const e = out.get(key) ?? { code, expected: c.expected, count: 0, operations: [] };
        e.count += c.count;
        e.operations.push(op.name);
        out.set(key, e);
      }
    }
    return [...out.values()].sort(
      (a, b) => Number(a.expected) - Number(b.expected) || b.count - a.count,
    );
  }

  /** A plain snapshot without raw samples (live page, results.json). */
  snapshot() {
    const elapsed = this.elapsedSeconds();
    return {
      startedAt: new Date(this.startedAt).toISOString(),
      elapsedSeconds: elapsed,
      users: this.users,
      totals: this.totals(),
      operations: [...this.operations.values()]
        .map((op) => ({
          name: op.name,
          count: op.count,
          rate: op.count / elapsed,
          failures: op.failures,
          expectedFailures: op.expectedFailures,
          codes: op.codes,
          ...percentiles(op.samples),
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      journeys: [...this.journeys.values()]
        .map((j) => ({
          name: j.name,
          context: j.context,
          started: j.started,
          completed: j.completed,
          aborted: j.aborted,
          aborts: Object.values(j.aborts),
          ...percentiles(j.samples),
        }))
        .sort((a, b) => a.context.localeCompare(b.context) || a.name.localeCompare(b.name)),
      errors: this.errorsByCode(),
    };
  }
}

export type Snapshot = ReturnType<Stats["snapshot"]>;
