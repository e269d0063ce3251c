import type { Decision } from "@shopstream/commands";
import { DomainError, type FieldError } from "@shopstream/errors";
import { isCurrency, type Money } from "@shopstream/money";
import {
  attributesProblem,
  collect,
  intProblem,
  type Problem,
  throwIfAny,
} from "@shopstream/rules";
import { type Attributes, assertEditable, type ProductStatus } from "../products/product.ts";
import { type CatalogueEvent, decisionsOf, nextVersion, unchanged } from "../shared/decision.ts";
import { skuProblem } from "../shared/rules.ts";

/**
 * Pure domain for the ProductVariant aggregate (its own aggregate with its own version): price,
 * tier prices strictly below it, weight and dimensions.
 */

/** Customer tiers that can have their own price, lowest first; STANDARD pays the base price. */
export const PRICE_TIERS = ["SILVER", "GOLD", "PLATINUM"] as const;
export type PriceTier = (typeof PRICE_TIERS)[number];

export interface TierPrice {
  tier: PriceTier;
  /** Minor units of the variant's currency. */
  amount: number;
}

export interface Dimensions {
  lengthMm: number;
  widthMm: number;
  heightMm: number;
}

export interface ProductVariant {
  id: string;
  productId: string;
  variantSku: string;
  attributes: Attributes;
  price: Money;
  /** Sorted by tier (SILVER, GOLD, PLATINUM); at most one per tier. */
  tierPrices: TierPrice[];
  weightGrams: number | null;
  dimensions: Dimensions | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface AddProductVariantCommand {
  variantSku: string;
  attributes?: Attributes | null;
  price: Money;
  tierPrices?: TierPrice[] | null;
  weightGrams?: number | null;
  dimensions?: Dimensions | null;
}

/** The parent product's facts a variant decision needs. */
export interface ParentProduct {
  id: string;
  status: ProductStatus;
}

export type VariantEvent = CatalogueEvent;
export type VariantDecision = Decision<ProductVariant, VariantEvent>;

/** Prices are whole minor units from 1 to PostgreSQL's `integer` maximum. */
const priceAmountProblem = (amount: number) => intProblem(amount, { min: 1 });

/** Sorted by tier rank, one entry per tier. */
export function sortTierPrices(prices: TierPrice[]): TierPrice[] {
  return [...prices].sort((a, b) => PRICE_TIERS.indexOf(a.tier) - PRICE_TIERS.indexOf(b.tier));
}

/** Per-field problems of a money input: `<prefix>.amount`, `<prefix>.currency`. */
export function moneyProblems(money: Money | null | undefined, prefix: string): FieldError[] {
  if (!money) return [{ field: prefix, message: "is required" }];
  return collect([
    [`${prefix}.amount`, priceAmountProblem(money.amount)],
    [
      `${prefix}.currency`,
      isCurrency(money.currency) ? null : `${money.currency} is not an ISO 4217 currency code`,
    ],
  ]);
}

/** Problems of one tier amount against the base price; null when valid. */
export function tierAmountProblem(amount: number, base: Money): Problem {
  const range = priceAmountProblem(amount);
  if (range) return range;
  if (amount >= base.amount) return `must be below the base price (${base.amount})`;
  return null;
}

const variantDecision = decisionsOf("ProductVariant");

/** Decides a new variant of `product` (which must not be ARCHIVED). */
export function addProductVariant(
  product: ParentProduct,
  command: AddProductVariantCommand,
  variantId: string,
  now: Date,
): VariantDecision {
  assertEditable(product, "add a variant to");
  const variantSku = command.variantSku?.trim() ?? "";
  const problems = [
    ...collect([
      ["variantSku", skuProblem(variantSku)],
      ["attributes", attributesProblem(command.attributes)],
    ]),
    ...moneyProblems(command.price, "price"),
  ];
  const tiers = command.tierPrices ?? [];
  const seen = new Set<PriceTier>();
  tiers.forEach((tp, i) => {
    if (seen.has(tp.tier))
      problems.push({ field: `tierPrices[${i}].tier`, message: `${tp.tier} is given twice` });
    seen.add(tp.tier);
    const problem = command.price ? tierAmountProblem(tp.amount, command.price) : null;
    if (problem) problems.push({ field: `tierPrices[${i}].amount`, message: problem });
  });
  problems.push(...physicalProblems(command));
  throwIfAny(problems);

  const at = now.toISOString();
  const variant: ProductVariant = {
    id: variantId,
    productId: product.id,
    variantSku,
    attributes: command.attributes ?? {},
    price: { amount: command.price.amount, currency: command.price.currency },
    tierPrices: sortTierPrices(tiers.map((t) => ({ tier: t.tier, amount: t.amount }))),
    weightGrams: command.weightGrams ?? null,
    dimensions: command.dimensions
      ? {
          lengthMm: command.dimensions.lengthMm,
          widthMm: command.dimensions.widthMm,
          heightMm: command.dimensions.heightMm,
        }
      : null,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  return variantDecision(variant, "ProductVariantAdded", {
    variantId: variant.id,
    productId: variant.productId,
    variantSku: variant.variantSku,
    price: variant.price,
    tierPrices: variant.tierPrices,
    productStatus: product.status,
  });
}

function physicalProblems(command: AddProductVariantCommand): FieldError[] {
  const d = command.dimensions;
  return collect([
    ["weightGrams", intProblem(command.weightGrams, { min: 1, max: 100_000_000 })],
    ["dimensions.lengthMm", d ? intProblem(d.lengthMm, { min: 1, max: 100_000 }) : null],
    ["dimensions.widthMm", d ? intProblem(d.widthMm, { min: 1, max: 100_000 }) : null],
    ["dimensions.heightMm", d ? intProblem(d.heightMm, { min: 1, max: 100_000 }) : null],
  ]);
}

/**
 * Decides a base price change. Tier prices are kept; a new price at or below any of them is
 * rejected (VALIDATION_FAILED naming `price.amount`), as is a currency change while tier prices
 * exist. An unchanged price changes nothing.
 */
export function changeVariantPrice(
  variant: ProductVariant,
  product: ParentProduct,
  price: Money,
  now: Date,
): VariantDecision {
  assertEditable(product, "change a variant price of");
  throwIfAny(moneyProblems(price, "price"));
  if (price.currency !== variant.price.currency && variant.tierPrices.length > 0) {
    throw DomainError.validation([
      { field: "price.currency", message: "cannot change while the variant has tier prices" },
    ]);
  }
  const blocking = variant.tierPrices.filter((tp) => tp.amount >= price.amount);
  if (blocking.length > 0) {
    throw DomainError.validation([
      {
        field: "price.amount",
        message: `must stay above the tier prices (${blocking.map((b) => `${b.tier} ${b.amount}`).join(", ")})`,
      },
    ]);
  }
  if (price.amount === variant.price.amount && price.currency === variant.price.currency)
    return unchanged(variant);
  const state = nextVersion(
    variant,
    { price: { amount: price.amount, currency: price.currency } },
    now,
  );
  return variantDecision(state, "VariantPriceChanged", {
    variantId: variant.id,
    productId: variant.productId,
    previousPrice: variant.price,
    price: state.price,
    tierPrices: state.tierPrices,
  });
}

/** Sets (or, with `amount` null, removes) one tier's price. A no-op changes nothing. */
export function setVariantTierPrice(
  variant: ProductVariant,
  product: ParentProduct,
  tier: PriceTier,
  amount: number | null,
  now: Date,
): VariantDecision {
  assertEditable(product, "set a tier price of");
  throwIfAny(
    collect([
      ["tier", PRICE_TIERS.includes(tier) ? null : "must be SILVER, GOLD or PLATINUM"],
      ["amount", amount === null ? null : tierAmountProblem(amount, variant.price)],
    ]),
  );
  const previousAmount = variant.tierPrices.find((tp) => tp.tier === tier)?.amount ?? null;
  if (previousAmount === amount) return unchanged(variant);
  const others = variant.tierPrices.filter((tp) => tp.tier !== tier);
  const tierPrices = sortTierPrices(amount === null ? others : [...others, { tier, amount }]);
  const state = nextVersion(variant, { tierPrices }, now);
  return variantDecision(state, "VariantTierPriceSet", {
    variantId: variant.id,
    productId: variant.productId,
    tier,
    previousAmount,
    amount,
    currency: variant.price.currency,
    tierPrices: state.tierPrices,
  });
}
