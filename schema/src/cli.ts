/**
 * Schema tooling:
 *   compose            compose subgraphs and write schema/supergraph.graphql
 *   check              fail if composition fails, the committed supergraph is stale, or the
 *                      public schema breaks compared with main without acknowledgement
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { type Acknowledgement, breakingChanges, partitionAcknowledged } from "./breaking.ts";
import { compose, readSubgraphSources, repoRoot, supergraphPath } from "./compose.ts";

const ackPath = `${repoRoot}schema/breaking-changes.json`;

function git(args: string[]): string | null {
  try {
    return execFileSync("git", args, {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return null;
  }
}

/**
 * The supergraph on main to compare against. `SCHEMA_BASE_REF` wins. On a branch: the merge base
 * with main. On main itself: the previous commit, so that a change committed straight to main is
 * still checked against what main served before it.
 */
function baseSupergraph(): { ref: string; sdl: string } | null {
  const explicit = process.env.SCHEMA_BASE_REF;
  const head = git(["rev-parse", "HEAD"])?.trim();
  const mainRef = ["main", "origin/main"].find((r) => git(["rev-parse", "--verify", "--quiet", r]));
  let ref: string | undefined = explicit;
  if (!ref && head && mainRef) {
    const mainSha = git(["rev-parse", mainRef])?.trim();
    ref = mainSha === head ? "HEAD~1" : git(["merge-base", "HEAD", mainRef])?.trim();
  }
  if (!ref) return null;
  const sdl = git(["show", `${ref}:schema/supergraph.graphql`]);
  return sdl ? { ref, sdl } : null;
}

async function main() {
  const command = process.argv[2];
  const outcome = compose(readSubgraphSources());
  if (!outcome.ok) {
    console.error(`✗ composition failed:\n${outcome.errors.map((e) => `  - ${e}`).join("\n")}`);
    process.exit(1);
  }
  if (command === "compose") {
    writeFileSync(supergraphPath, outcome.supergraphSdl);
    console.log(`✓ composed ${supergraphPath}`);
    return;
  }
  if (command !== "check") {
    console.error("usage: schema compose | check");
    process.exit(2);
  }
  let failed = false;
  console.log("✓ composition succeeds");
  const committed = existsSync(supergraphPath) ? readFileSync(supergraphPath, "utf8") : "";
  if (committed !== outcome.supergraphSdl) {
    console.error(
      "✗ schema/supergraph.graphql is stale: run `pnpm schema:compose` and commit the result",
    );
    failed = true;
  } else {
    console.log("✓ committed supergraph is up to date");
  }

  const base = baseSupergraph();
  if (!base) {
    console.log(
      "• no supergraph on main to compare with (first commit or no git history); breaking-change check skipped",
    );
  } else {
    const acks: Acknowledgement[] = existsSync(ackPath)
      ? JSON.parse(readFileSync(ackPath, "utf8"))
      : [];
    const changes = await breakingChanges(base.sdl, outcome.supergraphSdl);
    const { acknowledged, unacknowledged } = partitionAcknowledged(changes, acks);
    for (const c of acknowledged)
      console.log(`• acknowledged breaking change ${c.id}: ${c.message}`);
    if (unacknowledged.length > 0) {
      console.error(
        `✗ ${unacknowledged.length} breaking change(s) against ${base.ref}:\n` +
          unacknowledged.map((c) => `  - ${c.id}: ${c.message}`).join("\n") +
          `\n  If intended, acknowledge each in schema/breaking-changes.json as { "id": "<id>", "reason": "<why>" }.`,
      );
      failed = true;
    } else {
      console.log(`✓ no unacknowledged breaking changes against ${base.ref}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

await main();
