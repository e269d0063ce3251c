import {
  customer,
  type GqlClient,
  type GqlResult,
  type Principal,
  principalKey,
  staff,
  type TokenFor,
} from "./client.ts";
import type { HookResult, PaymentOutcome, PaymentTarget, ProviderHooks } from "./provider.ts";
import type { Stats } from "./stats.ts";
import { sleep } from "./time.ts";

/** A failed step: the code it failed with (`extensions.code`, or one of the harness's own). */
export class StepError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the run touched, for the invariants checked after it. */
export interface Tracker {
  stockItems: Set<string>;
  orders: Map<string, { journey: string }>;
  flashRounds: FlashRound[];
  /** Outcomes of the race scenarios, by scenario and outcome. */
  raceOutcomes: Record<string, Record<string, number>>;
}

export interface FlashRound {
  stockItemId: string;
  units: number;
  granted: number[];
  refused: number[];
}

export const newTracker = (): Tracker => ({
  stockItems: new Set(),
  orders: new Map(),
  flashRounds: [],
  raceOutcomes: {},
});

export function tally(tracker: Tracker, scenario: string, outcome: string) {
  const t = tracker.raceOutcomes[scenario] ?? {};
  tracker.raceOutcomes[scenario] = t;
  t[outcome] = (t[outcome] ?? 0) + 1;
}

/** Everything shared by the users of one run. */
export interface RunEnv {
  client: GqlClient;
  provider: ProviderHooks;
  tokenFor: TokenFor;
  stats: Stats;
  tracker: Tracker;
  signal: AbortSignal;
  /** Run-wide objects keyed by name (race coordinators). */
  shared: Map<string, unknown>;
  /** Users of the run (a race arms at most this many). */
  users: number;
  /** Deadline of one wait for the pipeline inside a journey. */
  settleTimeoutMs: number;
}

/** A user's own objects, made once by its first journey that needs them. */
export interface Fixture {
  customerId: string;
  /** The customer's `externalId`: the subject they sign in with. */
  externalId: string;
  productId: string;
  variantIds: string[];
  warehouseId: string;
  stockItemIds: string[];
}

export interface UserSession {
  id: number;
  fixture?: Fixture;
  tokens: Map<string, string | undefined>;
}

export interface CallOptions {
  /** Send again while the answer fails with one of these codes (an event still on its way). */
  retryWhile?: string[];
  /** Who the request is made as; default: the running step's principal (`Step.as`). */
  as?: Principal;
}

/**
 * Who a step acts as: a principal, one read from the journey's state when the step runs (the
 * journey's customer, `theCustomer`), or `EACH_CALL` when the step acts as several principals and
 * every request in it names its own (`{ as }`); a request without one then fails the step.
 */
export type Acting = Principal | ((ctx: JourneyContext) => Principal) | typeof EACH_CALL;
export const EACH_CALL = "each call";

/** The journey's customer, as themself: the `externalId` its registration (or setup) captured. */
export const theCustomer = (ctx: JourneyContext): Principal => customer(need(ctx, "externalId"));

export interface JourneyContext {
  readonly journey: Journey;
  readonly state: Record<string, unknown>;
  readonly user: UserSession;
  readonly env: RunEnv;
  /** Who the running step acts as (set by `runJourney` before each step and the cleanup). */
  acting: Acting;
  /** The token `principal` signs in with (made once per user and principal). */
  tokenOf(principal: Principal): Promise<string | undefined>;
  /** Runs one named operation; its data, or a `StepError` with its code. */
  gql<T>(
    operation: string,
    query: string,
    variables?: Record<string, unknown>,
    opts?: CallOptions,
  ): Promise<T>;
  /** Runs one named operation and records it, without throwing on errors. */
  attempt<T>(
    operation: string,
    query: string,
    variables?: Record<string, unknown>,
    opts?: CallOptions,
  ): Promise<GqlResult<T>>;
  /** Polls `read` until `done` holds, with a deadline: never a fixed sleep. */
  until<T>(
    what: string,
    read: () => Promise<T>,
    done: (v: T) => boolean,
    timeoutMs?: number,
  ): Promise<T>;
  script(target: PaymentTarget, outcomes: PaymentOutcome[]): Promise<void>;
  held(target: PaymentTarget): Promise<number>;
  release(target: PaymentTarget): Promise<void>;
  /** A unique token for emails, SKUs and keys. */
  unique(prefix: string): string;
  random(): number;
}

