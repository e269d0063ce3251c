import { DateTimeScalar, MoneyResolvers } from "@shopstream/service";
import { Payment } from "./Payment.ts";
import { Query } from "./Query.ts";

export const resolvers = { DateTime: DateTimeScalar, Money: MoneyResolvers, Query, Payment };
