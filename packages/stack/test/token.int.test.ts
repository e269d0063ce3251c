import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEV_AUDIENCE, DEV_ISSUER, type DevKey, loadOrCreateDevKey } from "@shopstream/auth";
import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/stack.ts";

// `pnpm token`, run as a developer runs it, against a key file of the test's own.

let dir: string;
let keyFile: string;
let key: DevKey;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "shopstream-token-"));
  keyFile = join(dir, "auth", "dev-signing-key.json");
  key = await loadOrCreateDevKey(keyFile);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function token(args: string[], file = keyFile) {
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "packages/stack/src/token.ts", ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, AUTH_DEV_KEY_FILE: file },
      encoding: "utf8",
    },
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("pnpm token", () => {
  it("prints a token of the dev key for a staff role as its last line, valid for an hour", async () => {
    const run = token(["--role", "support"]);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(1);
    const { payload } = await jwtVerify(
      lines.at(-1)!,
      createLocalJWKSet({ keys: [key.publicKey] }),
      {
        issuer: DEV_ISSUER,
        audience: DEV_AUDIENCE,
        algorithms: ["ES256"],
      },
    );
    expect(payload).toMatchObject({ sub: "dev-support", roles: ["support"] });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it("signs a customer's token with their externalId as subject, and honours --ttl", () => {
    const run = token(["--customer", "ext-42", "--ttl", "120"]);
    expect(run.status, run.stderr).toBe(0);
    const payload = decodeJwt(run.stdout.trim().split("\n").at(-1)!);
    expect(payload).toMatchObject({ sub: "ext-42", roles: ["customer"] });
    expect(payload.exp! - payload.iat!).toBe(120);
  });

  it("refuses an unknown role or a missing argument in one line, with exit code 2", () => {
    for (const args of [
      ["--role", "superuser"],
      [],
      ["--role", "admin", "--customer", "x"],
      ["--ttl", "0", "--role", "admin"],
    ]) {
      const run = token(args);
      expect(run.status, args.join(" ")).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(token(["--role", "superuser"]).stderr).toMatch(/unknown role "superuser"/);
  });

  it("says to start the stack first when there is no key yet", () => {
    const run = token(["--role", "admin"], join(dir, "none", "key.json"));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/start the stack once with npm start/);
  });
});
