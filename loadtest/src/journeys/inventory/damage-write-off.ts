import { type Journey, op } from "../../harness/journey.ts";
import { fixtureOf, fixtureStep, INVENTORY } from "../fixture.ts";

/** Damage write-off: mark damaged → write off. */
export const damageWriteOff = (): Journey => ({
  name: "inventory.damage-write-off",
  context: "inventory",
  steps: [
    fixtureStep,
    op(
      "MarkStockDamaged",
      INVENTORY,
      `mutation MarkStockDamaged($id: ID!) { markStockDamaged(stockItemId: $id, quantity: 1, reason: "dropped") { id damaged } }`,
      (c) => ({ id: fixtureOf(c).stockItemIds[0] }),
    ),
    op(
      "WriteOffDamagedStock",
      INVENTORY,
      `mutation WriteOffDamagedStock($id: ID!) { writeOffDamagedStock(stockItemId: $id, quantity: 1, reason: "scrapped") { id damaged } }`,
      (c) => ({ id: fixtureOf(c).stockItemIds[0] }),
    ),
  ],
});
