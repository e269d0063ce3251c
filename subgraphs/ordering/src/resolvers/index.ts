import { DateTimeScalar, MoneyResolvers } from "@shopstream/service";
import { Order } from "./Order.ts";
import { OrderLine } from "./OrderLine.ts";
import { Query } from "./Query.ts";

export const resolvers = {
  DateTime: DateTimeScalar,
  Money: MoneyResolvers,
  Query,
  Order,
  OrderLine,
};
