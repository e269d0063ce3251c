import { DomainError } from "@shopstream/errors";
import { describe, expect, it } from "vitest";
import {
  assertUuid,
  assertUuids,
  attributesProblem,
  cleanText,
  collect,
  intProblem,
  isUuid,
  optionalText,
  requiredText,
  throwIfAny,
  uuidProblem,
} from "./index.ts";

describe("text rules judge the trimmed text", () => {
  it("treats blank as missing", () => {
    expect(requiredText("   ", 10)).toBe("is required");
    expect(requiredText(null, 10)).toBe("is required");
    expect(optionalText("   ", 10)).toBeNull();
    expect(cleanText("  ")).toBeNull();
  });

  it("measures the length without surrounding white space", () => {
    expect(requiredText(`  ${"a".repeat(10)}  `, 10)).toBeNull();
    expect(requiredText("a".repeat(11), 10)).toBe("must be at most 10 characters");
    expect(optionalText(` ${"a".repeat(11)} `, 10)).toBe("must be at most 10 characters");
    expect(cleanText("  Ada ")).toBe("Ada");
  });
});

describe("uuids", () => {
  it("accepts either case and refuses anything else", () => {
    expect(isUuid("0192F0A4-7B3C-7DEF-8ABC-0123456789AB")).toBe(true);
    expect(isUuid("0192f0a4-7b3c-7def-8abc-0123456789ab")).toBe(true);
    expect(isUuid("0192f0a4-7b3c-7def-8abc-0123456789a")).toBe(false);
    expect(uuidProblem("nope")).toBe("must be a UUID");
    expect(uuidProblem(undefined)).toBeNull();
  });

  it("names the field, and every bad one at once", () => {
    expect(() => assertUuid("x", "orderId")).toThrow(/orderId: must be a UUID/);
    try {
      assertUuids({ customerId: "x", addressId: "y", other: null });
      expect.unreachable();
    } catch (error) {
      expect((error as DomainError).extensions.fields).toEqual([
        { field: "customerId", message: "must be a UUID" },
        { field: "addressId", message: "must be a UUID" },
      ]);
    }
  });
});

describe("numbers, attributes, collecting", () => {
  it("checks whole numbers within a range", () => {
    expect(intProblem(1.5, { min: 0 })).toBe("must be a whole number");
    expect(intProblem(-1, { min: 0, max: 5 })).toBe("must be between 0 and 5");
    expect(intProblem(2 ** 31, { min: 0 })).toMatch(/between 0 and 2147483647/);
    expect(intProblem(null, { min: 0 })).toBeNull();
  });

  it("wants attributes to be a small JSON object", () => {
    expect(attributesProblem([1])).toBe("must be a JSON object");
    expect(attributesProblem({ big: "x".repeat(20_000) })).toMatch(/at most 16384 bytes/);
    expect(attributesProblem({ color: "red" })).toBeNull();
  });

  it("keeps failures in input order under a prefix, and throws only when there are some", () => {
    const problems = collect(
      [
        ["street", "is required"],
        ["city", null],
        ["country", "is required"],
      ],
      "address",
    );
    expect(problems.map((p) => p.field)).toEqual(["address.street", "address.country"]);
    expect(() => throwIfAny([])).not.toThrow();
    expect(() => throwIfAny(problems)).toThrow(DomainError);
  });
});
