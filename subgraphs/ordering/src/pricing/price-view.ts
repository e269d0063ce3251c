import { parsePayload } from "@shopstream/events";
import type { Money } from "@shopstream/money";
import type { DomainEvent } from "@shopstream/outbox";
import { z } from "zod";

/**
 * Ordering's price view, pure part: how catalogue events change it, and which price an order
 * line gets. Prices always come from here, never from the client (docs/ordering.md, "Prices").
 */

export const TIERS = ["STANDARD", "SILVER", "GOLD", "PLATINUM"] as const;
export type Tier = (typeof TIERS)[number];

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

/** The catalogue events the view follows; every other one leaves it alone. */
export const PRICE_VIEW_EVENTS = [
  "ProductVariantAdded",
  "VariantPriceChanged",
  "VariantTierPriceSet",
  "ProductCreated",
  "ProductActivated",
  "ProductDiscontinued",
  "ProductArchived",
] as const;

const money = z.object({ amount: z.number().int(), currency: z.string() });

/** Tier prices in tier order; a tier ordering does not know (yet) is left out. */
const tierPrices = z
  .array(z.object({ tier: z.string(), amount: z.number() }))
  .nullish()
  .transform((list) =>
    (list ?? [])
      .filter((t): t is TierPrice => TIERS.includes(t.tier as Tier) && Number.isInteger(t.amount))
      .sort((a, b) => TIERS.indexOf(a.tier) - TIERS.indexOf(b.tier)),
  );

const variantAdded = z.object({
  productId: z.string(),
  variantSku: z.string(),
  price: money,
  tierPrices,
  productStatus: z
    .string()
    .nullish()
    .transform((s) => s ?? "DRAFT"),
});
const priceChanged = z.object({ price: money, tierPrices });
const tierPriceSet = z.object({ tierPrices });
const productStatus = z.object({ status: z.string() });

/**
 * The change a catalogue event makes to the view; null for events that do not affect prices. A
 * malformed payload is a PermanentEventError (the event can never apply; it is dead-lettered).
 */
export function priceViewChange(event: DomainEvent): PriceViewChange | null {
  const variantId = event.aggregateId;
  const version = event.aggregateVersion;
  switch (event.type) {
    case "ProductVariantAdded": {
      const p = parsePayload(variantAdded, event);
      const { productId, variantSku, price } = p;
      return {
        kind: "variant-upsert",
        variantId,
        version,
        fields: {
          productId,
          variantSku,
          price,
          tierPrices: p.tierPrices,
          initialProductStatus: p.productStatus,
        },
      };
    }
    case "VariantPriceChanged":
      return { kind: "variant-price", variantId, version, ...parsePayload(priceChanged, event) };
    case "VariantTierPriceSet":
      return { kind: "variant-price", variantId, version, ...parsePayload(tierPriceSet, event) };
    case "ProductCreated":
    case "ProductActivated":
    case "ProductDiscontinued":
    case "ProductArchived":
      return {
        kind: "product-status",
        productId: event.aggregateId,
        version,
        ...parsePayload(productStatus, event),
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

/** Only ACTIVE products' variants can be ordered (docs/ordering.md, "Prices"). */
export const isOrderable = (variant: VariantPrice) => variant.productStatus === "ACTIVE";
