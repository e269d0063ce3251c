import type { StaffRole } from "@shopstream/auth";
import { mintDevToken } from "@shopstream/stack";
import { Pool } from "undici";

/**
 * Who a simulated user acts as on one request: a customer as themself (signed in with their
 * `externalId` as the token's subject), a member of staff in one role, or nobody (no token).
 */
export type Principal =
  | { kind: "anonymous" }
  | { kind: "customer"; externalId: string }
  | { kind: "staff"; role: StaffRole };

export const ANONYMOUS_USER: Principal = Object.freeze({ kind: "anonymous" });
export const staff = (role: StaffRole): Principal => ({ kind: "staff", role });
export const customer = (externalId: string): Principal => ({ kind: "customer", externalId });

/** How a principal is named in messages and token caches: `anonymous`, `staff:fulfilment`, `customer:ext-…`. */
export const principalKey = (p: Principal): string =>
  p.kind === "anonymous"
    ? "anonymous"
    : p.kind === "staff"
      ? `staff:${p.role}`
      : `customer:${p.externalId}`;

/** Gives the bearer token a principal signs in with, or none (anonymous). */
export type TokenFor = (principal: Principal) => Promise<string | undefined> | string | undefined;

/** Sends no token at all: every request anonymous (the harness's own tests against stubs). */
export const noToken: TokenFor = () => undefined;

/**
 * Signs in through the stack's development sign-in (`AUTH_MODE=dev`, what `npm start` runs):
 * tokens signed with the key the gateway made (`AUTH_DEV_KEY_FILE`, default
 * `.data/auth/dev-signing-key.json`), by the very code `pnpm token --role` / `--customer` runs.
 */
export function devTokens(opts: { keyFile?: string } = {}): TokenFor {
  return (principal) =>
    principal.kind === "anonymous"
      ? undefined
      : mintDevToken(
          principal.kind === "customer"
            ? { customer: principal.externalId }
            : { role: principal.role },
          opts.keyFile === undefined ? {} : { keyFile: opts.keyFile },
        );
}

export interface GraphQLError {
  message: string;
  extensions?: Record<string, unknown>;
}

/** One answered request: data or the first error's code, and how long it took. */
export interface GqlResult<T = unknown> {
  data?: T;
  errors?: GraphQLError[];
  /** `extensions.code` of the first error; `HTTP_<status>`, `TIMEOUT` or `NETWORK` for transport failures. */
  code?: string;
  ms: number;
  /** Wall-clock start of the request (epoch ms). */
  at: number;
}

export interface GqlClientOptions {
  /** Connections kept alive to the target. */
  connections?: number;
  /** Per-request deadline (headers and body). */
  timeoutMs?: number;
}

/** A GraphQL client over one keep-alive undici `Pool` per target. */
export class GqlClient {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly timeoutMs: number;

  constructor(
    readonly url: string,
    options: GqlClientOptions = {},
  ) {
    const u = new URL(url);
    this.path = `${u.pathname}${u.search}`;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.pool = new Pool(u.origin, {
      connections: options.connections ?? 32,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
  }

  /** Runs one named operation; never throws: transport failures come back as a code. */
  async request<T = unknown>(
    operationName: string,
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ): Promise<GqlResult<T>> {
    const at = Date.now();
    const t0 = performance.now();
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      const res = await this.pool.request({
        method: "POST",
        path: this.path,
        headers,
        body: JSON.stringify({ operationName, query, variables }),
      });
      const text = await res.body.text();
      const ms = performance.now() - t0;
      let body: { data?: T; errors?: GraphQLError[] } | undefined;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (!body) return { code: `HTTP_${res.statusCode}`, ms, at };
      const code = body.errors?.length
        ? String(body.errors[0]?.extensions?.code ?? "UNKNOWN")
        : res.statusCode >= 400
          ? `HTTP_${res.statusCode}`
          : undefined;
      return { data: body.data ?? undefined, errors: body.errors, code, ms, at };
    } catch (error) {
      const ms = performance.now() - t0;
      const name = (error as { code?: string }).code ?? "";
      const code = name.includes("TIMEOUT") ? "TIMEOUT" : "NETWORK";
      return { code, ms, at, errors: [{ message: (error as Error).message }] };
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
