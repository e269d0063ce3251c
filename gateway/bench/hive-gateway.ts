/**
 * The reference of `pnpm bench:gateway`: Hive Gateway (`@graphql-hive/gateway`, The Guild's
 * JavaScript gateway) serving our committed supergraph against the same running subgraphs, in a
 * process of its own as our gateway runs in one. Started by gateway.bench.ts; not a product path.
 *
 * Environment:
 * - HIVE_PORT: the port to listen on (127.0.0.1);
 * - HIVE_SUBGRAPH_URLS: JSON `{ name: url }`, replacing the supergraph's `join__graph` URLs;
 * - INTERNAL_AUTH_PRIVATE_KEY: the stack's gateway → subgraph private key (JWK JSON).
 *
 * Our subgraphs answer 401 without an internal ES256 token whose audience is the subgraph. Our
 * gateway signs one per principal and subgraph (auth/customer-ids.ts, @shopstream/auth); Hive gets
 * the anonymous principal's token for each subgraph, minted here with a lifetime longer than the
 * bench, through its `propagateHeaders.fromClientToSubgraphs` hook.
 */
import { readFileSync } from "node:fs";
import { createServer, type RequestListener } from "node:http";
import { ANONYMOUS, createInternalSigner } from "@shopstream/auth";
import { subgraphsOf } from "../src/gateway.ts";

// Imported by a computed name so the type checker does not load Hive's types: graphql-yoga
// augments graphql's `GraphQLErrorExtensions` (`http.headers` as a plain record), which would
// retype every GraphQLError the gateway builds with Apollo's HeaderMap.
const hiveModule: string = "@graphql-hive/gateway";
const { createGatewayRuntime } = (await import(hiveModule)) as {
  createGatewayRuntime: (config: {
    supergraph: string;
    logging: string;
    propagateHeaders: {
      fromClientToSubgraphs: (payload: {
        subgraphName: string;
      }) => Record<string, string | undefined>;
    };
  }) => RequestListener;
};

const port = Number(process.env.HIVE_PORT);
const urls = JSON.parse(process.env.HIVE_SUBGRAPH_URLS ?? "{}") as Record<string, string>;
const signer = createInternalSigner(JSON.parse(process.env.INTERNAL_AUTH_PRIVATE_KEY ?? ""), {
  lifetimeSeconds: 24 * 3600,
});
let supergraph = readFileSync(new URL("../../schema/supergraph.graphql", import.meta.url), "utf8");
const tokens: Record<string, string> = {};
for (const { name, url } of subgraphsOf(supergraph)) {
  if (urls[name]) supergraph = supergraph.replace(`url: "${url}"`, `url: "${urls[name]}"`);
  tokens[name] = `Bearer ${await signer.sign(ANONYMOUS, name)}`;
}

const gateway = createGatewayRuntime({
  supergraph,
  logging: "error",
  propagateHeaders: {
    fromClientToSubgraphs: ({ subgraphName }) => ({ authorization: tokens[subgraphName] }),
  },
});
createServer(gateway).listen(port, "127.0.0.1", () => {
  console.log(`hive gateway listening on ${port}`);
});
