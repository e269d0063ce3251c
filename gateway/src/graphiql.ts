import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Express } from "express";

const require = createRequire(import.meta.url);
/** A file inside an installed package, found through its package.json (its `exports` hide umd/). */
const packageFile = (pkg: string, file: string) =>
  join(dirname(require.resolve(`${pkg}/package.json`)), file);

/** GraphiQL's and React's prebuilt browser bundles, served from node_modules: no CDN needed. */
const ASSETS: Record<string, { file: string; type: string }> = {
  "react.js": {
    file: packageFile("react", "umd/react.production.min.js"),
    type: "text/javascript",
  },
  "react-dom.js": {
    file: packageFile("react-dom", "umd/react-dom.production.min.js"),
    type: "text/javascript",
  },
  "graphiql.js": { file: packageFile("graphiql", "graphiql.min.js"), type: "text/javascript" },
  "graphiql.css": { file: packageFile("graphiql", "graphiql.min.css"), type: "text/css" },
};

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>ShopStream GraphiQL</title>
    <link rel="stylesheet" href="/graphiql/graphiql.css" />
    <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="/graphiql/react.js"></script>
    <script src="/graphiql/react-dom.js"></script>
    <script src="/graphiql/graphiql.js"></script>
    <script>
      const fetcher = GraphiQL.createFetcher({ url: "/graphql" });
      const defaultQuery = "# Welcome to ShopStream. Try:\\n# mutation { registerCustomer(input: { externalId: \\"ext-1\\", email: \\"ada@example.com\\", firstName: \\"Ada\\", lastName: \\"Lovelace\\" }) { id email tier status } }\\n";
      ReactDOM.createRoot(document.getElementById("graphiql")).render(
        React.createElement(GraphiQL, { fetcher, defaultQuery, defaultEditorToolsVisibility: true }),
      );
    </script>
  </body>
</html>`;

/** What an unknown or refused IDE path answers: a GraphQL error in JSON, never an HTML page. */
const NOT_FOUND = { errors: [{ message: "Not found", extensions: { code: "NOT_FOUND" } }] };

/** Mounts GraphiQL at `/` and `/graphiql`, and a browser GET on `/graphql` redirects there. */
export function mountGraphiQL(app: Express): void {
  const page = (_req: unknown, res: { type(t: string): { send(body: string): void } }) => {
    res.type("html").send(PAGE);
  };
  app.get("/", page);
  app.get("/graphiql", page);
  app.get("/graphiql/:asset", (req, res) => {
    const asset = ASSETS[req.params.asset];
    if (!asset) {
      res.status(404).json(NOT_FOUND);
      return;
    }
    res
      .type(asset.type)
      .set("cache-control", "public, max-age=86400")
      .sendFile(asset.file, { dotfiles: "allow" }); // pnpm keeps packages under node_modules/.pnpm
  });
  app.get("/graphql", (req, res, next) => {
    if (req.accepts(["html", "json"]) === "html" && !req.query.query) res.redirect("/graphiql");
    else next();
  });
}

/**
 * The production profile's answer on GraphiQL's paths: a JSON GraphQL error with 404, so a probe
 * learns nothing about the IDE (or the schema it would introspect).
 */
export function refuseGraphiQL(app: Express): void {
  app.get(["/", "/graphiql", "/graphiql/*asset"], (_req, res) => {
    res.status(404).json(NOT_FOUND);
  });
}

/** GraphiQL's routes, or their refusal under the production profile. */
export const graphiqlRoutes = (production: boolean) =>
  production ? refuseGraphiQL : mountGraphiQL;
