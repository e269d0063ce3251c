import {
  ANONYMOUS,
  createInternalSigner,
  type Principal,
  principalOf,
  readDevKey,
  signDevToken,
} from "@shopstream/auth";
import {
  MATRIX_ROLES,
  type MatrixDecision,
  type MatrixRole,
  matrixPrincipal,
  policyMatrix,
} from "@shopstream/policy";
import { DEFAULT_DEV_KEY_FILE } from "@shopstream/stack";
import { unique } from "@shopstream/testing";
import { pollUntil, waitFor } from "@shopstream/testing/kit";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { entityOperation, loadSupergraph, type RootField, rootOperation } from "./policy-matrix.ts";

/*
 * The role × root-field matrix of the policy table (`policyMatrix()`), driven against the running
 * stack: every caller (anonymous, a customer, each staff role, admin, a service) sends every root
 * field with dummy arguments, through the gateway and directly to the subgraph that serves it (as
 * the gateway would, with an internal token: the last line of defence, without the gateway's
 * pre-check). A refused cell must come back with the row's code (UNAUTHENTICATED or FORBIDDEN); an
 * allowed one must not — NOT_FOUND, VALIDATION_FAILED, null or data are all fine, and so is an
 * owned cell answered as "not yours" (that is the ownership tests' business). Entity references
 * (`Entity.*` rows) are sent to each subgraph that resolves them. Subscriptions are not in this
 * HTTP matrix (they travel over the WebSocket; the live tests cover their rows).
 */

const supergraph = loadSupergraph();
const decisions = new Map(
  policyMatrix().map((cell) => [`${cell.coordinate}|${cell.role}`, cell.decision]),
);
const decisionOf = (coordinate: string, role: MatrixRole): MatrixDecision => {
  const decision = decisions.get(`${coordinate}|${role}`);
  if (!decision) throw new Error(`no matrix cell for ${coordinate} × ${role}`);
  return decision;
};

const REFUSALS = new Set(["UNAUTHENTICATED", "FORBIDDEN"]);
/** Codes that mean the generated operation itself was wrong: an allowed cell must not get them. */
const MALFORMED = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"]);

interface Answer {
  status: number;
  codes: string[];
  data?: Record<string, unknown> | null;
}

interface Outcome {
  cell: string;
  expected: MatrixDecision | "NOT_IN_API";
  answer: Answer;
}

/** What is wrong with an answer for a cell, or null. */
function problemWith({ expected, answer }: Outcome, gateway: boolean): string | null {
  if (expected === "NOT_IN_API")
    return answer.codes.includes("GRAPHQL_VALIDATION_FAILED") ? null : "served an internal field";
  if (expected === "UNAUTHENTICATED" || expected === "FORBIDDEN") {
    if (answer.codes[0] !== expected) return `expected ${expected}`;
    // The gateway refuses before anything runs, with the status of its other refusals.
    if (gateway && answer.status !== (expected === "UNAUTHENTICATED" ? 401 : 403))
      return `expected HTTP ${expected === "UNAUTHENTICATED" ? 401 : 403}`;
    return null;
  }
  if (answer.codes.some((code) => REFUSALS.has(code))) return "refused an allowed cell";
  if (answer.codes.some((code) => MALFORMED.has(code))) return "the generated operation is invalid";
  if (answer.status >= 500) return `HTTP ${answer.status}`;
  return null;
}

async function postOnce(
  url: string,
  headers: Record<string, string>,
  body: { query: string; variables: Record<string, unknown> },
): Promise<Answer> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as {
    data?: Record<string, unknown> | null;
    errors?: { extensions?: { code?: string } }[];
  };
  return {
    status: res.status,
    data: json.data,
    codes: (json.errors ?? []).map((e) => e.extensions?.code ?? "(no code)"),
  };
}

/**
 * One request, sent again while it is answered SERVICE_UNAVAILABLE (a command that got no
 * database connection in time on a busy machine: "retry shortly"), as a client would.
 */
const post = (...args: Parameters<typeof postOnce>) =>
  pollUntil(
    "an answer other than SERVICE_UNAVAILABLE",
    () => postOnce(...args),
    (answer) => !answer.codes.includes("SERVICE_UNAVAILABLE"),
    { timeoutMs: 60_000, intervalMs: 250 },
  );

/** Runs `tasks` with at most `concurrency` at a time, keeping their order. */
async function pooled<T>(tasks: (() => Promise<T>)[], concurrency = 8): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

const report = (outcomes: Outcome[], gateway: boolean) =>
  outcomes
    .map((o) => ({ ...o, problem: problemWith(o, gateway) }))
    .filter((o) => o.problem !== null)
    .map((o) => `${o.cell}: ${o.problem}; got HTTP ${o.answer.status} ${o.answer.codes.join(",")}`);

const httpRoots = supergraph.rootFields;

/** A run's own subjects, so a rerun against the same databases registers a fresh customer. */
const run = unique("matrix");
/** Each role's principal as the stack sees it; the customer's id is filled once registered. */
const principals = new Map<MatrixRole, Principal>(
  MATRIX_ROLES.map((role) => {
    const base = matrixPrincipal(role);
    return [
      role,
      base.sub === null ? base : { ...base, sub: `${base.sub}-${run}`, customerId: null },
    ];
  }),
);
const tokens = new Map<MatrixRole, Record<string, string>>();

