import { readFileSync } from "node:fs";
import { STAFF_ROLES } from "@shopstream/auth";
import {
  type DocumentNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  Kind,
  parse,
  type TypeNode,
} from "graphql";
import { describe, expect, it } from "vitest";
import { type Audience, isInternal, ownershipsOf, type Rule } from "./access.ts";
import { POLICY, ruleFor } from "./table.ts";

/** The row for a coordinate; a test asking for a missing one fails right there. */
function row(coordinate: string): Rule {
  const rule = ruleFor(coordinate);
  if (!rule) throw new Error(`no row for ${coordinate}`);
  return rule;
}

// The committed supergraph (schema/supergraph.graphql). It carries federation's join__ and
// link__ directives, so the SDL is walked as an AST rather than built into a schema.
const supergraph: DocumentNode = parse(
  readFileSync(new URL("../../../schema/supergraph.graphql", import.meta.url), "utf8"),
);

const ROOTS = ["Query", "Mutation", "Subscription"] as const;

/**
 * Internal rows for fields another change is adding (and composing into the supergraph): their
 * row may be here before the field is. Only service-only rows may be listed.
 */
const AWAITING_COMPOSITION = new Set(["Query._customerIdByExternalId"]);

interface Walk {
  roots: Map<string, FieldDefinitionNode>;
  entities: Set<string>;
  inputs: Map<string, readonly InputValueDefinitionNode[]>;
}

function walk(document: DocumentNode): Walk {
  const roots = new Map<string, FieldDefinitionNode>();
  const entities = new Set<string>();
  const inputs = new Map<string, readonly InputValueDefinitionNode[]>();
  for (const definition of document.definitions) {
    if (
      definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.OBJECT_TYPE_EXTENSION
    ) {
      const name = definition.name.value;
      if ((ROOTS as readonly string[]).includes(name))
        for (const field of definition.fields ?? [])
          roots.set(`${name}.${field.name.value}`, field);
      const keyed = (definition.directives ?? []).some(
        (directive) =>
          directive.name.value === "join__type" &&
          (directive.arguments ?? []).some((argument) => argument.name.value === "key"),
      );
      if (keyed) entities.add(name);
    }
    if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION)
      inputs.set(definition.name.value, definition.fields ?? []);
  }
  return { roots, entities, inputs };
}

const named = (type: TypeNode): string =>
  type.kind === Kind.NAMED_TYPE ? type.name.value : named(type.type);

const isInaccessible = (field: FieldDefinitionNode): boolean =>
  (field.directives ?? []).some((directive) => directive.name.value === "inaccessible");

/** Whether the dot path `arg` (`id`, `input.orderId`) names an argument of `field`. */
function hasArgument(schema: Walk, field: FieldDefinitionNode, arg: string): boolean {
  const [first, ...rest] = arg.split(".");
  let current = (field.arguments ?? []).find((argument) => argument.name.value === first);
  for (const part of rest) {
    if (!current) return false;
    current = schema.inputs.get(named(current.type))?.find((f) => f.name.value === part);
  }
  return current !== undefined;
}

const schema = walk(supergraph);
const coordinates = Object.keys(POLICY);
const AUDIENCES: readonly Audience[] = ["anyone", "customer", "service", ...STAFF_ROLES];

