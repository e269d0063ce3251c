import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Principal } from "@shopstream/auth";
import { type MatrixDecision, ownershipsOf, ruleFor } from "@shopstream/policy";
import {
  buildASTSchema,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  type ObjectTypeDefinitionNode,
  parse,
  print,
} from "graphql";

/*
 * The operations of the role × root-field matrix, generated from the supergraph: for a root field,
 * the smallest operation that calls it — every required argument filled with a dummy of its type,
 * `__typename` selected from an object result — and for an entity type, an `_entities` request for
 * one reference. Which subgraph serves a field or resolves a type comes from the supergraph's
 * `@join__field`/`@join__type`.
 */

export const SUPERGRAPH_PATH = new URL("../../schema/supergraph.graphql", import.meta.url);

export interface RootField {
  /** `Query.order`, `Mutation.cancelOrder`. */
  coordinate: string;
  /** The subgraph (join__Graph name, lower case) that serves it. */
  subgraph: string;
  /** `@inaccessible`: not part of the gateway's API. */
  inaccessible: boolean;
  field: GraphQLField<unknown, unknown>;
  kind: "query" | "mutation";
}

export interface EntityType {
  /** `Entity.Order`. */
  coordinate: string;
  typename: string;
  /** The subgraphs that resolve a reference to it (a resolvable `@key`). */
  subgraphs: string[];
}

export interface Supergraph {
  schema: GraphQLSchema;
  rootFields: RootField[];
  subscriptionFields: string[];
  entities: EntityType[];
}

const argValue = (
  directive: { arguments?: readonly { name: { value: string }; value: unknown }[] },
  name: string,
) =>
  directive.arguments?.find((a) => a.name.value === name)?.value as
    | { kind: string; value?: string | boolean }
    | undefined;

/** The graph enum values (`IDENTITY`) and their subgraph names (`identity`). */
function graphNames(sdl: string): Map<string, string> {
  return new Map(
    [...sdl.matchAll(/^\s*([A-Z_]+) @join__graph\(name: "([^"]+)"/gm)].map((m) => [m[1]!, m[2]!]),
  );
}

export function loadSupergraph(): Supergraph {
  const sdl = readFileSync(SUPERGRAPH_PATH, "utf8");
  const document = parse(sdl);
  const schema = buildASTSchema(document, { assumeValidSDL: true });
  const graphs = graphNames(sdl);
  const definitions = document.definitions.filter(
    (d): d is ObjectTypeDefinitionNode => d.kind === "ObjectTypeDefinition",
  );
  const rootFields: RootField[] = [];
  const subscriptionFields: string[] = [];
  const entities: EntityType[] = [];
  for (const definition of definitions) {
    const typeName = definition.name.value;
    if (typeName === "Query" || typeName === "Mutation") {
      const type = typeName === "Query" ? schema.getQueryType()! : schema.getMutationType()!;
      for (const node of definition.fields ?? []) {
        const join = node.directives?.find((d) => d.name.value === "join__field");
        const graph = join ? (argValue(join, "graph")?.value as string) : undefined;
        if (!graph) throw new Error(`${typeName}.${node.name.value} names no subgraph`);
        rootFields.push({
          coordinate: `${typeName}.${node.name.value}`,
          subgraph: graphs.get(graph) ?? graph.toLowerCase(),
          inaccessible: node.directives?.some((d) => d.name.value === "inaccessible") ?? false,
          field: type.getFields()[node.name.value]!,
          kind: typeName === "Query" ? "query" : "mutation",
        });
      }
      continue;
    }
    if (typeName === "Subscription") {
      for (const node of definition.fields ?? [])
        subscriptionFields.push(`Subscription.${node.name.value}`);
      continue;
    }
    const subgraphs = (definition.directives ?? [])
      .filter((d) => d.name.value === "join__type")
      .filter((d) => argValue(d, "key") !== undefined && argValue(d, "resolvable")?.value !== false)
      .map((d) => {
        const graph = argValue(d, "graph")?.value as string;
        return graphs.get(graph) ?? graph.toLowerCase();
      });
    if (subgraphs.length > 0)
      entities.push({ coordinate: `Entity.${typeName}`, typename: typeName, subgraphs });
  }
  return { schema, rootFields, subscriptionFields, entities };
}

/**
 * A dummy value of an input type: ID → a random UUID, String → "" (empty: a string field fails
 * validation, so no allowed cell writes a product, warehouse or category called "x"), Int → 1,
 * Float → 1.5, Boolean → false, an enum → its first value, DateTime/Date/JSON a valid literal, an
 * input object → its required fields, a list → empty. Optional values are left out.
 */
export function dummyValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return dummyValue(type.ofType);
  if (isListType(type)) return [];
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields()))
      if (isNonNullType(field.type) && field.defaultValue === undefined)
        value[field.name] = dummyValue(field.type);
    return value;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case "ID":
        return randomUUID();
      case "String":
        return "";
      case "Int":
        return 1;
      case "Float":
        return 1.5;
      case "Boolean":
        return false;
      case "DateTime":
        return "2026-01-01T00:00:00.000Z";
      case "Date":
        return "2000-01-01";
      case "JSON":
        return {};
    }
  }
  throw new Error(`no dummy value for ${String(type)}`);
}

