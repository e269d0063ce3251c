import { formatMoney, type Money } from "@shopstream/money";

/** Resolvers for the shared `Money` type; parents carry `{ amount, currency }`. */
export const MoneyResolvers = {
  formatted: (money: Money) => formatMoney(money),
};
