import { ANONYMOUS, type Principal, principalOf } from "@shopstream/auth";
import { defaultMetadata, newId } from "@shopstream/outbox";
import { createLogger } from "@shopstream/service";
import { unique } from "@shopstream/testing";
import { deliverEvent } from "@shopstream/testing/kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../src/context.ts";
import { generateInvoice } from "../src/invoices/invoice-commands.ts";
import { createOrderOwnersConsumer } from "../src/orders/order-owners.ts";
import { createServer } from "../src/server.ts";
import { deps, orderEvent, paymentFor, prisma } from "./payments.harness.ts";

// Ownership in payments (issue 11): payments learns each order's customer from ordering's
// OrderPlaced; a payment's or invoice's owner is its order's customer. Another customer's order,
// payment or invoice is answered exactly as an id that does not exist, and nothing is written; an
// order payments has not heard of yet is nobody's for a customer.

const server = createServer(createLogger("payments-test", "error"));
const owners = createOrderOwnersConsumer(prisma);
beforeAll(() => server.start());
afterAll(() => server.stop());

type Result = {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
};

async function run(
  principal: Principal,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Result> {
  const contextValue = createContext(prisma, { correlationId: "t", principal, actor: "t" });
  const res = await server.executeOperation({ query, variables }, { contextValue });
  if (res.body.kind !== "single") throw new Error("expected a single result");
  return res.body.singleResult as Result;
}

const withoutId = (result: Result, id: string) =>
  JSON.parse(JSON.stringify(result).replaceAll(id, "<id>"));

/** `query` about `id` (another customer's) answers what it answers about a random uuid. */
async function sameAsMissing(
  principal: Principal,
  query: string,
  variables: (id: string) => Record<string, unknown>,
  id: string,
): Promise<Result> {
  const missing = newId();
  const theirs = await run(principal, query, variables(id));
  expect(withoutId(theirs, id)).toEqual(
    withoutId(await run(principal, query, variables(missing)), missing),
  );
  return theirs;
}

/** Ordering's OrderPlaced for `orderId` of `customerId`, delivered as the workers would. */
const placed = (orderId: string, customerId: string) =>
  deliverEvent(owners, orderEvent(orderId, "OrderPlaced", 1, { customerId, status: "CREATED" }));

const customer = (customerId: string) => principalOf(unique("cust"), ["customer"], customerId);
const finance = principalOf("fin", ["finance"]);

const PAYMENT = `query($id: ID!) { payment(id: $id) { id order { id } } }`;
const INVOICE = `query($id: ID!) { invoice(id: $id) { id number } }`;
const RETRY = `mutation($id: ID!) { retryPayment(id: $id) { id } }`;
const INITIATE = `mutation($orderId: ID!, $key: String!) { initiatePayment(input: { orderId: $orderId, amount: { amount: 1000, currency: "EUR" }, idempotencyKey: $key }) { id status } }`;
const ORDER = `query($id: ID!) { _entities(representations: [{ __typename: "Order", id: $id }]) { ... on Order { payments { id } invoice { id } } } }`;

const codeOf = (r: Result) => r.errors?.[0]?.extensions?.code;

describe("order owners (payments.order-owners)", () => {
  it("records each order's customer once, however often OrderPlaced arrives", async () => {
    const [orderId, customerId] = [newId(), newId()];
    const event = orderEvent(orderId, "OrderPlaced", 1, { customerId });
    expect(await deliverEvent(owners, event)).toBe("applied");
    expect(await deliverEvent(owners, event)).toBe("skipped-duplicate");
    expect(await prisma.orderOwner.findMany({ where: { orderId } })).toEqual([
      { orderId, customerId },
    ]);
  });
});

describe("payments ownership", () => {
  let aliceId: string;
  let bobId: string;
  let alice: Principal;
  let bob: Principal;
  let order: string;
  let payment: string;
  let invoice: string;

  beforeAll(async () => {
    [aliceId, bobId] = [newId(), newId()];
    [alice, bob] = [customer(aliceId), customer(bobId)];
    order = newId();
    expect(await placed(order, aliceId)).toBe("applied");
    payment = (await paymentFor(order, 1_000)).id;
    invoice = (
      await generateInvoice(
        deps,
        {
          orderId: order,
          currency: "EUR",
          lines: [{ description: "Mug", quantity: 1, unitPrice: 1_000 }],
        },
        defaultMetadata(),
      )
    ).id;
  });

  it("lets the order's customer read their payment, invoice and the order's payments", async () => {
    expect((await run(alice, PAYMENT, { id: payment })).data).toEqual({
      payment: { id: payment, order: { id: order } },
    });
    expect((await run(alice, INVOICE, { id: invoice })).data).toMatchObject({
      invoice: { id: invoice },
    });
    expect((await run(alice, ORDER, { id: order })).data).toEqual({
      _entities: [{ payments: [{ id: payment }], invoice: { id: invoice } }],
    });
  });

  it("answers another customer as for ids that do not exist, and writes nothing", async () => {
    const payments = await prisma.payment.count();
    const outbox = await prisma.outbox.count();
    const paymentRow = await prisma.payment.findUniqueOrThrow({ where: { id: payment } });

    expect(await sameAsMissing(bob, PAYMENT, (id) => ({ id }), payment)).toEqual({
      data: { payment: null },
    });
    expect(await sameAsMissing(bob, INVOICE, (id) => ({ id }), invoice)).toEqual({
      data: { invoice: null },
    });
    expect(codeOf(await sameAsMissing(bob, RETRY, (id) => ({ id }), payment))).toBe("NOT_FOUND");
    const key = unique("steal");
    expect(codeOf(await sameAsMissing(bob, INITIATE, (orderId) => ({ orderId, key }), order))).toBe(
      "NOT_FOUND",
    );
    // An order reference: payments cannot tell a missing order, so theirs reads as one without
    // payments, as any unknown id does.
    expect(await sameAsMissing(bob, ORDER, (id) => ({ id }), order)).toEqual({
      data: { _entities: [{ payments: [], invoice: null }] },
    });
    for (const ref of [
      { typename: "Payment", id: payment },
      { typename: "Invoice", id: invoice },
    ]) {
      expect(
        await sameAsMissing(
          bob,
          `query($id: ID!) { _entities(representations: [{ __typename: "${ref.typename}", id: $id }]) { __typename } }`,
          (id) => ({ id }),
          ref.id,
        ),
      ).toEqual({ data: { _entities: [null] } });
    }
    expect(await prisma.payment.count()).toBe(payments);
    expect(await prisma.outbox.count()).toBe(outbox);
    expect(await prisma.payment.findUniqueOrThrow({ where: { id: payment } })).toEqual(paymentRow);
    // Anonymous callers are not let in at all.
    expect(codeOf(await run(ANONYMOUS, PAYMENT, { id: payment }))).toBe("UNAUTHENTICATED");
  });

  it("fails closed for an order payments has not heard of yet, until its OrderPlaced arrives", async () => {
    const fresh = newId();
    // Staff (finance) are not bound by ownership: a payment exists before the owner is known.
    const staffPayment = (await paymentFor(fresh, 2_000)).id;
    const key = unique("early");
    const early = await sameAsMissing(alice, INITIATE, (orderId) => ({ orderId, key }), fresh);
    expect(codeOf(early)).toBe("NOT_FOUND");
    expect(await prisma.payment.count({ where: { idempotencyKey: key } })).toBe(0);
    expect((await run(alice, PAYMENT, { id: staffPayment })).data).toEqual({ payment: null });
    expect((await run(alice, ORDER, { id: fresh })).data).toEqual({
      _entities: [{ payments: [], invoice: null }],
    });
    expect((await run(finance, ORDER, { id: fresh })).data).toEqual({
      _entities: [{ payments: [{ id: staffPayment }], invoice: null }],
    });

    expect(await placed(fresh, aliceId)).toBe("applied");
    expect((await run(alice, PAYMENT, { id: staffPayment })).data).toMatchObject({
      payment: { id: staffPayment },
    });
    const started = await run(alice, INITIATE, { orderId: fresh, key });
    expect(started.errors).toBeUndefined();
    expect(started.data).toMatchObject({ initiatePayment: { status: "PENDING" } });
    // Bob still cannot, now that it is known to be Alice's.
    expect(codeOf(await run(bob, INITIATE, { orderId: fresh, key: unique("bob") }))).toBe(
      "NOT_FOUND",
    );
  });
});
