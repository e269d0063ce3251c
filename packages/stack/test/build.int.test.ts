import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureBuilt } from "../bin/build.mjs";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A tiny repository: an entry that imports a second file and reads its own location. */
function fixture() {
  const root = `${mkdtempSync(join(tmpdir(), "shopstream-build-"))}/`;
  roots.push(root);
  mkdirSync(join(root, "app/src"), { recursive: true });
  writeFileSync(
    join(root, "app/src/main.ts"),
    'import { word } from "./word.ts";\nconst here: string = import.meta.url;\nconsole.log(word, here);\n',
  );
  writeFileSync(join(root, "app/src/word.ts"), 'export const word: string = "one";\n');
  return root;
}

const run = (file: string) => execFileSync(process.execPath, [file], { encoding: "utf8" }).trim();

describe("ensureBuilt", () => {
  it("builds a bundle once, reuses it while its sources are unchanged, rebuilds when one changes", async () => {
    const root = fixture();
    const entry = "app/src/main.ts";

    const first = await ensureBuilt(root, [entry]);
    expect(first.built).toEqual([entry]);
    const bundle = first.bundles[entry]!;
    // import.meta.url still names the source file, not the bundle.
    expect(run(bundle)).toBe(`one file://${root}app/src/main.ts`);

    expect((await ensureBuilt(root, [entry])).built).toEqual([]);

    // A file the entry imports changes: the bundle is stale.
    writeFileSync(join(root, "app/src/word.ts"), 'export const word: string = "two";\n');
    expect((await ensureBuilt(root, [entry])).built).toEqual([entry]);
    expect(run(bundle)).toMatch(/^two /);

    // The bundle itself is gone: rebuilt.
    rmSync(bundle);
    expect((await ensureBuilt(root, [entry])).built).toEqual([entry]);
    expect(run(bundle)).toMatch(/^two /);
  });
});
