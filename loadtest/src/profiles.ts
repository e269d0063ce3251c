import type { UserClass, WeightedJourney } from "./harness/runner.ts";
import { between, constant } from "./harness/time.ts";
import { catalogueBuilder } from "./journeys/catalogue/catalogue-builder.ts";
import { categoryTree } from "./journeys/catalogue/category-tree.ts";
import { productLifecycle } from "./journeys/catalogue/product-lifecycle.ts";
import { checkoutSaga } from "./journeys/cross-context/checkout-saga.ts";
import { endToEnd } from "./journeys/cross-context/end-to-end.ts";
import { accountLifecycle } from "./journeys/identity/account-lifecycle.ts";
import { newCustomer } from "./journeys/identity/new-customer.ts";
import { tierLadder } from "./journeys/identity/tier-ladder.ts";
import { damageWriteOff } from "./journeys/inventory/damage-write-off.ts";
import { reservation } from "./journeys/inventory/reservation.ts";
import { reservationRelease } from "./journeys/inventory/reservation-release.ts";
import { warehouseStock } from "./journeys/inventory/warehouse-stock.ts";
import { cancelDuringPaymentRefund } from "./journeys/ordering/cancel-during-payment.ts";
import { cartLifecycle } from "./journeys/ordering/cart-lifecycle.ts";
import { cartToCheckout } from "./journeys/ordering/cart-to-checkout.ts";
import { fullOrderLifecycle } from "./journeys/ordering/full-order-lifecycle.ts";
import { orderReturn } from "./journeys/ordering/order-return.ts";
import { invoice } from "./journeys/payments/invoice.ts";
import { paymentRefund } from "./journeys/payments/payment-refund.ts";
import { paymentRetry } from "./journeys/payments/payment-retry.ts";
import { paymentSuccess } from "./journeys/payments/payment-success.ts";
import { cancelDuringPaymentRace } from "./races/cancel-during-payment.ts";
import { concurrentModification } from "./races/concurrent-modification.ts";
import { flashSale } from "./races/flash-sale.ts";

/** The journeys of each context with their weights within it. */
export const contextJourneys: Record<string, WeightedJourney[]> = {
  identity: [
    { weight: 3, make: newCustomer },
    { weight: 1, make: accountLifecycle },
    { weight: 1, make: tierLadder },
  ],
  catalogue: [
    { weight: 3, make: catalogueBuilder },
    { weight: 1, make: productLifecycle },
    { weight: 1, make: categoryTree },
  ],
  inventory: [
    { weight: 2, make: warehouseStock },
    { weight: 2, make: reservation },
    { weight: 2, make: reservationRelease },
    { weight: 1, make: damageWriteOff },
  ],
  ordering: [
    { weight: 3, make: cartLifecycle },
    { weight: 2, make: fullOrderLifecycle },
    { weight: 2, make: cartToCheckout },
    { weight: 1, make: cancelDuringPaymentRefund },
    { weight: 1, make: orderReturn },
  ],
  payments: [
    { weight: 3, make: paymentSuccess },
    { weight: 1, make: paymentRetry },
    { weight: 1, make: paymentRefund },
    { weight: 1, make: invoice },
  ],
};

const crossContext: WeightedJourney[] = [
  { weight: 1, make: endToEnd },
  { weight: 2, make: checkoutSaga },
];

const all = (weight: number) =>
  Object.values(contextJourneys).flatMap((js) =>
    js.map((j) => ({ weight: j.weight * weight, make: j.make })),
  );

