import { need, op, type Step, step } from "../harness/journey.ts";
import { ACTIVATE, ADD_VARIANT, CREATE_PRODUCT, customerInput, REGISTER } from "./fixture.ts";
import { orderReaches } from "./orders.ts";

/**
 * Named steps the journeys compose. Many journeys open the same way (register a customer, create a
 * product, reserve stock) and then drive one aggregate through transitions that each take only its
 * id; building those from one place keeps the step and operation names — which the reports and
 * thresholds key on — identical across journeys.
 */

/** A mutation whose only variable is the id the journey captured under `key`. */
export const idOp = (name: string, query: string, key: string): Step =>
  op(name, query, (c) => ({ id: need(c, key) }));

/**
 * The transitions a journey drives one aggregate through, in order: each operation (name → its
 * mutation) takes only the id captured under `key`.
 */
export const transitionSteps = (key: string, operations: Record<string, string>): Step[] =>
  Object.entries(operations).map(([name, query]) => idOp(name, query, key));

/** Registers a customer tagged `tag`; its id goes to `state.customerId`. */
export const registerCustomerStep = (tag: string): Step =>
  op<{ registerCustomer: { id: string } }>(
    "RegisterCustomer",
    REGISTER,
    (c) => ({ input: customerInput(c.unique(tag)) }),
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
  op("AddProductVariant", ADD_VARIANT, (c) => ({
    id: need(c, "productId"),
    input: { variantSku: `${need(c, "sku")}-${suffix}`, price: { amount, currency: "EUR" } },
  }));

export const activateProductStep: Step = idOp("ActivateProduct", ACTIVATE, "productId");

/** Waits for the order in `state.orderId` to be REFUNDED (a return or a cancelled payment). */
export const awaitRefunded: Step = step("await REFUNDED", async (c) => {
  await orderReaches(c, need(c, "orderId"), ["REFUNDED"]);
});
