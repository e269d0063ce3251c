import { DateScalar, DateTimeScalar } from "@shopstream/service";
import { Customer } from "./Customer.ts";
import { Mutation } from "./Mutation.ts";
import { Query } from "./Query.ts";

export const resolvers = { DateTime: DateTimeScalar, Date: DateScalar, Query, Mutation, Customer };
