// The start command's build step (packages/stack/bin/build.mjs): bundles each process's
// TypeScript entry point into one plain-JS file under `.build/`, so a start runs `node` on it
// instead of compiling through `tsx` in every process. Plain JS (no TypeScript) because the
// bootstrap, which runs before anything can be compiled, uses it too.
//
// Why bundles rather than tsx's own cache: tsx caches compiled files, but every module a process
// loads (ours and node_modules' alike) still goes through its resolve/load hooks, which Node 20
// runs on a separate thread; seven processes doing that on two cores is most of a slow start.
//
// A bundle is reused only when it matches the sources: next to it, `<name>.inputs.json` records a
// hash of every file esbuild read for it (our sources, the generated Prisma clients), plus the
// esbuild and Node versions. Any difference, or a missing file, rebuilds it. Packages from
// node_modules are not bundled: each import of one is rewritten to the absolute path Node itself
// would resolve from the importing source file (pnpm keeps each package's dependencies private,
// so a bundle elsewhere could not resolve them by name); a change there comes with an install,
// and the install stamp is part of the fingerprint.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Where the bundle of `entry` (a path relative to the repository root) is written. */
export function bundlePath(root, entry) {
  return join(root, ".build", `${entry.replace(/\.ts$/, "")}.mjs`);
}

const hashFile = (file, cache) => {
  let hash = cache.get(file);
  if (hash === undefined) {
    try {
      hash = createHash("sha1").update(readFileSync(file)).digest("hex");
    } catch {
      hash = "missing";
    }
    cache.set(file, hash);
  }
  return hash;
};

function loadEsbuild() {
  // esbuild is a dependency of @shopstream/stack, this file's package (pnpm keeps it private).
  return createRequire(import.meta.url)("esbuild");
}

function environmentKey(root, esbuild) {
  let installStamp = "";
  try {
    installStamp = readFileSync(join(root, "node_modules/.shopstream-install"), "utf8").trim();
  } catch {}
  // This file is the build's configuration: a change to it rebuilds everything.
  const self = createHash("sha1")
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .digest("hex");
  return `${root}|${self}|${esbuild.version}|${process.version}|${installStamp}`;
}

function isFresh(root, entry, envKey, cache) {
  let record;
  try {
    record = JSON.parse(readFileSync(`${bundlePath(root, entry)}.inputs.json`, "utf8"));
  } catch {
    return false;
  }
  if (record.environment !== envKey) return false;
  if (!existsSync(bundlePath(root, entry))) return false;
  return Object.entries(record.inputs).every(
    ([file, hash]) => hashFile(join(root, file), cache) === hash,
  );
}

/**
 * Keeps `import.meta.url` meaning the original source file (code finds `schema.graphql`, the
 * supergraph, migrations and `createRequire` roots relative to itself), and marks every package
 * import external at the absolute path Node would load for it.
 */
function sourceLocationPlugin() {
  return {
    name: "shopstream-source-location",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.path.startsWith("node:") || args.pluginData === "resolving") return undefined;
        if (args.path.startsWith("@shopstream/")) return undefined; // our sources: bundled
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: "resolving",
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        // A Node builtin given without the node: prefix.
        if (resolved.external || !resolved.path.startsWith("/")) return { external: true };
        return { path: pathToFileURL(resolved.path).href, external: true };
      });
      build.onLoad({ filter: /\.m?[tj]s$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        const url = JSON.stringify(pathToFileURL(args.path).href);
        return {
          // Not after a quote or a dot: the words inside a string (this file has some) stay.
          contents: source.replace(/(?<![\w$."'`])import\.meta\.url\b/g, url),
          loader: args.path.endsWith(".ts") ? "ts" : "js",
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

/**
 * Makes sure every entry (paths relative to `root`) has an up-to-date bundle, building the stale
 * ones in one esbuild run. Returns the absolute bundle path of each entry, and what it built.
 */
export async function ensureBuilt(root, entries, options = {}) {
  const esbuild = loadEsbuild();
  const envKey = environmentKey(root, esbuild);
  const cache = new Map();
  const stale = entries.filter((entry) => !isFresh(root, entry, envKey, cache));
  if (stale.length > 0) {
    options.log?.(`• building ${stale.length} bundle(s) (${stale.join(", ")})`);
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: stale.map((entry) => ({ in: entry, out: entry.replace(/\.ts$/, "") })),
      outdir: join(root, ".build"),
      outExtension: { ".js": ".mjs" },
      bundle: true,
      platform: "node",
      format: "esm",
      target: `node${process.versions.node.split(".")[0]}`,
      // Resolve exactly as Node does: no "module" condition, no "module" main field.
      conditions: [],
      mainFields: ["main"],
      // Class and function names stay what the sources say (errors print them).
      keepNames: true,
      sourcemap: "linked",
      metafile: true,
      write: false,
      logLevel: "silent",
      plugins: [sourceLocationPlugin()],
    });
    for (const file of result.outputFiles) {
      mkdirSync(dirname(file.path), { recursive: true });
      const temporary = `${file.path}.${process.pid}.tmp`;
      writeFileSync(temporary, file.contents);
      renameSync(temporary, file.path);
    }
    for (const entry of stale) {
      const output = result.metafile.outputs[relative(root, bundlePath(root, entry))];
      if (!output) throw new Error(`esbuild produced no bundle for ${entry}`);
      const inputs = {};
      for (const file of Object.keys(output.inputs)) {
        if (file.startsWith("file:")) continue;
        inputs[file] = hashFile(join(root, file), cache);
      }
      const recordPath = `${bundlePath(root, entry)}.inputs.json`;
      const temporary = `${recordPath}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify({ environment: envKey, entry, inputs }, null, 1));
      renameSync(temporary, recordPath);
    }
  }
  return {
    built: stale,
    bundles: Object.fromEntries(entries.map((entry) => [entry, bundlePath(root, entry)])),
  };
}
