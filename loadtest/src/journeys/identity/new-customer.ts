import { staff } from "../../harness/client.ts";
import { type Journey, need, op, theCustomer } from "../../harness/journey.ts";
import { registerCustomerStep } from "../steps.ts";

/**
 * New customer: the customer registers, fills in their profile and 2 addresses → a tier upgrade,
 * which only admin is given (5 events).
 */
export const newCustomer = (): Journey => ({
  name: "identity.new-customer",
  context: "identity",
  steps: [
    registerCustomerStep("nc"),
    op(
      "UpdateCustomerProfile",
      theCustomer,
      `mutation UpdateCustomerProfile($id: ID!, $input: UpdateCustomerProfileInput!) { updateCustomerProfile(id: $id, input: $input) { id version } }`,
      (c) => ({ id: need(c, "customerId"), input: { firstName: "Grace", phone: "+441134960000" } }),
    ),
    ...["HOME", "WORK"].map((label) =>
      op(
        "AddCustomerAddress",
        theCustomer,
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
      staff("admin"),
      `mutation UpgradeCustomerTier($id: ID!, $tier: CustomerTier!) { upgradeCustomerTier(id: $id, tier: $tier) { id tier } }`,
      (c) => ({ id: need(c, "customerId"), tier: "SILVER" }),
    ),
  ],
});
