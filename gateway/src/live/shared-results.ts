import type { Principal } from "@shopstream/auth";
import type { ExecutionArgs, ExecutionResult } from "graphql";

/**
 * Executes each event once per distinct (operation, variables, principal) instead of once per
 * subscriber: a dashboard open in 100 browsers costs one execution per event and the 100 sockets
 * get the same result. Results are forgotten a few seconds after they settle.
 */
export class SharedResults {
  private readonly results = new Map<string, Promise<ExecutionResult>>();
  executions = 0;

  constructor(private readonly keepMs = 5_000) {}

  get(
    key: string,
    run: () => Promise<ExecutionResult> | ExecutionResult,
  ): Promise<ExecutionResult> {
    let result = this.results.get(key);
    if (!result) {
      this.executions++;
      result = Promise.resolve().then(run);
      this.results.set(key, result);
      const forget = () => {
        setTimeout(() => this.results.delete(key), this.keepMs).unref();
      };
      result.then(forget, forget);
    }
    return result;
  }
}

/**
 * Maps a source iterator like graphql-js's own mapAsyncIterator: `return()` goes straight to the
 * source, so completing a subscription frees it at once instead of after the next event (which
 * an async generator wrapping `for await` would wait for).
 */
export function mapIterator<T, U>(
  source: AsyncIterator<T>,
  map: (value: T) => Promise<U>,
): AsyncIterableIterator<U> {
  const settle = async (step: IteratorResult<T>): Promise<IteratorResult<U>> =>
    step.done ? { value: undefined, done: true } : { value: await map(step.value), done: false };
  const iterator: AsyncIterableIterator<U> = {
    next: () => source.next().then(settle),
    return: async () => {
      await source.return?.();
      return { value: undefined, done: true };
    },
    throw: async (error) => {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/**
 * The identity of one subscriber's operation: who asked what, with which variables. The whole
 * principal is part of it: what an event resolves to depends on who asks (which events reach
 * them, what the subgraphs show them of each entity), so subscribers share a result only when
 * they are the same principal, never across two.
 */
export const operationKey = (args: ExecutionArgs, query: string, principal: Principal) =>
  JSON.stringify([query, args.operationName ?? null, args.variableValues ?? {}, principal]);
