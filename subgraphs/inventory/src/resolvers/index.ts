import { DateTimeScalar } from "@shopstream/service";
import { Query } from "./Query.ts";
import { StockItem } from "./StockItem.ts";
import { Warehouse } from "./Warehouse.ts";

export const resolvers = { DateTime: DateTimeScalar, Query, Warehouse, StockItem };
