import { createHash, timingSafeEqual } from "node:crypto";
import type { Principal } from "@shopstream/auth";
import { DomainError } from "@shopstream/errors";
import {
  access,
  assignedOwner,
  type OwnedEntity,
  type Ownership,
  type Rule,
  ruleFor,
} from "@shopstream/policy";
// Types only: graphql's `isObjectType` & co. are `instanceof` checks, and @apollo/subgraph (CJS)
// and this module (ESM) may hold two instances of the graphql package. The schema is read by shape.
import type {
  GraphQLFieldResolver,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLUnionType,
} from "graphql";
import type { RequestContext } from "./http-service.ts";

/*
 * The policy table (`@shopstream/policy`) enforced inside a subgraph: the last line of defence,
 * whatever the gateway pre-checked. Every root field and every entity reference goes through
 * `access(principal, row)`; a field without a row is refused when the server is built (fail
 * closed), so a new field cannot be served before someone decided who may call it.
 *
 * Ownership conditions that name an entity by an argument are checked here, before the resolver
 * runs: another customer's entity is answered exactly as a missing one (null from a query, NOT_FOUND
 * from a mutation) and the resolver — and so any write — never runs. Conditions without an
 * argument (a customer's list of orders) narrow what the resolver returns: it asks
 * `ownershipScope`.
 */

/** Who owns one entity: its customer (null for a guest cart), and a guest cart's token hash. */
export interface Owner {
  customerId: string | null;
  /** sha256 (hex) of a guest cart's token; only carts have one. */
  guestTokenHash?: string | null;
}

/** The owners of the entities with these ids that exist (a missing id is absent from the map). */
export type OwnerLookup<TContext> = (
  ids: readonly string[],
  ctx: TContext,
) => Promise<ReadonlyMap<string, Owner>>;

/**
 * How a subgraph finds the owner of each owned entity its fields name. `Customer` needs none:
 * a customer owns the customer record whose id is their principal's `customerId`.
 */
export type OwnerLookups<TContext> = Partial<
  Record<Exclude<OwnedEntity, "Customer">, OwnerLookup<TContext>>
>;

/** Fields every subgraph has that are not rows of the table. */
const FEDERATION_FIELDS = new Set(["Query._service", "Query._entities"]);

/** The hash a guest cart keeps of its token (the token itself is only ever given to its creator). */
export const guestTokenHash = (token: string): string =>
  createHash("sha256").update(token, "utf8").digest("hex");

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The refusal of a row: signing in might help an anonymous caller; a signed-in one may not. */
export function refusal(code: "UNAUTHENTICATED" | "FORBIDDEN", coordinate: string): DomainError {
  return code === "UNAUTHENTICATED"
    ? new DomainError("UNAUTHENTICATED", `Sign in to use ${coordinate}`, { coordinate })
    : new DomainError("FORBIDDEN", `Your role may not use ${coordinate}`, { coordinate });
}

