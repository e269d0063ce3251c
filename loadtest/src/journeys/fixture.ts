import { customer, staff } from "../harness/client.ts";
import {
  EACH_CALL,
  type Fixture,
  type JourneyContext,
  op,
  type Step,
  step,
} from "../harness/journey.ts";

/** Units each fixture stock item starts with: enough that a user's own orders never run short. */
export const FIXTURE_UNITS = 100_000;

export const REGISTER = `mutation RegisterCustomer($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }`;
export const CREATE_PRODUCT = `mutation CreateProduct($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
export const ADD_VARIANT = `mutation AddProductVariant($id: ID!, $input: AddProductVariantInput!) { addProductVariant(productId: $id, input: $input) { id } }`;
export const ACTIVATE = `mutation ActivateProduct($id: ID!) { activateProduct(id: $id) { id status } }`;
export const CREATE_WAREHOUSE = `mutation CreateWarehouse($input: CreateWarehouseInput!) { createWarehouse(input: $input) { id } }`;
export const INIT_STOCK = `mutation InitializeStock($input: InitializeStockInput!) { initializeStock(input: $input) { id } }`;
export const RECEIVE = `mutation ReceiveStock($id: ID!, $q: Int!) { receiveStock(stockItemId: $id, quantity: $q, reference: "PO-LOAD") { id onHand } }`;

export const customerInput = (tag: string) => ({
  externalId: `ext-${tag}`,
  email: `${tag.toLowerCase()}@example.com`,
  firstName: "Load",
  lastName: "Tester",
});

export const warehouseInput = (name: string) => ({
  name,
  address: { street: "1 Main St", city: "Leeds", postalCode: "LS1 1AA", country: "GB" },
  zones: ["REGULAR"],
});

/** Catalogue work is the catalogue manager's. */
export const CATALOGUE = staff("catalogue_manager");
/** Warehouses and stock are the inventory manager's. */
export const INVENTORY = staff("inventory_manager");

/**
 * Registers a customer, as the customer themself (signed in with their `externalId`, which a
 * signed-in caller may register only as theirs); its id and `externalId`.
 */
export async function registerCustomer(
  ctx: JourneyContext,
): Promise<{ customerId: string; externalId: string }> {
  const input = customerInput(ctx.unique("lt"));
  const d = await ctx.gql<{ registerCustomer: { id: string } }>(
    "RegisterCustomer",
    REGISTER,
    { input },
    { as: customer(input.externalId) },
  );
  return { customerId: d.registerCustomer.id, externalId: input.externalId };
}

/**
 * An ACTIVE product with `variants` variants priced `amount` EUR cents, made by the catalogue
 * manager; product and variant ids.
 */
export async function activeProduct(ctx: JourneyContext, variants: number, amount = 1999) {
  const as = { as: CATALOGUE };
  const sku = ctx.unique("LT").toUpperCase();
  const p = await ctx.gql<{ createProduct: { id: string } }>(
    "CreateProduct",
    CREATE_PRODUCT,
    { input: { sku, title: `Load ${sku}` } },
    as,
  );
  const variantIds: string[] = [];
  for (let i = 0; i < variants; i++) {
    const v = await ctx.gql<{ addProductVariant: { id: string } }>(
      "AddProductVariant",
      ADD_VARIANT,
      {
        id: p.createProduct.id,
        input: { variantSku: `${sku}-V${i}`, price: { amount: amount + i * 100, currency: "EUR" } },
      },
      as,
    );
    variantIds.push(v.addProductVariant.id);
  }
  await ctx.gql("ActivateProduct", ACTIVATE, { id: p.createProduct.id }, as);
  return { productId: p.createProduct.id, variantIds };
}

/** A new warehouse, made by the inventory manager; its id. */
export async function createWarehouse(ctx: JourneyContext): Promise<string> {
  const d = await ctx.gql<{ createWarehouse: { id: string } }>(
    "CreateWarehouse",
    CREATE_WAREHOUSE,
    { input: warehouseInput(ctx.unique("wh")) },
    { as: INVENTORY },
  );
  return d.createWarehouse.id;
}

/**
 * A stock item of the variant in the warehouse holding `units`, stocked by the inventory
 * manager; its id (tracked for the invariants).
 */
export async function stockItem(
  ctx: JourneyContext,
  variantId: string,
  warehouseId: string,
  units: number,
) {
  const d = await ctx.gql<{ initializeStock: { id: string } }>(
    "InitializeStock",
    INIT_STOCK,
    { input: { variantId, warehouseId } },
    { as: INVENTORY },
  );
  const id = d.initializeStock.id;
  ctx.env.tracker.stockItems.add(id);
  if (units > 0) await ctx.gql("ReceiveStock", RECEIVE, { id, q: units }, { as: INVENTORY });
  return id;
}

/**
 * The user's own customer, product (3 variants) and stock, made once by the first journey that
 * needs them; journeys that order reuse them, so users never compete for stock by accident.
 */
export const fixtureStep: Step = step("setup", EACH_CALL, async (ctx) => {
  if (!ctx.user.fixture) {
    const { customerId, externalId } = await registerCustomer(ctx);
    const { productId, variantIds } = await activeProduct(ctx, 3);
    const warehouseId = await createWarehouse(ctx);
    const stockItemIds: string[] = [];
    for (const v of variantIds)
      stockItemIds.push(await stockItem(ctx, v, warehouseId, FIXTURE_UNITS));
    const fixture: Fixture = {
      customerId,
      externalId,
      productId,
      variantIds,
      warehouseId,
      stockItemIds,
    };
    ctx.user.fixture = fixture;
  }
  ctx.state.customerId = ctx.user.fixture.customerId;
  ctx.state.externalId = ctx.user.fixture.externalId;
});

export const fixtureOf = (ctx: JourneyContext): Fixture => {
  if (!ctx.user.fixture) throw new Error("setup did not run");
  return ctx.user.fixture;
};

export { op };
