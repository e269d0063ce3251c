/**
 * Money: an integer amount in minor units plus an ISO 4217 currency (docs/conventions.md, "Input rules"). Never a float.
 * The currency list and minor-unit digits come from the runtime's ICU data (Intl), which tracks
 * ISO 4217, rather than a hand-copied table.
 */

export interface Money {
  amount: number;
  currency: string;
}

const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf("currency"));

export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && CURRENCIES.has(code);
}

/**
 * One formatter per currency and locale, made on first use. Building an `Intl.NumberFormat` costs
 * far more than using one (a page of 40 prices spent a third of its time building them), and
 * the set of currencies and locales a process sees is small.
 */
const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    const digits =
      new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    formatter = new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** Digits after the decimal point for a currency: 2 for EUR, 0 for JPY, 3 for KWD. */
export function minorUnitDigits(currency: string): number {
  return formatterFor(currency, "en").resolvedOptions().maximumFractionDigits ?? 2;
}

/** Human-readable amount, e.g. `€12.34`; for display only, never parsed back. */
export function formatMoney(money: Money, locale = "en-US"): string {
  const formatter = formatterFor(money.currency, locale);
  // Only the final rendering divides: amounts stay exact integers everywhere else.
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(money.amount / 10 ** digits);
}

/** Problems with a money input, or null when it is valid. */
export function moneyProblem(money: Money, opts: { min?: number } = {}): string | null {
  if (!isCurrency(money.currency)) return `currency ${money.currency} is not an ISO 4217 code`;
  if (!Number.isSafeInteger(money.amount)) return "amount must be a whole number of minor units";
  if (opts.min !== undefined && money.amount < opts.min)
    return `amount must be at least ${opts.min}`;
  return null;
}