beforeAll(async () => {
  const key = await readDevKey(DEFAULT_DEV_KEY_FILE);
  for (const [role, principal] of principals) {
    if (principal.sub === null) {
      tokens.set(role, {});
      continue;
    }
    const token = await signDevToken(key.privateKey, {
      sub: principal.sub,
      roles: principal.roles,
    });
    tokens.set(role, { authorization: `Bearer ${token}` });
  }
  // The customer registers themselves, so the gateway knows their customer id and the ownership
  // arguments that must name the caller's own (placeOrder's customerId) can.
  const customer = principals.get("customer")!;
  const registered = await post(inject("gatewayUrl"), tokens.get("customer")!, {
    query: `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }`,
    variables: {
      input: {
        externalId: customer.sub,
        email: `${customer.sub}@example.com`,
        firstName: "Matrix",
        lastName: "Customer",
      },
    },
  });
  expect(registered.codes).toEqual([]);
  const customerId = (registered.data!.registerCustomer as { id: string }).id;
  // Their own record is theirs once the gateway has looked their id up (a miss is cached ~1 s).
  await waitFor("the gateway to know the matrix customer's id", async () => {
    const own = await post(inject("gatewayUrl"), tokens.get("customer")!, {
      query: "query($id: ID!) { customer(id: $id) { id } }",
      variables: { id: customerId },
    });
    return (own.data?.customer as { id: string } | null | undefined)?.id === customerId;
  });
  principals.set("customer", { ...customer, customerId });
});

describe("the role × root-field matrix of the policy table", () => {
  it("holds through the gateway: refused cells get the row's code before anything runs", async () => {
    const tasks = httpRoots.flatMap((root) =>
      MATRIX_ROLES.map((role) => async (): Promise<Outcome> => {
        const principal = principals.get(role)!;
        const decision = decisionOf(root.coordinate, role);
        const answer = await post(
          inject("gatewayUrl"),
          tokens.get(role)!,
          rootOperation(root, principal, decision),
        );
        return {
          cell: `${root.coordinate} × ${role}`,
          expected: root.inaccessible ? "NOT_IN_API" : decision,
          answer,
        };
      }),
    );
    const outcomes = await pooled(tasks);
    console.log(
      `policy matrix through the gateway: ${outcomes.length} cells (${httpRoots.length} root fields × ${MATRIX_ROLES.length} callers)`,
    );
    expect(report(outcomes, true)).toEqual([]);
    // Both kinds of cells were exercised.
    expect(outcomes.filter((o) => REFUSALS.has(o.expected)).length).toBeGreaterThan(100);
    expect(
      outcomes.filter((o) => o.expected === "allowed" || o.expected === "own").length,
    ).toBeGreaterThan(100);
  }, 300_000);

  it("holds in every subgraph without the gateway: root fields and entity references", async () => {
    const serviceUrls = inject("serviceUrls");
    const privateKey = process.env.INTERNAL_AUTH_PRIVATE_KEY;
    if (!privateKey) throw new Error("the e2e setup exports the stack's INTERNAL_AUTH_PRIVATE_KEY");
    const signer = createInternalSigner(JSON.parse(privateKey));
    const direct = async (
      subgraph: string,
      principal: Principal,
      body: Parameters<typeof post>[2],
    ) => {
      const token = await signer.sign(principal, subgraph);
      return post(`${serviceUrls[subgraph]}/graphql`, { authorization: `Bearer ${token}` }, body);
    };
    const rootTasks = httpRoots.flatMap((root: RootField) =>
      MATRIX_ROLES.map((role) => async (): Promise<Outcome> => {
        const principal = principals.get(role)!;
        const decision = decisionOf(root.coordinate, role);
        return {
          cell: `${root.subgraph}: ${root.coordinate} × ${role}`,
          expected: decision,
          answer: await direct(root.subgraph, principal, rootOperation(root, principal, decision)),
        };
      }),
    );
    const entityTasks = supergraph.entities.flatMap((entity) =>
      entity.subgraphs.flatMap((subgraph) =>
        MATRIX_ROLES.map(
          (role) => async (): Promise<Outcome> => ({
            cell: `${subgraph}: ${entity.coordinate} × ${role}`,
            expected: decisionOf(entity.coordinate, role),
            answer: await direct(subgraph, principals.get(role)!, entityOperation(entity.typename)),
          }),
        ),
      ),
    );
    const outcomes = await pooled([...rootTasks, ...entityTasks]);
    const coordinates = new Set([
      ...httpRoots.map((r) => r.coordinate),
      ...supergraph.entities.map((e) => e.coordinate),
    ]);
    console.log(
      `policy matrix in the subgraphs: ${coordinates.size * MATRIX_ROLES.length} of ${decisions.size} cells ` +
        `(${rootTasks.length} root-field and ${entityTasks.length} entity requests); ` +
        `${supergraph.subscriptionFields.length * MATRIX_ROLES.length} subscription cells are the WebSocket's`,
    );
    expect(report(outcomes, false)).toEqual([]);
    // Every row of the table but the subscriptions was exercised.
    expect(coordinates.size + supergraph.subscriptionFields.length).toBe(
      decisions.size / MATRIX_ROLES.length,
    );
  }, 300_000);

  it("covers anonymous callers as anonymous: no token, no principal", () => {
    expect(principals.get("anonymous")).toEqual(ANONYMOUS);
    expect(principals.get("service")).toEqual(principalOf(`matrix-service-${run}`, []));
  });
});
