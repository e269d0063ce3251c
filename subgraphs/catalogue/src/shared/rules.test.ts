import { attributesProblem } from "@shopstream/rules";
import { describe, expect, it } from "vitest";
import { skuProblem, slugProblem } from "./rules.ts";

describe("SKU rule", () => {
  it.each(["ABC", "abc-123", "A1-B2-C3", "x".repeat(50), "123", "Shirt-RED-XL"])(
    "accepts %j",
    (sku) => expect(skuProblem(sku)).toBeNull(),
  );

  it.each([
    ["", "is required"],
    ["AB", "3 to 50"],
    ["x".repeat(51), "3 to 50"],
    ["-ABC", "start or end"],
    ["ABC-", "start or end"],
    ["AB--C", "double hyphen"],
    ["AB C", "only letters, digits and hyphens"],
    ["AB_C", "only letters, digits and hyphens"],
    ["ÄBC", "only letters, digits and hyphens"],
    ["AB.C", "only letters, digits and hyphens"],
  ])("rejects %j (%s)", (sku, message) => expect(skuProblem(sku)).toMatch(message));
});

describe("slug rule", () => {
  it.each(["red-shirt", "a", "x1-2y", "a".repeat(200)])("accepts %j", (slug) =>
    expect(slugProblem(slug)).toBeNull(),
  );
  it.each(["Red-Shirt", "red--shirt", "-red", "red-", "red shirt", "a".repeat(201)])(
    "rejects %j",
    (slug) => expect(slugProblem(slug)).not.toBeNull(),
  );
});

describe("attributes rule (as the catalogue uses it)", () => {
  it.each([undefined, null, {}, { size: "M", tags: ["a"] }])("accepts %j", (value) =>
    expect(attributesProblem(value)).toBeNull(),
  );
  it.each([[[1, 2]], ["text"], [42], [{ big: "x".repeat(20_000) }]])("rejects %j", (value) =>
    expect(attributesProblem(value)).not.toBeNull(),
  );
});
