import type { Audience, Ownership, Rule } from "./access.ts";

/*
 * The policy table: a row for every root field of the supergraph's Query, Mutation and
 * Subscription, and one per `@key` entity type (`Entity.<Type>`: resolving a reference to it from
 * another subgraph). Admin may use every row but the internal (`service`-only) ones and is never
 * listed. docs/security.md explains the roles; the test (`policy.test.ts`) fails when a root
 * field or `@key` type has no row, or a row names something the supergraph does not have.
 *
 * Ownership (`own`) binds callers let in as `customer` or `anyone` only: staff let in by a role
 * are not bound by it. Where the design left a choice open, the comment beside the row says what
 * was decided and why (docs/security.md, "Decisions", lists them too).
 */

// ---- audiences, by context and kind of access --------------------------------------------------

/** Identity read: staff who look customers up. */
const IDENTITY_READ = ["fulfilment", "finance", "support"] as const satisfies Audience[];
/** Catalogue writes. */
const CATALOGUE_WRITE = ["catalogue_manager"] as const satisfies Audience[];
/** Ordering reads (customers: their own). */
const ORDERING_READ = [
  "inventory_manager",
  "fulfilment",
  "finance",
  "support",
] as const satisfies Audience[];
/** Inventory reads (stock levels, warehouses, reservations). */
const INVENTORY_READ = [
  "catalogue_manager",
  "inventory_manager",
  "fulfilment",
] as const satisfies Audience[];
/** Inventory writes other than reservation commands. */
const INVENTORY_WRITE = ["inventory_manager"] as const satisfies Audience[];
/** Payments reads (customers: their own). */
const PAYMENTS_READ = ["fulfilment", "finance", "support"] as const satisfies Audience[];
/** Payments writes. */
const PAYMENTS_WRITE = ["finance"] as const satisfies Audience[];

// ---- ownership conditions ----------------------------------------------------------------------

const owns = (entity: Ownership["entity"], arg?: string): Ownership =>
  arg === undefined ? { entity } : { entity, arg };
/** A cart named by `arg`: the owner's, or a guest cart reached with its cart token. */
const cart = (arg: string): Ownership => ({ entity: "Cart", arg, guest: true });

/** Anyone may: public reads. */
const PUBLIC: Rule = { allow: ["anyone"] };
/** Only admin (no other role is given this by the design). */
const ADMIN_ONLY: Rule = { allow: [] };

const catalogueRead = PUBLIC;
const catalogueWrite: Rule = { allow: CATALOGUE_WRITE };
const inventoryRead: Rule = { allow: INVENTORY_READ };
const inventoryWrite: Rule = { allow: INVENTORY_WRITE };
/**
 * Reservation commands: the order flow holds, confirms, commits and releases stock through
 * events, not through these fields; the design excludes them from the inventory manager, so they
 * are manual overrides for admin only.
 */
const reservationCommand = ADMIN_ONLY;

