import type { SeriesPoint, Snapshot } from "../harness/stats.ts";
import type { InvariantResult } from "../invariants.ts";
import type { Profile } from "../profiles.ts";

/** Everything a run's reports are made of (`results.json`). */
export interface RunResult {
  profile: Profile;
  options: { users: number; spawnRate: number; durationMs: number; gateway: string };
  startedAt: string;
  endedAt: string;
  stoppedEarly: boolean;
  machine: { cpus: number; cpuModel: string; memoryMiB: number; node: string; platform: string };
  /** The load generator's own CPU time over the run. */
  generatorCpu: { userMs: number; systemMs: number; share: number };
  stats: Snapshot;
  series: SeriesPoint[];
  raceOutcomes: Record<string, Record<string, number>>;
  thresholds: { name: string; limit: number; actual: number; pass: boolean }[];
  invariants: InvariantResult[];
  passed: boolean;
}
