import { ANONYMOUS, principalOf } from "@shopstream/auth";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { precheckOperation } from "../src/policy-check.ts";

const customer = principalOf("c", ["customer"], "00000000-0000-4000-8000-000000000001");
const support = principalOf("s", ["support"]);
const admin = principalOf("a", ["admin"]);

const check = (
  principal: Parameters<typeof precheckOperation>[0],
  query: string,
  options: Parameters<typeof precheckOperation>[2] = {},
) => precheckOperation(principal, parse(query), options);

describe("the gateway's policy pre-check", () => {
  it("allows an operation whose every root field the principal may use", () => {
    expect(check(ANONYMOUS, "{ products { totalCount } categories { totalCount } }")).toEqual({
      allowed: true,
    });
    expect(check(support, 'mutation { suspendCustomer(id: "x", reason: "y") { id } }')).toEqual({
      allowed: true,
    });
  });

  it("refuses the whole operation on one refused field: UNAUTHENTICATED anonymous, FORBIDDEN signed in", () => {
    const query = "{ products { totalCount } customers { totalCount } }";
    expect(check(ANONYMOUS, query)).toEqual({
      allowed: false,
      code: "UNAUTHENTICATED",
      coordinate: "Query.customers",
    });
    expect(check(customer, query)).toEqual({
      allowed: false,
      code: "FORBIDDEN",
      coordinate: "Query.customers",
    });
    expect(check(admin, query)).toEqual({ allowed: true });
  });

  it("finds root fields through fragment spreads and inline fragments, aliases included", () => {
    const query = `
      query Q { ...Shop }
      fragment Shop on Query { products { totalCount } ...Staff }
      fragment Staff on Query { ... on Query { everyone: customers { totalCount } } }`;
    expect(check(customer, query)).toMatchObject({
      allowed: false,
      coordinate: "Query.customers",
    });
    // Fragments spreading each other in a cycle are validation's business; no loop here.
    const cyclic =
      "{ ...A } fragment A on Query { ...B products { totalCount } } fragment B on Query { ...A }";
    expect(check(ANONYMOUS, cyclic)).toEqual({ allowed: true });
  });

  it("ignores introspection fields and selections @skip/@include leave out", () => {
    expect(
      check(
        ANONYMOUS,
        '{ __typename __schema { queryType { name } } __type(name: "Query") { name } }',
      ),
    ).toEqual({
      allowed: true,
    });
    const query =
      "query($staff: Boolean!) { products { totalCount } customers @include(if: $staff) { totalCount } }";
    expect(check(customer, query, { variables: { staff: false } })).toEqual({ allowed: true });
    expect(check(customer, query, { variables: { staff: true } })).toMatchObject({
      allowed: false,
    });
    expect(check(customer, "{ customers @skip(if: true) { totalCount } }")).toEqual({
      allowed: true,
    });
  });

  it("checks the operation the request names, of the right root type", () => {
    const document = `
      query Shop { products { totalCount } }
      mutation Suspend { suspendCustomer(id: "x", reason: "y") { id } }`;
    expect(check(customer, document, { operationName: "Shop" })).toEqual({ allowed: true });
    expect(check(customer, document, { operationName: "Suspend" })).toEqual({
      allowed: false,
      code: "FORBIDDEN",
      coordinate: "Mutation.suspendCustomer",
    });
    // A subscription field is checked against its own row.
    expect(check(ANONYMOUS, "subscription { orderStatusChanged { orderId } }")).toMatchObject({
      allowed: false,
      code: "UNAUTHENTICATED",
      coordinate: "Subscription.orderStatusChanged",
    });
  });

  it("refuses a root field without a row, admin included (fail closed)", () => {
    expect(check(admin, "{ somethingNew }")).toEqual({
      allowed: false,
      code: "FORBIDDEN",
      coordinate: "Query.somethingNew",
    });
    // Internal fields are the service principal's alone.
    expect(check(admin, '{ _customerIdByExternalId(externalId: "x") }')).toMatchObject({
      allowed: false,
      code: "FORBIDDEN",
    });
  });

  it("leaves ownership to the subgraphs: a customer may ask for any order by id", () => {
    expect(check(customer, '{ order(id: "00000000-0000-4000-8000-00000000beef") { id } }')).toEqual(
      {
        allowed: true,
      },
    );
  });
});
