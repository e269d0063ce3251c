#!/usr/bin/env node
// Generates every context's Prisma client (run on `pnpm install`). The prisma-client generator
// needs no native engine, but the CLI insists on locating a schema engine binary, whose download
// cannot succeed offline; any executable satisfies that check, so point it at node itself.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const contexts = ["identity", "catalogue", "ordering", "inventory", "payments"];
const prismaCli = `${root}packages/db/node_modules/prisma/build/index.js`;
if (!existsSync(prismaCli)) {
  console.error("prisma CLI not installed yet; run pnpm install");
  process.exit(1);
}

const results = await Promise.all(
  contexts.map(
    (context) =>
      new Promise((resolve) => {
        const child = spawn(
          process.execPath,
          [prismaCli, "generate", "--schema", `prisma/${context}/schema.prisma`],
          {
            cwd: root,
            env: {
              ...process.env,
              PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
              PRISMA_HIDE_UPDATE_MESSAGE: "1",
            },
            stdio: ["ignore", "pipe", "pipe"],
          },
        );
        let output = "";
        child.stdout.on("data", (d) => (output += d));
        child.stderr.on("data", (d) => (output += d));
        child.on("exit", (code) => resolve({ context, code, output }));
      }),
  ),
);
for (const r of results) {
  if (r.code !== 0) console.error(`✗ prisma generate failed for ${r.context}:\n${r.output}`);
}
if (results.some((r) => r.code !== 0)) process.exit(1);
console.log(`✓ Prisma clients generated for ${contexts.join(", ")}`);
