import { type Journey, need, op } from "../../harness/journey.ts";
import { customerInput, REGISTER } from "../fixture.ts";

const UPGRADE = `mutation UpgradeCustomerTier($id: ID!, $tier: CustomerTier!) { upgradeCustomerTier(id: $id, tier: $tier) { id tier } }`;

/** Tier ladder: STANDARD → SILVER → GOLD → PLATINUM. */
export const tierLadder = (): Journey => ({
  name: "identity.tier-ladder",
  context: "identity",
  steps: [
    op<{ registerCustomer: { id: string } }>(
      "RegisterCustomer",
      REGISTER,
      (c) => ({ input: customerInput(c.unique("tl")) }),
      (d, c) => {
        c.state.customerId = d.registerCustomer.id;
      },
    ),
    ...["SILVER", "GOLD", "PLATINUM"].map((tier) =>
      op("UpgradeCustomerTier", UPGRADE, (c) => ({ id: need(c, "customerId"), tier })),
    ),
  ],
});