export interface Step {
  name: string;
  /** Who the step acts as: every request it makes signs in as this principal unless it names one. */
  as: Acting;
  run(ctx: JourneyContext): Promise<void>;
}

export interface Journey {
  name: string;
  /** The context the journey exercises (its folder). */
  context: string;
  /** Codes that are a legitimate outcome here (INSUFFICIENT_STOCK in a flash sale). */
  expected?: string[];
  steps: Step[];
  /**
   * Runs after an aborted journey (not counted as a step), to leave nothing hanging: a held
   * provider report released, say. Its requests name their principal (`{ as }`). Its failures
   * are ignored.
   */
  cleanup?: (ctx: JourneyContext) => Promise<void>;
}

let counter = 0;
const runTag = Date.now().toString(36);
export const uniqueToken = (prefix: string) =>
  `${prefix}-${runTag}-${(++counter).toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;

/** Builds the context one run of `journey` by `user` works in. */
export function journeyContext(journey: Journey, user: UserSession, env: RunEnv): JourneyContext {
  /**
   * Counts a provider hook call in the stats like an operation, and fails the step when the
   * provider refused it; its body.
   */
  const hookCall = <T>(name: string, r: HookResult<T>): T | undefined => {
    env.stats.request(
      name,
      r.ms,
      r.at,
      r.ok ? undefined : { code: `HTTP_${r.status}`, expected: false, message: "" },
    );
    if (!r.ok) throw new StepError(`PROVIDER_${r.status}`, `${name} answered ${r.status}`);
    return r.body;
  };
  const state: Record<string, unknown> = {};
  const expected = new Set(journey.expected ?? []);

  const tokenOf = async (principal: Principal) => {
    const key = principalKey(principal);
    if (!user.tokens.has(key)) user.tokens.set(key, await env.tokenFor(principal));
    return user.tokens.get(key);
  };

  /** The principal of one request: its own `as`, else the running step's. */
  const principalOf = (opts: CallOptions, operation: string): Principal => {
    if (opts.as) return opts.as;
    const acting = ctx.acting;
    if (acting === EACH_CALL) {
      throw new StepError(
        "NO_PRINCIPAL",
        `${operation}: the step acts as several principals, so the request must name its own`,
      );
    }
    return typeof acting === "function" ? acting(ctx) : acting;
  };

  const attempt = async <T>(
    operation: string,
    query: string,
    variables: Record<string, unknown> = {},
    opts: CallOptions = {},
  ): Promise<GqlResult<T>> => {
    const token = await tokenOf(principalOf(opts, operation));
    const deadline = Date.now() + env.settleTimeoutMs;
    for (;;) {
      const r = await env.client.request<T>(operation, query, variables, token);
      const retry =
        r.code !== undefined &&
        opts.retryWhile?.includes(r.code) &&
        Date.now() < deadline &&
        !env.signal.aborted;
      env.stats.request(
        operation,
        r.ms,
        r.at,
        r.code
          ? {
              code: r.code,
              expected: Boolean(retry) || expected.has(r.code),
              message: r.errors?.[0]?.message ?? "",
            }
          : undefined,
      );
      if (!retry) return r;
      await sleep(200, env.signal);
    }
  };

  const ctx: JourneyContext = {
    journey,
    state,
    user,
    env,
    acting: EACH_CALL,
    tokenOf,
    attempt,
    async gql(operation, query, variables = {}, opts = {}) {
      const r = await attempt<never>(operation, query, variables, opts);
      if (r.code || r.data === undefined) {
        throw new StepError(r.code ?? "NO_DATA", r.errors?.[0]?.message ?? "no data");
      }
      return r.data;
    },
    async until(what, read, done, timeoutMs = env.settleTimeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let interval = 100;
      for (;;) {
        const v = await read();
        if (done(v)) return v;
        if (Date.now() >= deadline)
          throw new StepError(
            "SETTLE_TIMEOUT",
            `${what}: not reached within ${timeoutMs} ms (last ${JSON.stringify(v).slice(0, 200)})`,
          );
        if (!(await sleep(interval, env.signal)))
          throw new StepError("STOPPED", `${what}: run stopped`);
        interval = Math.min(1000, interval * 1.5);
      }
    },
    async script(target, outcomes) {
      hookCall("provider /script", await env.provider.script(target, outcomes));
    },
    async held(target) {
      return hookCall("provider /held", await env.provider.held(target))?.held.length ?? 0;
    },
    async release(target) {
      hookCall("provider /release", await env.provider.release(target));
    },
    unique: uniqueToken,
    random: Math.random,
  };
  return ctx;
}

/**
 * Runs the journey's steps in order. A failed step aborts it, counted at that step and code; a
 * stop between steps aborts it as `STOPPED` (expected). Resolves true when it completed.
 */
export async function runJourney(
  journey: Journey,
  user: UserSession,
  env: RunEnv,
): Promise<boolean> {
  const ctx = journeyContext(journey, user, env);
  const { stats } = env;
  const expected = new Set(journey.expected ?? []);
  stats.journeyStarted(journey.name, journey.context);
  const t0 = performance.now();
  for (const step of journey.steps) {
    if (env.signal.aborted) {
      ctx.acting = EACH_CALL;
      stats.journeyAborted(
        journey.name,
        journey.context,
        step.name,
        "STOPPED",
        true,
        "run stopped",
      );
      await journey.cleanup?.(ctx).catch(() => undefined);
      return false;
    }
    try {
      ctx.acting = step.as;
      await step.run(ctx);
    } catch (error) {
      ctx.acting = EACH_CALL;
      const code = error instanceof StepError ? error.code : "HARNESS_ERROR";
      const isExpected = expected.has(code) || code === "STOPPED";
      stats.journeyAborted(
        journey.name,
        journey.context,
        step.name,
        code,
        isExpected,
        (error as Error).message,
      );
      await journey.cleanup?.(ctx).catch(() => undefined);
      return false;
    }
  }
  stats.journeyCompleted(journey.name, journey.context, performance.now() - t0);
  return true;
}

/**
 * A step that is one named GraphQL operation made as `as`: variables from the state, ids
 * captured back into it.
 */
export function op<T = Record<string, unknown>>(
  name: string,
  as: Exclude<Acting, typeof EACH_CALL>,
  query: string,
  variables: (ctx: JourneyContext) => Record<string, unknown> = () => ({}),
  capture?: (data: T, ctx: JourneyContext) => void,
  opts?: CallOptions,
): Step {
  return {
    name,
    as,
    async run(ctx) {
      const data = await ctx.gql<T>(name, query, variables(ctx), opts);
      capture?.(data, ctx);
    },
  };
}

/**
 * A step of its own making (a wait for the pipeline, a race, several calls at once), acting as
 * `as` (`EACH_CALL`: its requests name their principals).
 */
export const step = (
  name: string,
  as: Acting,
  run: (ctx: JourneyContext) => Promise<void>,
): Step => ({ name, as, run });

/** Reads a captured id (or value) the step needs, failing the step clearly when missing. */
export function need<T = string>(ctx: JourneyContext, key: string): T {
  const v = ctx.state[key];
  if (v === undefined || v === null) throw new StepError("MISSING_STATE", `no ${key} captured`);
  return v as T;
}

/**
 * Cleanup for journeys that script a held report: once the charge was made and its report held,
 * release it, so no order waits forever (a stop may come before the charge reached the
 * provider, hence the bounded wait). An order never confirmed has no charge to wait for.
 */
export async function releaseHeld(ctx: JourneyContext): Promise<void> {
  const orderId = ctx.state.orderId;
  if (typeof orderId !== "string" || !ctx.state.held) return;
  const deadline = Date.now() + ctx.env.settleTimeoutMs;
  while (Date.now() < deadline) {
    const r = await ctx.env.provider.release({ orderId });
    if ((r.body?.released?.length ?? 0) > 0) return;
    // Staff who follow every order through read it (the journey's own customer may be gone).
    const o = await ctx.env.client.request<{ order: { status: string } | null }>(
      "OrderState",
      "query OrderState($id: ID!) { order(id: $id) { status } }",
      { id: orderId },
      await ctx.tokenOf(staff("fulfilment")),
    );
    if (o.data?.order?.status !== "CONFIRMED" && o.data?.order?.status !== "PAYMENT_PENDING")
      return;
    await sleep(250);
  }
}
