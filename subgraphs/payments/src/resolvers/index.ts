import { DateTimeScalar, MoneyResolvers } from "@shopstream/service";
import { Invoice } from "./Invoice.ts";
import { Mutation } from "./Mutation.ts";
import { Order } from "./Order.ts";
import { Payment } from "./Payment.ts";
import { Query } from "./Query.ts";

export const resolvers = {
  DateTime: DateTimeScalar,
  Money: MoneyResolvers,
  Query,
  Mutation,
  Payment,
  Invoice,
  Order,
};
