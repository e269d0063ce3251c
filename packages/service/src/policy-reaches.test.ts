import { ANONYMOUS, type Principal, principalOf } from "@shopstream/auth";
import { describe, expect, it } from "vitest";
import type { RequestContext } from "./http-service.ts";
import { guestTokenHash, reaches } from "./policy.ts";

const ctx = (principal: Principal, cartToken: string | null = null): RequestContext => ({
  correlationId: "t",
  principal,
  actor: "t",
  cartToken,
});

const alice = principalOf("alice", ["customer"], "0192a000-0000-7000-8000-00000000000a");
const bob = principalOf("bob", ["customer"], "0192a000-0000-7000-8000-00000000000b");
const fulfilment = principalOf("fay", ["fulfilment"]);
const aliceOwns = { customerId: "0192A000-0000-7000-8000-00000000000A" };
const guestCart = { customerId: null, guestTokenHash: guestTokenHash("the-token") };

describe("reaches (a nested entity already loaded)", () => {
  it("lets a customer reach their own order only, in any letter case", () => {
    expect(reaches(ctx(alice), "Entity.Order", aliceOwns)).toBe(true);
    expect(reaches(ctx(bob), "Entity.Order", aliceOwns)).toBe(false);
    // Nobody's order (an owner not known yet) is no customer's.
    expect(reaches(ctx(alice), "Entity.Order", { customerId: null })).toBe(false);
  });

  it("lets staff let in by their role reach any, and refuses a caller the row refuses", () => {
    expect(reaches(ctx(fulfilment), "Entity.Order", aliceOwns)).toBe(true);
    expect(reaches(ctx(fulfilment), "Entity.Order", { customerId: null })).toBe(true);
    expect(reaches(ctx(ANONYMOUS), "Entity.Order", aliceOwns)).toBe(false);
  });

  it("lets a guest cart be reached with its token only, and only where the row allows guests", () => {
    expect(reaches(ctx(ANONYMOUS, "the-token"), "Entity.Cart", guestCart)).toBe(true);
    expect(reaches(ctx(bob, "the-token"), "Entity.Cart", guestCart)).toBe(true);
    expect(reaches(ctx(ANONYMOUS, "another-token"), "Entity.Cart", guestCart)).toBe(false);
    expect(reaches(ctx(ANONYMOUS), "Entity.Cart", guestCart)).toBe(false);
    // A customer's cart is not reached with a token, and checkout takes no guest cart.
    expect(reaches(ctx(ANONYMOUS, "the-token"), "Entity.Cart", aliceOwns)).toBe(false);
    expect(reaches(ctx(alice, "the-token"), "Mutation.checkoutCart", guestCart)).toBe(false);
  });

  it("throws for a coordinate without a row", () => {
    expect(() => reaches(ctx(alice), "Entity.Nothing", aliceOwns)).toThrow(/no policy row/);
  });
});
