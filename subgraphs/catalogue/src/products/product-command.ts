import { isRetryableTransactionError, uniqueViolationFields } from "@shopstream/db";
import { DomainError } from "@shopstream/errors";
import { appendToOutbox, type EventMetadata, toEnvelope } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import type { CatalogueDeps } from "../context.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Decision } from "../shared/decision.ts";
import { insertProduct, loadProduct, saveProduct } from "./product.repository.ts";
import type { Product, ProductEvent } from "./product.ts";

type Tx = Prisma.TransactionClient;

/** Maps a unique violation on the product table to DUPLICATE naming the input field. */
export function productDuplicate(error: unknown): DomainError | null {
  const fields = uniqueViolationFields(error);
  if (!fields) return null;
  return DomainError.duplicate("product", fields.some((f) => f.includes("slug")) ? "slug" : "sku");
}

async function inTransaction<T>(
  deps: CatalogueDeps,
  fn: (tx: Tx) => Promise<T>,
  productId = "new",
): Promise<T> {
  try {
    return await deps.prisma.$transaction(fn);
  } catch (error) {
    // A deadlock between lock-taking commands: as for a version mismatch, the caller may retry.
    if (isRetryableTransactionError(error)) throw DomainError.conflict("product", productId);
    throw productDuplicate(error) ?? error;
  }
}

/** Writes a new product and its events in one transaction. */
export async function insertNewProduct(
  deps: CatalogueDeps,
  decide: (tx: Tx, now: Date) => Promise<Decision<Product, ProductEvent>>,
  metadata: EventMetadata,
): Promise<Product> {
  const now = deps.now?.() ?? new Date();
  return inTransaction(deps, async (tx) => {
    const { state, events } = await decide(tx, now);
    await insertProduct(tx, state);
    await appendToOutbox(
      tx,
      events.map((e) => toEnvelope(e, metadata, now)),
    );
    return state;
  });
}

/**
 * One command on an existing product: load the aggregate, decide, and save state and events in one
 * transaction with an optimistic version check (a concurrent change → CONFLICT). A decision
 * without events writes nothing. `lock` takes a row lock first, for decisions that read the
 * product's variants (another aggregate) and must not miss one being added concurrently.
 */
export async function changeProduct(
  deps: CatalogueDeps,
  productId: string,
  decide: (product: Product, tx: Tx, now: Date) => Promise<Decision<Product, ProductEvent>>,
  metadata: EventMetadata,
  opts: { lock?: boolean; idField?: string } = {},
): Promise<Product> {
  assertUuid(productId, opts.idField ?? "id");
  const now = deps.now?.() ?? new Date();
  return inTransaction(
    deps,
    async (tx) => {
      const product = await loadProduct(tx, productId, opts.lock ? { lock: "update" } : {});
      if (!product) throw DomainError.notFound("Product", productId);
      const { state, events } = await decide(product, tx, now);
      if (events.length === 0) return product;
      await saveProduct(tx, product, state);
      await appendToOutbox(
        tx,
        events.map((e) => toEnvelope(e, metadata, now)),
      );
      return state;
    },
    productId,
  );
}
