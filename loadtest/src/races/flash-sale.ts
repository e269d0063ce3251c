import { Barrier } from "../harness/barrier.ts";
import {
  EACH_CALL,
  type FlashRound,
  type Journey,
  type JourneyContext,
  type RunEnv,
  StepError,
  step,
  tally,
} from "../harness/journey.ts";
import { activeProduct, createWarehouse, stockItem } from "../journeys/fixture.ts";
import { ADMIN, RESERVE } from "../journeys/inventory/reservation.ts";

export interface FlashSaleOptions {
  /** Buyers armed per round (capped by the users of the run). */
  parties: number;
  /** Units the round's stock item holds. */
  units: number;
  /** A round that does not fill within this is released with whoever came. */
  armTimeoutMs: number;
}

interface Round {
  record: FlashRound;
  setup: Promise<{ stockItemId: string }>;
}

/**
 * Flash sale: buyers arm at the barrier and, released together, reserve 1–3 units each of one
 * stock item holding `units`. The first buyer of a round builds the item; everyone in the round
 * waits for it and for the barrier. INSUFFICIENT_STOCK is the expected refusal.
 */
export const flashSale =
  (options: FlashSaleOptions) =>
  (env: RunEnv): Journey => {
    let current: Round | undefined;
    const barrier = new Barrier(
      Math.max(1, Math.min(options.parties, env.users)),
      options.armTimeoutMs,
      env.signal,
      () => {
        current = undefined;
      },
    );

    const newRound = (ctx: JourneyContext): Round => {
      const record: FlashRound = {
        stockItemId: "",
        units: options.units,
        granted: [],
        refused: [],
      };
      const setup = (async () => {
        const { variantIds } = await activeProduct(ctx, 1, 4999);
        const wh = await createWarehouse(ctx);
        const stockItemId = await stockItem(ctx, variantIds[0]!, wh, options.units);
        record.stockItemId = stockItemId;
        env.tracker.flashRounds.push(record);
        return { stockItemId };
      })();
      setup.catch(() => undefined);
      return { record, setup };
    };

    return {
      name: "race.flash-sale",
      context: "inventory",
      expected: ["INSUFFICIENT_STOCK"],
      steps: [
        step("arm", EACH_CALL, async (ctx) => {
          const round = current ?? newRound(ctx);
          current = round;
          const released = barrier.wait();
          ctx.state.round = round;
          const { stockItemId } = await round.setup;
          const r = await released;
          ctx.state.stockItemId = stockItemId;
          ctx.state.parties = r.parties;
        }),
        // Reservation commands are admin only (see reservation.ts).
        step("ReserveStock", ADMIN, async (ctx) => {
          const round = ctx.state.round as Round;
          const quantity = 1 + Math.floor(ctx.random() * 3);
          const r = await ctx.attempt<{ reserveStock: { id: string } }>("ReserveStock", RESERVE, {
            input: { stockItemId: ctx.state.stockItemId, quantity, ttlSeconds: 3600 },
          });
          if (!r.code) {
            round.record.granted.push(quantity);
            tally(env.tracker, "flash sale", "reserved");
            return;
          }
          if (r.code === "INSUFFICIENT_STOCK") {
            round.record.refused.push(quantity);
            tally(env.tracker, "flash sale", "INSUFFICIENT_STOCK");
          }
          throw new StepError(r.code, r.errors?.[0]?.message ?? r.code);
        }),
      ],
    };
  };
