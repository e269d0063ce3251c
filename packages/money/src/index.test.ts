import { describe, expect, it } from "vitest";
import { formatMoney, isCurrency, minorUnitDigits, moneyProblem } from "./index.ts";

describe("money", () => {
  it.each([
    ["EUR", true],
    ["JPY", true],
    ["eur", false],
    ["XYZ", false],
    ["EURO", false],
  ])("isCurrency(%s) = %s", (code, expected) => {
    expect(isCurrency(code)).toBe(expected);
  });

  it("knows minor units per currency", () => {
    expect(minorUnitDigits("EUR")).toBe(2);
    expect(minorUnitDigits("JPY")).toBe(0);
    expect(minorUnitDigits("KWD")).toBe(3);
  });

  it("formats minor units", () => {
    expect(formatMoney({ amount: 1234, currency: "EUR" })).toBe("€12.34");
    expect(formatMoney({ amount: 1234, currency: "JPY" })).toBe("¥1,234");
    expect(formatMoney({ amount: 1234, currency: "KWD" })).toBe("KWD\u00a01.234");
  });

  it("keeps each currency's and locale's own format when formatters are reused", () => {
    const values = [
      formatMoney({ amount: 5, currency: "EUR" }),
      formatMoney({ amount: 5, currency: "JPY" }),
      formatMoney({ amount: 123456, currency: "EUR" }, "de-DE"),
      formatMoney({ amount: 5, currency: "EUR" }),
    ];
    expect(values).toEqual(["€0.05", "¥5", "1.234,56\u00a0€", "€0.05"]);
  });

  it("rejects fractional amounts and unknown currencies", () => {
    expect(moneyProblem({ amount: 1.5, currency: "EUR" })).toMatch(/whole number/);
    expect(moneyProblem({ amount: 100, currency: "ABC" })).toMatch(/ISO 4217/);
    expect(moneyProblem({ amount: 0, currency: "EUR" }, { min: 1 })).toMatch(/at least 1/);
    expect(moneyProblem({ amount: 1, currency: "EUR" }, { min: 1 })).toBeNull();
  });
});
