import type { ApolloServerPlugin, BaseContext } from "@apollo/server";

/** Codes that mean "nothing was done; the same request may succeed shortly". */
const RETRYABLE = new Set(["SERVICE_UNAVAILABLE"]);

/**
 * Answers an operation that failed only because a dependency was busy or away (a burst bigger
 * than the connection pool, a restarting database) with HTTP 503 and `Retry-After`, so clients,
 * proxies and load balancers see a retryable refusal instead of a 200 carrying an error. Only when
 * nothing succeeded: a response with data, or with any other error, keeps its status.
 *
 * The gateway's alone: subgraphs answer 200 with the error, because @apollo/gateway turns a
 * subgraph's non-2xx answer into an error of its own and would lose the code.
 */
export function retryableStatusPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          const { data, errors } = response.body.singleResult;
          if (
            !errors ||
            errors.length === 0 ||
            (data && Object.values(data).some((v) => v !== null))
          )
            return;
          const codes = errors.map((e) => e.extensions?.code);
          if (!codes.every((code) => typeof code === "string" && RETRYABLE.has(code))) return;
          const seconds = Math.max(
            1,
            ...errors.map((e) => Number(e.extensions?.retryAfterSeconds) || 0),
          );
          response.http.status = 503;
          response.http.headers.set("retry-after", String(Math.ceil(seconds)));
        },
      };
    },
  };
}
