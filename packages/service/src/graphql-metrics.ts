import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import type { GraphqlMetrics } from "@shopstream/metrics";
import { Kind } from "graphql";

/** Codes are the catalog's (bounded); anything else an error may carry counts as one label. */
const CODE = /^[A-Z][A-Z0-9_]{0,40}$/;

/** Feeds `shopstream_graphql_*` from every operation a server answers. */
export function graphqlMetricsPlugin<C extends BaseContext>(
  metrics: GraphqlMetrics,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ response, operation }) {
          const first = operation?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
          const name = first?.kind === Kind.FIELD ? first.name.value : "(invalid)";
          const errors =
            response.body.kind === "single" ? (response.body.singleResult.errors ?? []) : [];
          const codes = errors.map((e) => {
            const code = e.extensions?.code;
            return typeof code === "string" && CODE.test(code) ? code : "OTHER";
          });
          metrics.answered(
            { name, type: operation?.operation ?? "unknown" },
            (performance.now() - started) / 1000,
            codes,
          );
        },
      };
    },
  };
}
