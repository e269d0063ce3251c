import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

/** `DateTime`: UTC ISO-8601 timestamp. Accepts Date objects or ISO strings from resolvers. */
export const DateTimeScalar = new GraphQLScalarType({
  name: "DateTime",
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime()))
      throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
    return date.toISOString();
  },
  parseValue(value) {
    const date = new Date(String(value));
    if (typeof value !== "string" || Number.isNaN(date.getTime())) {
      throw new GraphQLError("DateTime must be an ISO-8601 string");
    }
    return date;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || Number.isNaN(new Date(ast.value).getTime())) {
      throw new GraphQLError("DateTime must be an ISO-8601 string");
    }
    return new Date(ast.value);
  },
});

/** `Date`: an ISO calendar date, YYYY-MM-DD. */
export const DateScalar = new GraphQLScalarType({
  name: "Date",
  serialize(value) {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
    throw new GraphQLError(`Date cannot represent ${String(value)}`);
  },
  parseValue(value) {
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      throw new GraphQLError("Date must be YYYY-MM-DD");
    }
    return value;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || !/^\d{4}-\d{2}-\d{2}$/.test(ast.value)) {
      throw new GraphQLError("Date must be YYYY-MM-DD");
    }
    return ast.value;
  },
});

/** `JSON`: any JSON value, passed through as-is. */
export const JSONScalar = new GraphQLScalarType({
  name: "JSON",
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral(ast) {
    const toValue = (node: typeof ast): unknown => {
      switch (node.kind) {
        case Kind.STRING:
        case Kind.BOOLEAN:
          return node.value;
        case Kind.INT:
        case Kind.FLOAT:
          return Number(node.value);
        case Kind.NULL:
          return null;
        case Kind.LIST:
          return node.values.map(toValue);
        case Kind.OBJECT:
          return Object.fromEntries(node.fields.map((f) => [f.name.value, toValue(f.value)]));
        default:
          throw new GraphQLError("JSON literals cannot contain variables");
      }
    };
    return toValue(ast);
  },
});