/** User classes as data: weighted journeys and the wait between them. */
export const userClasses: Record<string, UserClass> = {
  ...Object.fromEntries(
    Object.entries(contextJourneys).map(([ctx, journeys]) => [
      ctx,
      { name: ctx, wait: between(0.5, 2), journeys },
    ]),
  ),
  mixed: { name: "mixed", wait: between(0.5, 3), journeys: all(1) },
  "cross-context": { name: "cross-context", wait: between(1, 3), journeys: crossContext },
  race: {
    name: "race",
    wait: between(0.3, 1),
    journeys: [
      { weight: 1, make: flashSale({ parties: 10, units: 10, armTimeoutMs: 5_000 }) },
      { weight: 1, make: cancelDuringPaymentRace },
      { weight: 1, make: concurrentModification },
    ],
  },
  "flash-sale": {
    name: "flash-sale",
    wait: constant(0.2),
    journeys: [{ weight: 1, make: flashSale({ parties: 50, units: 10, armTimeoutMs: 10_000 }) }],
  },
  // Journeys that raise many events per request: the pipeline's breaking point.
  "event-flood": {
    name: "event-flood",
    wait: constant(0.1),
    journeys: [
      { weight: 2, make: catalogueBuilder },
      { weight: 2, make: newCustomer },
      { weight: 2, make: warehouseStock },
      { weight: 1, make: fullOrderLifecycle },
    ],
  },
  "cross-flood": { name: "cross-flood", wait: constant(0.1), journeys: crossContext },
  spike: { name: "spike", wait: constant(0.05), journeys: all(1) },
};

export interface Thresholds {
  /** Highest share of requests failing with an unexpected code. */
  maxErrorRate: number;
  /** Highest p95 over all requests, in ms. */
  maxP95Ms: number;
}

export interface Profile {
  name: string;
  users: number;
  spawnRate: number;
  durationMs: number;
  userClass: string;
  purpose: string;
  thresholds: Thresholds;
}

const min = 60_000;

/** The nine profiles. */
export const profiles: Record<string, Profile> = {
  smoke: {
    name: "smoke",
    users: 5,
    spawnRate: 1,
    durationMs: 1 * min,
    userClass: "mixed",
    purpose: "set-up works, 0 failures",
    thresholds: { maxErrorRate: 0, maxP95Ms: 3000 },
  },
  load: {
    name: "load",
    users: 50,
    spawnRate: 5,
    durationMs: 5 * min,
    userClass: "mixed",
    purpose: "normal baseline, p95",
    thresholds: { maxErrorRate: 0.01, maxP95Ms: 1500 },
  },
  "cross-domain": {
    name: "cross-domain",
    users: 30,
    spawnRate: 3,
    durationMs: 5 * min,
    userClass: "cross-context",
    purpose: "end-to-end lifecycle",
    thresholds: { maxErrorRate: 0.01, maxP95Ms: 2000 },
  },
  race: {
    name: "race",
    users: 30,
    spawnRate: 10,
    durationMs: 3 * min,
    userClass: "race",
    purpose: "the race scenarios",
    thresholds: { maxErrorRate: 0.01, maxP95Ms: 3000 },
  },
  "flash-sale": {
    name: "flash-sale",
    users: 50,
    spawnRate: 50,
    durationMs: 2 * min,
    userClass: "flash-sale",
    purpose: "concurrent reservation",
    thresholds: { maxErrorRate: 0.01, maxP95Ms: 3000 },
  },
  stress: {
    name: "stress",
    users: 200,
    spawnRate: 20,
    durationMs: 5 * min,
    userClass: "event-flood",
    purpose: "breaking point",
    thresholds: { maxErrorRate: 0.05, maxP95Ms: 5000 },
  },
  "cross-flood": {
    name: "cross-flood",
    users: 100,
    spawnRate: 10,
    durationMs: 5 * min,
    userClass: "cross-flood",
    purpose: "even pressure",
    thresholds: { maxErrorRate: 0.05, maxP95Ms: 5000 },
  },
  spike: {
    name: "spike",
    users: 100,
    spawnRate: 100,
    durationMs: 2 * min,
    userClass: "spike",
    purpose: "everyone at once",
    thresholds: { maxErrorRate: 0.05, maxP95Ms: 5000 },
  },
  endurance: {
    name: "endurance",
    users: 30,
    spawnRate: 3,
    durationMs: 30 * min,
    userClass: "mixed",
    purpose: "leaks, pool exhaustion",
    thresholds: { maxErrorRate: 0.01, maxP95Ms: 1500 },
  },
};
