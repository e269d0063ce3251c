import { Pool } from "undici";

/** Whose charges a script or a held report is about. */
export type PaymentTarget = { orderId: string } | { paymentId: string };

/** How the simulated provider ends one charge; `hold` keeps the report until released. */
export type PaymentOutcome = ({ outcome: "succeed" } | { outcome: "fail"; reason: string }) & {
  hold?: boolean;
};

export interface HookResult<T> {
  ok: boolean;
  status: number;
  body?: T;
  ms: number;
  at: number;
}

/**
 * The simulated payment provider's test hooks (`/script`, `/held`, `/release`), the same ones
 * the e2e tests use, over a keep-alive pool.
 */
export class ProviderHooks {
  private readonly pool: Pool;

  constructor(readonly url: string) {
    this.pool = new Pool(new URL(url).origin, { connections: 8, keepAliveTimeout: 30_000 });
  }

  private async call<T>(
    method: "GET" | "POST",
    path: string,
    body?: unknown,
  ): Promise<HookResult<T>> {
    const at = Date.now();
    const t0 = performance.now();
    try {
      const res = await this.pool.request({
        method,
        path,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: 30_000,
        bodyTimeout: 30_000,
      });
      const text = await res.body.text();
      let parsed: T | undefined;
      try {
        parsed = text ? (JSON.parse(text) as T) : undefined;
      } catch {
        parsed = undefined;
      }
      return {
        ok: res.statusCode < 300,
        status: res.statusCode,
        body: parsed,
        ms: performance.now() - t0,
        at,
      };
    } catch {
      return { ok: false, status: 0, ms: performance.now() - t0, at };
    }
  }

  script(target: PaymentTarget, outcomes: PaymentOutcome[]) {
    return this.call<unknown>("POST", "/script", { ...target, outcomes });
  }

  held(target: PaymentTarget) {
    const q = new URLSearchParams(target as Record<string, string>);
    return this.call<{ held: { id: string; type: string; paymentId: string }[] }>(
      "GET",
      `/held?${q}`,
    );
  }

  release(target: PaymentTarget) {
    return this.call<{ released: { status: number }[] }>("POST", "/release", target);
  }

  health() {
    return this.call<unknown>("GET", "/health");
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
