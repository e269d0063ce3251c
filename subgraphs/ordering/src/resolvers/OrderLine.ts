interface LineRow {
  variantId: string;
  quantity: number;
  unitPriceAmount: number;
  discountAmount: number;
  currency: string;
}

export const OrderLine = {
  variant: (l: LineRow) => ({ __typename: "ProductVariant", id: l.variantId }),
  unitPrice: (l: LineRow) => ({ amount: l.unitPriceAmount, currency: l.currency }),
  discount: (l: LineRow) => ({ amount: l.discountAmount, currency: l.currency }),
  lineTotal: (l: LineRow) => ({
    amount: l.unitPriceAmount * l.quantity - l.discountAmount,
    currency: l.currency,
  }),
};
