import type { Principal, Role } from "@shopstream/auth";
import type { Category } from "../categories/category.ts";
import type { ProductRecord } from "../products/product.ts";

/*
 * Who sees the whole catalogue. The catalogue manager prepares products (DRAFT) and retires them;
 * the inventory manager stocks variants before they go on sale and keeps counting them after; admin
 * sees everything. Everyone else — anonymous shoppers, customers, and the staff roles whose work
 * is orders, payments or customers (fulfilment, finance, support) — sees what is on sale: ACTIVE
 * products and active categories.
 *
 * Only the root queries and the lists under them (`Category.products`, `Category.children`) are
 * narrowed. Entity references are not: an order line for a discontinued product, or a stock item
 * of a draft one, must still show its product, and the reference names a product the caller
 * already reached through something they may read.
 */
const CATALOGUE_ROLES: readonly Role[] = ["catalogue_manager", "inventory_manager", "admin"];

/** Whether the principal sees every product and category, whatever its status. */
export const seesWholeCatalogue = (principal: Principal): boolean =>
  principal.roles.some((role) => CATALOGUE_ROLES.includes(role));

/** The one product status a caller without a catalogue role sees. */
export const PUBLIC_PRODUCT_STATUS = "ACTIVE" as const;

/** The product if the principal may see it, else null (as for a missing product). */
export const visibleProduct = (
  principal: Principal,
  product: ProductRecord | null | undefined,
): ProductRecord | null =>
  product && (seesWholeCatalogue(principal) || product.status === PUBLIC_PRODUCT_STATUS)
    ? product
    : null;

/** The category if the principal may see it, else null (as for a missing category). */
export const visibleCategory = (
  principal: Principal,
  category: Category | null | undefined,
): Category | null =>
  category && (seesWholeCatalogue(principal) || category.active) ? category : null;
