import { HeaderMap } from "@apollo/server";
import { describe, expect, it } from "vitest";
import { retryableStatusPlugin } from "./retryable-status.ts";

// The plugin's decision on the response Apollo is about to send: 503 + Retry-After only when
// every error is SERVICE_UNAVAILABLE and nothing succeeded.
async function statusFor(singleResult: {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}) {
  const response = {
    http: { status: undefined as number | undefined, headers: new HeaderMap() },
    body: { kind: "single" as const, singleResult },
  };
  const hooks = await retryableStatusPlugin().requestDidStart?.({} as never);
  await hooks?.willSendResponse?.({ response } as never);
  return { status: response.http.status, retryAfter: response.http.headers.get("retry-after") };
}

const busy = (seconds?: number) => ({
  message: "The database is busy; retry shortly",
  extensions: { code: "SERVICE_UNAVAILABLE", ...(seconds ? { retryAfterSeconds: seconds } : {}) },
});

describe("retryable status", () => {
  it("answers an operation refused only as busy with 503 and the longest Retry-After", async () => {
    expect(await statusFor({ data: null, errors: [busy(3), busy(1)] })).toEqual({
      status: 503,
      retryAfter: "3",
    });
    expect(await statusFor({ data: { placeOrder: null }, errors: [busy()] })).toEqual({
      status: 503,
      retryAfter: "1",
    });
  });

  it("keeps the status when something succeeded or another error came too", async () => {
    expect(
      (await statusFor({ data: { a: 1, b: null }, errors: [busy(2)] })).status,
    ).toBeUndefined();
    const other = { message: "nope", extensions: { code: "CONFLICT" } };
    expect((await statusFor({ data: null, errors: [busy(2), other] })).status).toBeUndefined();
    expect((await statusFor({ data: { a: 1 } })).status).toBeUndefined();
  });
});