export const POLICY: Readonly<Record<string, Rule>> = Object.freeze({
  // ---- Query ---------------------------------------------------------------------------------
  // Catalogue reads are public. Which products an anonymous or customer caller sees (ACTIVE
  // only) is the catalogue subgraph's filter, not a row: the row only says who may ask.
  "Query.product": catalogueRead,
  "Query.productBySku": catalogueRead,
  "Query.productVariant": catalogueRead,
  "Query.category": catalogueRead,
  "Query.products": catalogueRead,
  "Query.categories": catalogueRead,

  "Query.customer": { allow: ["customer", ...IDENTITY_READ], own: owns("Customer", "id") },
  // Listing customers is staff work: a customer reaches their own record by id.
  "Query.customers": { allow: IDENTITY_READ },

  "Query.warehouse": inventoryRead,
  "Query.stockItem": inventoryRead,
  "Query.reservation": inventoryRead,
  "Query.warehouses": inventoryRead,
  "Query.lowStockItems": inventoryRead,

  "Query.order": { allow: ["customer", ...ORDERING_READ], own: owns("Order", "id") },
  // A customer's list is narrowed to their own orders; a `filter.customerId` naming another
  // customer answers what an unknown customer's does (an empty list).
  "Query.orders": { allow: ["customer", ...ORDERING_READ], own: owns("Order") },
  "Query.cart": { allow: ["anyone", ...ORDERING_READ], own: cart("id") },

  "Query.payment": { allow: ["customer", ...PAYMENTS_READ], own: owns("Payment", "id") },
  "Query.invoice": { allow: ["customer", ...PAYMENTS_READ], own: owns("Invoice", "id") },

  // Internal (`@inaccessible`, never in the public API): how the gateway turns a token's subject
  // into the principal's customer id. Only the service principal may call it. Added to identity
  // by another change; the completeness test tolerates its absence until it is composed.
  "Query._customerIdByExternalId": { allow: ["service"] },

  // ---- Mutation: catalogue (catalogue manager) -----------------------------------------------
  "Mutation.createProduct": catalogueWrite,
  "Mutation.updateProductDetails": catalogueWrite,
  "Mutation.addProductVariant": catalogueWrite,
  "Mutation.changeVariantPrice": catalogueWrite,
  "Mutation.setVariantTierPrice": catalogueWrite,
  "Mutation.addProductImage": catalogueWrite,
  "Mutation.removeProductImage": catalogueWrite,
  "Mutation.activateProduct": catalogueWrite,
  "Mutation.discontinueProduct": catalogueWrite,
  "Mutation.archiveProduct": catalogueWrite,
  "Mutation.createCategory": catalogueWrite,
  "Mutation.updateCategory": catalogueWrite,
  "Mutation.reorderCategory": catalogueWrite,
  "Mutation.deactivateCategory": catalogueWrite,

  // ---- Mutation: identity --------------------------------------------------------------------
  // Anyone may register (the design's anonymous "register"); a signed-in caller registers only
  // themselves (`externalId` = the token's subject, FORBIDDEN otherwise); support registers on a
  // customer's behalf. An anonymous caller's `externalId` is not checked: the design keeps
  // anonymous registration, so phase 2 may tighten it if squatting a subject becomes a concern.
  "Mutation.registerCustomer": {
    allow: ["anyone", "support"],
    own: { entity: "Customer", arg: "input.externalId", assigns: "sub" },
  },
  "Mutation.updateCustomerProfile": { allow: ["customer", "support"], own: owns("Customer", "id") },
  // Support's "profile" is the profile (name, phone, date of birth) only: addresses stay the
  // customer's own, since a changed shipping address is how an account takeover pays off.
  "Mutation.addCustomerAddress": { allow: ["customer"], own: owns("Customer", "customerId") },
  "Mutation.updateCustomerAddress": { allow: ["customer"], own: owns("Customer", "customerId") },
  "Mutation.removeCustomerAddress": { allow: ["customer"], own: owns("Customer", "customerId") },
  "Mutation.setDefaultCustomerAddress": {
    allow: ["customer"],
    own: owns("Customer", "customerId"),
  },
  "Mutation.suspendCustomer": { allow: ["support"] },
  "Mutation.reactivateCustomer": { allow: ["support"] },
  // "Own customer": a customer may close their own account (and only it). No staff role is given
  // closing by the design, so for staff it is admin's.
  "Mutation.closeCustomer": { allow: ["customer"], own: owns("Customer", "id") },
  // A tier sets the prices a customer pays: no role but admin is given it by the design.
  "Mutation.upgradeCustomerTier": ADMIN_ONLY,

  // ---- Mutation: inventory (inventory manager, but not reservation commands) -----------------
  "Mutation.createWarehouse": inventoryWrite,
  "Mutation.updateWarehouse": inventoryWrite,
  "Mutation.addWarehouseZone": inventoryWrite,
  "Mutation.removeWarehouseZone": inventoryWrite,
  "Mutation.deactivateWarehouse": inventoryWrite,
  "Mutation.initializeStock": inventoryWrite,
  "Mutation.receiveStock": inventoryWrite,
  "Mutation.adjustStock": inventoryWrite,
  "Mutation.recordStockCheck": inventoryWrite,
  "Mutation.markStockDamaged": inventoryWrite,
  "Mutation.writeOffDamagedStock": inventoryWrite,
  "Mutation.returnStock": inventoryWrite,
  "Mutation.reserveStock": reservationCommand,
  "Mutation.releaseReservation": reservationCommand,
  "Mutation.confirmReservation": reservationCommand,
  "Mutation.commitReservation": reservationCommand,

  // ---- Mutation: ordering --------------------------------------------------------------------
  // Carts: customers their own, anonymous shoppers a guest cart with its cart token. A cart is
  // created for the principal's own customer, or as a guest cart when `customerId` is omitted.
  "Mutation.createCart": {
    allow: ["anyone"],
    own: { entity: "Customer", arg: "input.customerId", assigns: "customerId" },
  },
  "Mutation.addCartItem": { allow: ["anyone"], own: cart("cartId") },
  "Mutation.updateCartItemQuantity": { allow: ["anyone"], own: cart("cartId") },
  "Mutation.removeCartItem": { allow: ["anyone"], own: cart("cartId") },
  "Mutation.applyCartCoupon": { allow: ["anyone"], own: cart("cartId") },
  "Mutation.abandonCart": { allow: ["anyone"], own: cart("id") },
  // Merging needs a signed-in customer: the guest cart (by its token) into their own cart.
  "Mutation.mergeCarts": {
    allow: ["customer"],
    own: [cart("guestCartId"), owns("Cart", "customerCartId")],
  },
  // An order needs a customer: a guest signs in and merges the cart before checking out.
  "Mutation.checkoutCart": { allow: ["customer"], own: owns("Cart", "cartId") },
  "Mutation.placeOrder": {
    allow: ["customer"],
    own: { entity: "Customer", arg: "input.customerId", assigns: "customerId" },
  },
  // Editing an order: the customer's own ("place/edit/cancel own orders"); no staff role is
  // given edits by the design.
  "Mutation.addOrderItem": { allow: ["customer"], own: owns("Order", "orderId") },
  "Mutation.removeOrderItem": { allow: ["customer"], own: owns("Order", "orderId") },
  "Mutation.updateOrderItemQuantity": { allow: ["customer"], own: owns("Order", "orderId") },
  "Mutation.applyOrderCoupon": { allow: ["customer"], own: owns("Order", "orderId") },
  // Fulfilment's "confirm, ship, deliver, complete"; processing is the step between confirming
  // and shipping, so it is fulfilment's too.
  "Mutation.confirmOrder": { allow: ["fulfilment"] },
  "Mutation.markOrderProcessing": { allow: ["fulfilment"] },
  "Mutation.recordOrderShipment": { allow: ["fulfilment"] },
  "Mutation.recordOrderDelivery": { allow: ["fulfilment"] },
  "Mutation.completeOrder": { allow: ["fulfilment"] },
  // Returns: the customer requests one for their own order, support requests on their behalf,
  // fulfilment handles returns end to end (approves and records the returned goods).
  "Mutation.requestOrderReturn": {
    allow: ["customer", "fulfilment", "support"],
    own: owns("Order", "id"),
  },
  "Mutation.approveOrderReturn": { allow: ["fulfilment"] },
  "Mutation.recordOrderReturn": { allow: ["fulfilment"] },
  "Mutation.cancelOrder": {
    allow: ["customer", "fulfilment", "support"],
    own: owns("Order", "id"),
  },

  // ---- Mutation: payments (finance; customers pay and retry their own) -----------------------
  // "Own payments": a customer may start a payment for their own order.
  "Mutation.initiatePayment": {
    allow: ["customer", ...PAYMENTS_WRITE],
    own: owns("Order", "input.orderId"),
  },
  "Mutation.retryPayment": { allow: ["customer", ...PAYMENTS_WRITE], own: owns("Payment", "id") },
  "Mutation.requestRefund": { allow: PAYMENTS_WRITE },
  "Mutation.generateInvoice": { allow: PAYMENTS_WRITE },
  "Mutation.issueInvoice": { allow: PAYMENTS_WRITE },
  "Mutation.voidInvoice": { allow: PAYMENTS_WRITE },

  // ---- Subscription --------------------------------------------------------------------------
  // Live stock: the inventory manager and fulfilment ("both").
  "Subscription.stockLevelChanged": { allow: ["inventory_manager", "fulfilment"] },
  // Live orders: a customer only their own (also without arguments: every event is filtered per
  // subscriber); naming another's order or customer is answered as an unknown one.
  "Subscription.orderStatusChanged": {
    allow: ["customer", "fulfilment", "finance", "support"],
    own: [owns("Order", "orderId"), owns("Customer", "customerId")],
  },

  // ---- Entity references (`_entities`) -------------------------------------------------------
  // Who may have a reference resolved: whoever may read that type through a root field. Owned
  // types carry the same ownership as their root query (the reference's `id`).
  "Entity.Customer": { allow: ["customer", ...IDENTITY_READ], own: owns("Customer", "id") },
  "Entity.Cart": { allow: ["anyone", ...ORDERING_READ], own: cart("id") },
  "Entity.Order": { allow: ["customer", ...ORDERING_READ], own: owns("Order", "id") },
  "Entity.Payment": { allow: ["customer", ...PAYMENTS_READ], own: owns("Payment", "id") },
  "Entity.Invoice": { allow: ["customer", ...PAYMENTS_READ], own: owns("Invoice", "id") },
  "Entity.Product": catalogueRead,
  "Entity.Category": catalogueRead,
  // Public: the catalogue resolves variants for order lines and stock items, and inventory
  // resolves `ProductVariant.availability`, which anyone may read ("availability").
  "Entity.ProductVariant": PUBLIC,
  "Entity.StockItem": inventoryRead,
  "Entity.Warehouse": inventoryRead,
  "Entity.Reservation": inventoryRead,
} satisfies Record<string, Rule>);

/** The row for a coordinate (`Query.order`, `Entity.Order`), or undefined when there is none. */
export function ruleFor(coordinate: string): Rule | undefined {
  return Object.hasOwn(POLICY, coordinate) ? POLICY[coordinate] : undefined;
}
