import { type Acting, need, op, type Step, step, theCustomer } from "../harness/journey.ts";
import {
  ACTIVATE,
  ADD_VARIANT,
  CATALOGUE,
  CREATE_PRODUCT,
  customerInput,
  REGISTER,
} from "./fixture.ts";
import { orderReaches } from "./orders.ts";

/**
 * Named steps the journeys compose. Many journeys open the same way (register a customer, create a
 * product, reserve stock) and then drive one aggregate through transitions that each take only its
 * id; building those from one place keeps the step and operation names — which the reports and
 * thresholds key on — identical across journeys.
 */

/** A mutation made as `as` whose only variable is the id the journey captured under `key`. */
export const idOp = (
  name: string,
  as: Exclude<Acting, "each call">,
  query: string,
  key: string,
): Step => op(name, as, query, (c) => ({ id: need(c, key) }));

/**
 * The transitions a journey drives one aggregate through, in order, each made as `as`: each
 * operation (name → its mutation) takes only the id captured under `key`.
 */
export const transitionSteps = (
  key: string,
  as: Exclude<Acting, "each call">,
  operations: Record<string, string>,
): Step[] => Object.entries(operations).map(([name, query]) => idOp(name, as, query, key));

/**
 * Registers a customer tagged `tag`, as the customer themself (a signed-in caller registers only
 * their own subject); its id goes to `state.customerId`, its `externalId` to `state.externalId`.
 */
export const registerCustomerStep = (tag: string): Step =>
  op<{ registerCustomer: { id: string } }>(
    "RegisterCustomer",
    theCustomer,
    REGISTER,
    (c) => {
      const input = customerInput(c.unique(tag));
      c.state.externalId = input.externalId;
      return { input };
    },
    (d, c) => {
      c.state.customerId = d.registerCustomer.id;
    },
  );

/**
 * Creates a DRAFT product with a fresh SKU tagged `tag` (kept in `state.sku`, which variants and
 * images derive theirs from); `input` adds the journey's own fields. Its id goes to
 * `state.productId`.
 */
export const createProductStep = (
  tag: string,
  input: (sku: string) => Record<string, unknown>,
): Step =>
  op<{ createProduct: { id: string } }>(
    "CreateProduct",
    CATALOGUE,
    CREATE_PRODUCT,
    (c) => {
      const sku = c.unique(tag).toUpperCase();
      c.state.sku = sku;
      return { input: { sku, ...input(sku) } };
    },
    (d, c) => {
      c.state.productId = d.createProduct.id;
    },
  );

/** Adds a variant to `state.productId`, its SKU `<sku>-<suffix>`, priced `amount` EUR cents. */
export const addVariantStep = (suffix: string, amount: number): Step =>
  op("AddProductVariant", CATALOGUE, ADD_VARIANT, (c) => ({
    id: need(c, "productId"),
    input: { variantSku: `${need(c, "sku")}-${suffix}`, price: { amount, currency: "EUR" } },
  }));

export const activateProductStep: Step = idOp("ActivateProduct", CATALOGUE, ACTIVATE, "productId");

/**
 * Waits for the order in `state.orderId` to be REFUNDED (a return or a cancelled payment),
 * watched by its customer.
 */
export const awaitRefunded: Step = step("await REFUNDED", theCustomer, async (c) => {
  await orderReaches(c, need(c, "orderId"), ["REFUNDED"]);
});
