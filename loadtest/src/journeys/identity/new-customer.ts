import { type Journey, need, op } from "../../harness/journey.ts";
import { registerCustomerStep } from "../steps.ts";

/** New customer: register → profile → 2 addresses → tier upgrade (5 events). */
export const newCustomer = (): Journey => ({
  name: "identity.new-customer",
  context: "identity",
  steps: [
    registerCustomerStep("nc"),
    op(
      "UpdateCustomerProfile",
      `mutation UpdateCustomerProfile($id: ID!, $input: UpdateCustomerProfileInput!) { updateCustomerProfile(id: $id, input: $input) { id version } }`,
      (c) => ({ id: need(c, "customerId"), input: { firstName: "Grace", phone: "+441134960000" } }),
    ),
    ...["HOME", "WORK"].map((label) =>
      op(
        "AddCustomerAddress",
        `mutation AddCustomerAddress($id: ID!, $input: AddressInput!) { addCustomerAddress(customerId: $id, input: $input) { id } }`,
        (c) => ({
          id: need(c, "customerId"),
          input: {
            label,
            street: `${label === "HOME" ? 1 : 2} Load Lane`,
            city: "Leeds",
            postalCode: "LS1 1AA",
            country: "GB",
          },
        }),
      ),
    ),
    op(
      "UpgradeCustomerTier",
      `mutation UpgradeCustomerTier($id: ID!, $tier: CustomerTier!) { upgradeCustomerTier(id: $id, tier: $tier) { id tier } }`,
      (c) => ({ id: need(c, "customerId"), tier: "SILVER" }),
    ),
  ],
});
