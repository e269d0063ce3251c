import { DateTimeScalar } from "@shopstream/service";
import { Mutation } from "./Mutation.ts";
import { Order } from "./Order.ts";
import { ProductVariant } from "./ProductVariant.ts";
import { Query } from "./Query.ts";
import { Reservation } from "./Reservation.ts";
import { StockItem } from "./StockItem.ts";
import { Warehouse } from "./Warehouse.ts";

export const resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Warehouse,
  StockItem,
  Reservation,
  ProductVariant,
  Order,
};
