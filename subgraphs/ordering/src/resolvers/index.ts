import { DateTimeScalar, JSONScalar, MoneyResolvers } from "@shopstream/service";
import { Cart, CartLine } from "./Cart.ts";
import { Customer } from "./Customer.ts";
import { Mutation } from "./Mutation.ts";
import { Order } from "./Order.ts";
import { OrderLine } from "./OrderLine.ts";
import { Query } from "./Query.ts";

export const resolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
  Money: MoneyResolvers,
  Query,
  Mutation,
  Order,
  OrderLine,
  Cart,
  CartLine,
  Customer,
};
