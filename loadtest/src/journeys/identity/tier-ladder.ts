import { staff } from "../../harness/client.ts";
import { type Journey, need, op } from "../../harness/journey.ts";
import { registerCustomerStep } from "../steps.ts";

const UPGRADE = `mutation UpgradeCustomerTier($id: ID!, $tier: CustomerTier!) { upgradeCustomerTier(id: $id, tier: $tier) { id tier } }`;

/** Tier ladder: STANDARD → SILVER → GOLD → PLATINUM (a tier is admin's to give). */
export const tierLadder = (): Journey => ({
  name: "identity.tier-ladder",
  context: "identity",
  steps: [
    registerCustomerStep("tl"),
    ...["SILVER", "GOLD", "PLATINUM"].map((tier) =>
      op("UpgradeCustomerTier", staff("admin"), UPGRADE, (c) => ({
        id: need(c, "customerId"),
        tier,
      })),
    ),
  ],
});