const required = (arg: GraphQLArgument) =>
  isNonNullType(arg.type) && arg.defaultValue === undefined;

/** Sets a dot path (`input.customerId`) in the variables, creating objects on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== "object") node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

function deletePath(target: Record<string, unknown>, path: string) {
  const keys = path.split(".");
  let node: unknown = target;
  for (const key of keys.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[key];
  if (node && typeof node === "object") delete (node as Record<string, unknown>)[keys.at(-1)!];
}

/**
 * The smallest operation calling a root field, as `principal` would send it. An argument that
 * assigns the owner of a new entity (`placeOrder`'s `input.customerId`, `registerCustomer`'s
 * `input.externalId`) names the caller's own, when the caller is bound by ownership: a dummy id
 * there would be another customer's, refused FORBIDDEN by design rather than by role.
 */
export function rootOperation(
  root: RootField,
  principal: Principal,
  decision: MatrixDecision,
): { query: string; variables: Record<string, unknown> } {
  const { field } = root;
  const args = field.args.filter(required);
  const variables: Record<string, unknown> = {};
  for (const arg of args) variables[arg.name] = dummyValue(arg.type);
  if (decision === "own") {
    for (const ownership of ownershipsOf(ruleFor(root.coordinate)!)) {
      if (!ownership.assigns || !ownership.arg) continue;
      const own = ownership.assigns === "sub" ? principal.sub : principal.customerId;
      const [top] = ownership.arg.split(".");
      if (!args.some((a) => a.name === top)) continue;
      if (own !== null) setPath(variables, ownership.arg, own);
      // No customer id of their own: a new entity without an owner (a guest cart). Without a
      // subject (anonymous), `registerCustomer`'s externalId is left open by design: the dummy.
      else if (ownership.assigns === "customerId") deletePath(variables, ownership.arg);
    }
  }
  const definitions = args.map((a) => `$${a.name}: ${String(a.type)}`).join(", ");
  const call = args.map((a) => `${a.name}: $${a.name}`).join(", ");
  const selection = isLeafType(getNamedType(field.type)) ? "" : " { __typename }";
  const name = root.coordinate.replace(".", "_");
  const query = `${root.kind} ${name}${definitions ? `(${definitions})` : ""} { ${field.name}${call ? `(${call})` : ""}${selection} }`;
  // Parsing proves the text is a document before any request is sent.
  return { query: print(parse(query)), variables };
}

/** An `_entities` request for one reference to `typename` with a random id. */
export const entityOperation = (typename: string) => ({
  query: "query Entity($r: [_Any!]!) { _entities(representations: $r) { __typename } }",
  variables: { r: [{ __typename: typename, id: randomUUID() }] },
});
