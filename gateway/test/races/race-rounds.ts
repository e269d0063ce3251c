import { expect } from "vitest";

/** How many rounds a race test may run before it gives up on an interleaving it never saw. */
export const MAX_ROUNDS = 10;

/**
 * Holds a call back `ms` (0 or less: not at all). An offset that varies who wins a race; never a
 * wait for an effect (a test polls for those, with a deadline).
 */
export const offset = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** How often each way the race went happened, by name. */
export type Tally = Record<string, number>;

/**
 * Runs a race round after round until each interleaving in `wanted` has happened at least once,
 * summed over the rounds, and asserts that it did (at most MAX_ROUNDS rounds). A race test exists
 * for its interleavings: one that passed without them proved nothing. Each round sets up its own
 * aggregates, checks its own consistency (its assertions throw, whichever way it went) and
 * returns its tally; the sum is returned for the test to log or assert on further.
 */
export async function raceUntilSeen(
  race: string,
  wanted: readonly string[],
  round: (n: number) => Promise<Tally>,
): Promise<{ total: Tally; rounds: number }> {
  const total: Tally = {};
  const unseen = () => wanted.filter((k) => !(total[k]! > 0));
  let rounds = 0;
  while (rounds < MAX_ROUNDS && (rounds === 0 || unseen().length > 0)) {
    const tally = await round(++rounds);
    for (const [k, n] of Object.entries(tally)) total[k] = (total[k] ?? 0) + n;
    console.log(`${race}, round ${rounds}: ${JSON.stringify(tally)}`);
  }
  console.log(`${race}: ${JSON.stringify(total)} over ${rounds} round(s)`);
  expect(unseen(), `never seen in ${rounds} rounds: ${JSON.stringify(total)}`).toEqual([]);
  return { total, rounds };
}