/** The value at a dot path of the arguments (`input.orderId`), or undefined. */
function valueAt(args: Record<string, unknown>, path: string): unknown {
  let value: unknown = args;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The request's cart token (`x-cart-token`, forwarded by the gateway), if any. */
const cartTokenOf = (ctx: RequestContext): string | null => ctx.cartToken ?? null;

/**
 * Whether the principal owns the entity `id` under `ownership`, or `missing` when no such entity
 * exists (the resolver then gives its own answer to a missing id).
 */
async function owns<TContext extends RequestContext>(
  ctx: TContext,
  ownership: Ownership,
  id: string,
  owners: OwnerLookups<TContext>,
): Promise<boolean | "missing"> {
  const principal = ctx.principal;
  if (ownership.entity === "Customer")
    return principal.customerId !== null && sameId(principal.customerId, id);
  const lookup = owners[ownership.entity];
  // Fail closed: a subgraph that cannot tell who owns an entity lets no customer reach it.
  if (!lookup) return false;
  const owner = (await lookup([id], ctx)).get(id);
  if (!owner) return "missing";
  return ownerIsCaller(ctx, owner, ownership.guest === true);
}

/** Whether `owner` is the caller: their customer, or (`guest`) a guest cart whose token they sent. */
function ownerIsCaller(ctx: RequestContext, owner: Owner, guest: boolean): boolean {
  const principal = ctx.principal;
  if (owner.customerId === null) {
    // A guest cart: whoever presents its token (a guest shopper, or a customer merging it).
    if (!guest || !owner.guestTokenHash) return false;
    const token = cartTokenOf(ctx);
    return token !== null && sameHash(guestTokenHash(token), owner.guestTokenHash);
  }
  return principal.customerId !== null && sameId(principal.customerId, owner.customerId);
}

/**
 * Whether the caller may see an entity already loaded (a nested field's value: `Order.cart`,
 * `Cart.mergedInto`) under the row at `coordinate` (`Entity.Cart`): let in without ownership, or
 * let in for what they own and `owner` is theirs. Resolvers answer null (or leave it out of a
 * list) when not, as for a missing one; a refused row is not thrown here.
 */
export function reaches(ctx: RequestContext, coordinate: string, owner: Owner): boolean {
  const rule = ruleFor(coordinate);
  if (!rule) throw new Error(`no policy row for ${coordinate}`);
  const decision = access(ctx.principal, rule);
  if (!decision.allowed) return false;
  if (!decision.ownership) return true;
  const guest = decision.own.some((o) => o.guest === true);
  return ownerIsCaller(ctx, owner, guest);
}

/**
 * Whether the caller may reach an entity whose owner a context learns from another's events (an
 * order, in payments and inventory), under the row at `coordinate`: staff by their role without a
 * look-up; a customer only when `loadOwner` knows it to be theirs (null: not known, nobody's).
 */
export async function mayReachOwned(
  ctx: RequestContext,
  coordinate: string,
  loadOwner: () => Promise<Owner | null>,
): Promise<boolean> {
  if (reaches(ctx, coordinate, { customerId: null })) return true;
  const owner = await loadOwner();
  return owner !== null && reaches(ctx, coordinate, { customerId: owner.customerId });
}

/**
 * What the caller may see of a list a row narrows (a condition without an argument, such as a
 * customer's `orders`): everything, or what the customer `customerId` owns (null: nothing, a
 * signed-in customer who has not registered yet).
 */
export type OwnershipScope = { all: true } | { all: false; customerId: string | null };

/** The scope of `principal` on the row at `coordinate` (the resolver of a narrowed list asks). */
export function ownershipScope(principal: Principal, coordinate: string): OwnershipScope {
  const rule = ruleFor(coordinate);
  if (!rule) throw new Error(`no policy row for ${coordinate}`);
  const decision = access(principal, rule);
  if (!decision.allowed) throw refusal(decision.code, coordinate);
  return decision.ownership ? { all: false, customerId: principal.customerId } : { all: true };
}

/**
 * Checks a row for one call: throws the refusal, or returns false when an ownership condition
 * names an entity the caller does not own (the caller then answers as for a missing one).
 */
async function permitted<TContext extends RequestContext>(
  ctx: TContext,
  coordinate: string,
  rule: Rule,
  args: Record<string, unknown>,
  owners: OwnerLookups<TContext>,
): Promise<{ ok: true } | { ok: false; entity: OwnedEntity; id: string }> {
  const decision = access(ctx.principal, rule);
  if (!decision.allowed) throw refusal(decision.code, coordinate);
  if (!decision.ownership) return { ok: true };
  for (const ownership of decision.own) {
    if (ownership.arg === undefined) continue;
    const value = valueAt(args, ownership.arg);
    if (ownership.assigns) {
      const assigned = assignedOwner(
        ctx.principal,
        ownership,
        typeof value === "string" ? value : null,
      );
      if (!assigned.ok)
        throw new DomainError(
          assigned.code,
          assigned.code === "UNAUTHENTICATED"
            ? `Sign in to use ${coordinate} for a customer`
            : `${ownership.arg} must be your own`,
          { coordinate, field: ownership.arg },
        );
      continue;
    }
    // An optional argument left out narrows instead (the resolver asks `ownershipScope`).
    if (typeof value !== "string") continue;
    const own = await owns(ctx, ownership, value, owners);
    if (own === false) return { ok: false, entity: ownership.entity, id: value };
  }
  return { ok: true };
}

type AnyResolver = GraphQLFieldResolver<unknown, RequestContext, Record<string, unknown>>;

/** The entity named in a not-found answer: a mutation's own wording for its argument's type. */
const notFound = (entity: OwnedEntity, id: string) => DomainError.notFound(entity, id);

function wrapRootField<TContext extends RequestContext>(
  type: GraphQLObjectType,
  fieldName: string,
  owners: OwnerLookups<TContext>,
): void {
  const coordinate = `${type.name}.${fieldName}`;
  const field = type.getFields()[fieldName]!;
  const rule = ruleFor(coordinate);
  if (!rule) throw new Error(`${coordinate} has no row in the policy table (@shopstream/policy)`);
  const nullable = !String(field.type).endsWith("!");
  const isSubscription = type.name === "Subscription";
  const check = async (args: Record<string, unknown>, ctx: TContext) => {
    const result = await permitted(ctx, coordinate, rule, args, owners);
    if (result.ok) return;
    // A query by id answers a missing entity with null; a mutation with NOT_FOUND.
    if (type.name === "Query" && nullable) return null;
    throw notFound(result.entity, result.id);
  };
  if (isSubscription && field.subscribe) {
    const subscribe = field.subscribe as AnyResolver;
    field.subscribe = async (source, args, ctx, info) => {
      await check(args, ctx as TContext);
      return subscribe(source, args, ctx, info);
    };
    return;
  }
  const resolve = (field.resolve ?? defaultResolve) as AnyResolver;
  field.resolve = async (source, args, ctx, info) => {
    const answer = await check(args, ctx as TContext);
    if (answer === null) return null;
    return resolve(source, args, ctx, info);
  };
}

const defaultResolve: AnyResolver = (source, _args, _ctx, info) =>
  (source as Record<string, unknown> | null)?.[info.fieldName];

/**
 * `_entities`: each representation is checked against its type's `Entity.<Type>` row. A refused
 * type is an error in that item's place; a reference to an owned entity the caller does not own
 * resolves to null, as a missing one does. The allowed representations are resolved together, in
 * one call of the original resolver, so batching (DataLoader) is unchanged.
 */
function wrapEntities<TContext extends RequestContext>(
  schema: GraphQLSchema,
  owners: OwnerLookups<TContext>,
): void {
  const query = schema.getQueryType();
  const field = query?.getFields()._entities;
  if (!field) return;
  const entityUnion = schema.getType("_Entity") as GraphQLUnionType | undefined;
  if (entityUnion && "getTypes" in entityUnion) {
    for (const member of entityUnion.getTypes()) {
      const coordinate = `Entity.${member.name}`;
      const rule = ruleFor(coordinate);
      if (!rule)
        throw new Error(`${coordinate} has no row in the policy table (@shopstream/policy)`);
    }
  }
  const resolve = field.resolve as AnyResolver;
  field.resolve = async (source, args, ctx, info) => {
    const representations = (args.representations ?? []) as Record<string, unknown>[];
    const answers: unknown[] = new Array(representations.length).fill(null);
    const allowed: number[] = [];
    await Promise.all(
      representations.map(async (representation, index) => {
        const typename = String(representation.__typename);
        const coordinate = `Entity.${typename}`;
        const rule = ruleFor(coordinate);
        if (!rule) {
          answers[index] = refusal("FORBIDDEN", coordinate);
          return;
        }
        try {
          const result = await permitted(ctx as TContext, coordinate, rule, representation, owners);
          if (result.ok) allowed.push(index);
        } catch (error) {
          answers[index] = error;
        }
      }),
    );
    if (allowed.length === 0) return answers;
    allowed.sort((a, b) => a - b);
    const resolved = (await resolve(
      source,
      { ...args, representations: allowed.map((i) => representations[i]) },
      ctx,
      info,
    )) as unknown[];
    allowed.forEach((index, position) => {
      answers[index] = resolved[position];
    });
    return answers;
  };
}

/**
 * Puts the policy table in front of every root field and entity reference of a subgraph schema
 * (in place; returns it). Throws when a field or entity type has no row. An owned entity without
 * an owner look-up fails closed: no customer reaches it (staff let in by a role still do).
 */
export function enforcePolicy<TContext extends RequestContext>(
  schema: GraphQLSchema,
  owners: OwnerLookups<TContext> = {},
): GraphQLSchema {
  for (const type of [
    schema.getQueryType(),
    schema.getMutationType(),
    schema.getSubscriptionType(),
  ]) {
    if (!type) continue;
    for (const fieldName of Object.keys(type.getFields())) {
      if (FEDERATION_FIELDS.has(`${type.name}.${fieldName}`)) continue;
      wrapRootField(type, fieldName, owners);
    }
  }
  wrapEntities(schema, owners);
  return schema;
}
