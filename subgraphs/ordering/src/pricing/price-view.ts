import type { DomainEvent } from "@shopstream/outbox";

/**
 * Ordering's price view, pure part: how catalogue events change it, and which price an order
 * line gets. Prices always come from here, never from the client (DOMAIN.md, "prices").
 */

export const TIERS = ["STANDARD", "SILVER", "GOLD", "PLATINUM"] as const;
export type Tier = (typeof TIERS)[number];

export interface Money {
  amount: number;
  currency: string;
}

export interface TierPrice {
  tier: Tier;
  amount: number;
}

export interface VariantPrice {
  variantId: string;
  productId: string;
  variantSku: string;
  price: Money;
  tierPrices: TierPrice[];
  productStatus: string;
}

/** A write to the view, derived from one catalogue event. */
export type PriceViewChange =
  | {
      kind: "variant-upsert";
      variantId: string;
      version: number;
      fields: {
        productId: string;
        variantSku: string;
        price: Money;
        tierPrices: TierPrice[];
        initialProductStatus: string;
      };
    }
  | {
      kind: "variant-price";
      variantId: string;
      version: number;
      price?: Money;
      tierPrices: TierPrice[];
    }
  | { kind: "product-status"; productId: string; version: number; status: string };

const asRecord = (v: unknown) =>
  typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};

function money(value: unknown, field: string): Money {
  const m = asRecord(value);
  if (!Number.isInteger(m.amount) || typeof m.currency !== "string") {
    throw new TypeError(`${field} is not { amount, currency }`);
  }
  return { amount: m.amount as number, currency: m.currency };
}

function tierPrices(value: unknown): TierPrice[] {
  if (!Array.isArray(value)) throw new TypeError("tierPrices is not a list");
  return value
    .map((t) => ({ tier: asRecord(t).tier as Tier, amount: asRecord(t).amount as number }))
    .filter((t) => TIERS.includes(t.tier) && Number.isInteger(t.amount))
    .sort((a, b) => TIERS.indexOf(a.tier) - TIERS.indexOf(b.tier));
}

/** The change a catalogue event makes to the view; null for events that do not affect prices. */
export function priceViewChange(event: DomainEvent): PriceViewChange | null {
  const p = asRecord(event.payload);
  switch (event.type) {
    case "ProductVariantAdded":
      return {
        kind: "variant-upsert",
        variantId: event.aggregateId,
        version: event.aggregateVersion,
        fields: {
          productId: String(p.productId),
          variantSku: String(p.variantSku),
          price: money(p.price, "price"),
          tierPrices: tierPrices(p.tierPrices ?? []),
          initialProductStatus: String(p.productStatus ?? "DRAFT"),
        },
      };
    case "VariantPriceChanged":
      return {
        kind: "variant-price",
        variantId: event.aggregateId,
        version: event.aggregateVersion,
        price: money(p.price, "price"),
        tierPrices: tierPrices(p.tierPrices ?? []),
      };
    case "VariantTierPriceSet":
      return {
        kind: "variant-price",
        variantId: event.aggregateId,
        version: event.aggregateVersion,
        tierPrices: tierPrices(p.tierPrices ?? []),
      };
    case "ProductCreated":
    case "ProductActivated":
    case "ProductDiscontinued":
    case "ProductArchived":
      return {
        kind: "product-status",
        productId: event.aggregateId,
        version: event.aggregateVersion,
        status: String(p.status),
      };
    default:
      return null;
  }
}

/**
 * The unit price for a customer of `tier`: the best tier price at or below the customer's tier
 * (a GOLD customer also gets a SILVER price when no GOLD price exists), else the base price.
 */
export function unitPriceFor(variant: VariantPrice, tier: Tier): Money {
  const rank = TIERS.indexOf(tier);
  const eligible = variant.tierPrices
    .filter((t) => TIERS.indexOf(t.tier) <= rank)
    .map((t) => t.amount);
  const amount = Math.min(variant.price.amount, ...eligible);
  return { amount, currency: variant.price.currency };
}

/** Only ACTIVE products' variants can be ordered (DOMAIN.md). */
export const isOrderable = (variant: VariantPrice) => variant.productStatus === "ACTIVE";
