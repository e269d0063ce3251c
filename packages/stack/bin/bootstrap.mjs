#!/usr/bin/env node
// Entry point (packages/stack/bin/bootstrap.mjs) of `npm start` and `npm test` on a fresh clone: needs only Node 20 and npm.
// Finds pnpm 10 (or runs it through npx), installs the workspace when anything it depends on
// changed (the install also generates the Prisma clients), then runs the start command's bundle
// (what `pnpm dev` runs, built by ./build.mjs) or `pnpm test:all`. Plain JS with no
// dependencies, because nothing is installed yet when it runs.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const task = process.argv[2];
const scripts = { start: "dev", test: "test:all" };
if (!(task in scripts)) {
  console.error("usage: node scripts/bootstrap.mjs start|test");
  process.exit(2);
}

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`ShopStream needs Node.js 20.19 or newer; this is ${process.version}.`);
  process.exit(1);
}

const isWindows = process.platform === "win32";
function pnpmCommand() {
  const probe = spawnSync(isWindows ? "pnpm.cmd" : "pnpm", ["--version"], { encoding: "utf8" });
  if (probe.status === 0 && probe.stdout.trim().startsWith("10."))
    return [isWindows ? "pnpm.cmd" : "pnpm"];
  // Corepack's download fails signature checks on some machines; npx fetches pnpm from npm.
  console.log(
    "• pnpm 10 not found on PATH; using it through npx (npm install -g pnpm@10 makes this faster)",
  );
  return [isWindows ? "npx.cmd" : "npx", "--yes", "pnpm@10"];
}

let pnpmFound;
const pnpm = () => {
  pnpmFound ??= pnpmCommand();
  return pnpmFound;
};
const run = (args) => {
  const [command, ...rest] = pnpm();
  const result = spawnSync(command, [...rest, ...args], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

// What an install depends on: the lockfile, every workspace manifest, the Prisma schemas (the
// install generates their clients) and the Node.js version. When none changed since the last
// successful install and the generated clients are there, the install is skipped: a second start
// then costs no reinstall and no regeneration (about 14 s on a busy 2-core machine).
const CONTEXTS = ["identity", "catalogue", "ordering", "inventory", "payments"];
const STAMP = join(root, "node_modules", ".shopstream-install");
function installFingerprint() {
  const files = [
    "pnpm-lock.yaml",
    "pnpm-workspace.yaml",
    "package.json",
    "packages/db/bin/generate.mjs",
  ];
  for (const dir of ["gateway", "workers", "schema", "loadtest"]) files.push(`${dir}/package.json`);
  for (const parent of ["subgraphs", "packages"]) {
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      if (entry.isDirectory()) files.push(`${parent}/${entry.name}/package.json`);
    }
  }
  for (const context of CONTEXTS) files.push(`prisma/${context}/schema.prisma`);
  const hash = createHash("sha256").update(process.version);
  for (const file of files.sort()) {
    const path = join(root, file);
    hash.update(`\0${file}\0`);
    if (existsSync(path)) hash.update(readFileSync(path));
  }
  return hash.digest("hex");
}
const clientsPresent = () =>
  CONTEXTS.every((c) => existsSync(join(root, `subgraphs/${c}/src/generated/prisma`)));

const fingerprint = installFingerprint();
const stamp = existsSync(STAMP) ? readFileSync(STAMP, "utf8").trim() : "";
if (stamp === fingerprint && clientsPresent()) {
  console.log("• dependencies up to date (lockfile, manifests and Prisma schemas unchanged)");
} else {
  console.log("• installing dependencies (pnpm install)");
  run(["install", "--frozen-lockfile"]);
  writeFileSync(STAMP, `${fingerprint}\n`);
}

// `start` runs the orchestrator as a bundle on plain node (built now if the sources changed; it
// builds the services' bundles itself), sparing a pnpm and a tsx start-up. `test` runs pnpm.
let command;
let args;
if (task === "start" && process.env.START_WITH_TSX !== "1") {
  const { ensureBuilt } = await import("./build.mjs");
  const cli = "packages/stack/src/cli.ts";
  const { bundles } = await ensureBuilt(root, [cli], { log: (line) => console.log(line) });
  [command, args] = [process.execPath, ["--enable-source-maps", bundles[cli]]];
} else {
  const [pnpmCommandName, ...rest] = pnpm();
  [command, args] = [pnpmCommandName, [...rest, "run", "--silent", scripts[task]]];
}

// The long-running task: let it own Ctrl-C (the terminal signals the whole process group).
const child = spawn(command, args, { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
