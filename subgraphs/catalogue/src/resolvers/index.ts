import { DateTimeScalar, JSONScalar, MoneyResolvers } from "@shopstream/service";
import { Category } from "./Category.ts";
import { Mutation } from "./Mutation.ts";
import { Product } from "./Product.ts";
import { ProductVariant } from "./ProductVariant.ts";
import { Query } from "./Query.ts";

export const resolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
  Money: MoneyResolvers,
  Query,
  Mutation,
  Product,
  ProductVariant,
  Category,
};