describe("the policy table covers the supergraph", () => {
  it("finds the supergraph's root fields and entity types", () => {
    // A sanity check on the walk itself: about 90 root fields and a dozen entity types.
    expect(schema.roots.size).toBeGreaterThan(80);
    expect(schema.roots.has("Query.order")).toBe(true);
    expect(schema.roots.has("Mutation.suspendCustomer")).toBe(true);
    expect(schema.roots.has("Subscription.orderStatusChanged")).toBe(true);
    expect([...schema.entities]).toEqual(expect.arrayContaining(["Order", "ProductVariant"]));
  });

  it("has a row for every root field of Query, Mutation and Subscription", () => {
    const missing = [...schema.roots.keys()].filter((coordinate) => !(coordinate in POLICY));
    expect(missing, "root fields without a row in packages/policy/src/table.ts").toEqual([]);
  });

  it("has a row `Entity.<Type>` for every @key entity type", () => {
    const missing = [...schema.entities]
      .map((type) => `Entity.${type}`)
      .filter((coordinate) => !(coordinate in POLICY));
    expect(missing, "entity types without a row in packages/policy/src/table.ts").toEqual([]);
  });

  it("has no row for a field or type the supergraph does not have", () => {
    const stale = coordinates.filter((coordinate) => {
      if (AWAITING_COMPOSITION.has(coordinate)) return false;
      if (coordinate.startsWith("Entity.")) return !schema.entities.has(coordinate.slice(7));
      return !schema.roots.has(coordinate);
    });
    expect(stale, "rows naming nothing in schema/supergraph.graphql").toEqual([]);
    for (const coordinate of AWAITING_COMPOSITION) expect(isInternal(row(coordinate))).toBe(true);
  });

  it("lets only the service principal use internal (@inaccessible) fields, and only them", () => {
    for (const [coordinate, field] of schema.roots) {
      const rule = ruleFor(coordinate); // a missing row is the completeness test's to report
      if (rule) expect(isInternal(rule), coordinate).toBe(isInaccessible(field));
    }
    for (const coordinate of coordinates.filter((c) => isInternal(row(c)))) {
      const field = schema.roots.get(coordinate);
      if (field) expect(isInaccessible(field), coordinate).toBe(true);
      else expect(AWAITING_COMPOSITION.has(coordinate), coordinate).toBe(true);
    }
  });
});

describe("the rows are well formed", () => {
  it("lists only known audiences, each once", () => {
    for (const [coordinate, rule] of Object.entries(POLICY)) {
      for (const audience of rule.allow) expect(AUDIENCES, coordinate).toContain(audience);
      expect(new Set(rule.allow).size, coordinate).toBe(rule.allow.length);
      // Admin may use every row: listing it would say nothing.
      expect(rule.allow, coordinate).not.toContain("admin");
    }
  });

  it("names, in every ownership condition, an argument the field has", () => {
    for (const [coordinate, rule] of Object.entries(POLICY)) {
      for (const own of ownershipsOf(rule)) {
        if (own.arg === undefined) continue;
        if (coordinate.startsWith("Entity.")) {
          // A reference names its entity by the key.
          expect(own.arg, coordinate).toBe("id");
          continue;
        }
        const field = schema.roots.get(coordinate);
        expect(field && hasArgument(schema, field, own.arg), `${coordinate}(${own.arg})`).toBe(
          true,
        );
      }
    }
  });

  it("binds ownership only where a customer or anyone is let in", () => {
    for (const [coordinate, rule] of Object.entries(POLICY)) {
      if (ownershipsOf(rule).length === 0) continue;
      expect(
        rule.allow.includes("customer") || rule.allow.includes("anyone"),
        `${coordinate} has an ownership condition nobody is bound by`,
      ).toBe(true);
    }
  });

  it("lets anonymous callers own only what they can prove: a guest cart's token, or an owner to be", () => {
    for (const [coordinate, rule] of Object.entries(POLICY)) {
      if (!rule.allow.includes("anyone")) continue;
      for (const own of ownershipsOf(rule))
        expect(own.guest === true || own.assigns !== undefined, coordinate).toBe(true);
    }
  });

  it("puts ownership on every customer-facing read of an owned entity", () => {
    const owned = {
      "Query.customer": "Customer",
      "Query.order": "Order",
      "Query.orders": "Order",
      "Query.cart": "Cart",
      "Query.payment": "Payment",
      "Query.invoice": "Invoice",
      "Entity.Customer": "Customer",
      "Entity.Order": "Order",
      "Entity.Cart": "Cart",
      "Entity.Payment": "Payment",
      "Entity.Invoice": "Invoice",
    } as const;
    for (const [coordinate, entity] of Object.entries(owned))
      expect(
        ownershipsOf(row(coordinate)).map((own) => own.entity),
        coordinate,
      ).toContain(entity);
  });

  it("never lets a signed-in customer name another customer as the owner of something new", () => {
    for (const coordinate of [
      "Mutation.placeOrder",
      "Mutation.createCart",
      "Mutation.registerCustomer",
    ])
      expect(
        ownershipsOf(row(coordinate)).some((own) => own.assigns !== undefined),
        coordinate,
      ).toBe(true);
  });
});
