import { ConfigError } from "@shopstream/config";

/** Connections of each context's pool kept outside the consumers' transactions. */
export const SPARE_CONNECTIONS = 1;
/** Transactions per consumer when neither they nor the pool size are configured. */
export const DEFAULT_CONSUMER_TRANSACTIONS = 2;

export interface PoolPlan {
  /** Connections of the workers' pool on this context's database. */
  poolSize: number;
  /** Transactions each consumer on this database may hold open at once. */
  transactions: number;
}

/**
 * Sizes each context's pool and its consumers' transactions from one another, so that the
 * consumers can never ask for more connections than their pool has (a job waiting for one used to
 * fail with "Unable to start a transaction in the given time"):
 *
 *   poolSize ≥ consumers × transactions + SPARE_CONNECTIONS
 *
 * The spare connection serves the scheduled tasks and reads a handler makes outside its
 * transaction. Given neither, transactions = 2 and the pool follows; given one, the other follows;
 * given both, they must agree, else a ConfigError says which to change.
 */
export function planPools(
  consumersPerContext: Record<string, number>,
  configured: { poolSize?: number; transactions?: number },
): Record<string, PoolPlan> {
  const plans: Record<string, PoolPlan> = {};
  const problems: string[] = [];
  for (const [context, consumers] of Object.entries(consumersPerContext)) {
    if (consumers === 0) {
      plans[context] = { poolSize: configured.poolSize ?? SPARE_CONNECTIONS, transactions: 0 };
      continue;
    }
    const { poolSize, transactions } = configured;
    if (poolSize === undefined) {
      const t = transactions ?? DEFAULT_CONSUMER_TRANSACTIONS;
      plans[context] = { poolSize: consumers * t + SPARE_CONNECTIONS, transactions: t };
      continue;
    }
    const fits = Math.floor((poolSize - SPARE_CONNECTIONS) / consumers);
    const needed = consumers * (transactions ?? 1) + SPARE_CONNECTIONS;
    if (fits < 1 || (transactions !== undefined && transactions > fits)) {
      problems.push(
        `DATABASE_POOL_SIZE=${poolSize} is too small for the ${consumers} consumer(s) on ${context}'s database` +
          ` with ${transactions ?? 1} transaction(s) each: it needs at least ${needed}` +
          ` (consumers × CONSUMER_TRANSACTIONS + ${SPARE_CONNECTIONS}); raise DATABASE_POOL_SIZE` +
          (transactions !== undefined ? ", lower CONSUMER_TRANSACTIONS," : "") +
          " or unset it to have it derived",
      );
      continue;
    }
    plans[context] = { poolSize, transactions: transactions ?? fits };
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return plans;
}
