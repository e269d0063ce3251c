import { runTransaction } from "@shopstream/commands";
import { defaultMetadata } from "@shopstream/outbox";
import { TX_OPTIONS } from "../context.ts";
import type { InventoryPrisma } from "../db.ts";
import { applyReservationAction } from "./change-reservation.ts";
import { claimExpiredReservation } from "./reservation.repository.ts";

/**
 * The scheduled expiry job: releases every ACTIVE or CONFIRMED reservation whose `expiresAt` is
 * at or before `now`, each in its own transaction with its events (reason EXPIRED). Safe to run
 * from several processes at once: each claims reservations with FOR UPDATE SKIP LOCKED, and a
 * released reservation is no longer open, so none is released twice. Returns how many this
 * call released.
 */
export async function releaseExpiredReservations(
  prisma: InventoryPrisma,
  now: Date,
): Promise<number> {
  const metadata = defaultMetadata({ actor: "inventory.release-expired-reservations" });
  let released = 0;
  for (;;) {
    const done = await runTransaction(
      prisma,
      async (tx) => {
        const id = await claimExpiredReservation(tx, now);
        if (id === null) return true;
        await applyReservationAction(tx, id, { kind: "release", reason: "EXPIRED" }, metadata, now);
        return false;
      },
      { entity: "reservation", transaction: TX_OPTIONS },
    );
    if (done) return released;
    released++;
  }
}
