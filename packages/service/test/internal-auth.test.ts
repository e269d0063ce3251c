import { generateInternalKeyPair } from "@shopstream/auth";
import { ConfigError } from "@shopstream/config";
import { beforeAll, describe, expect, it } from "vitest";
import {
  loadRunnableSubgraphConfig,
  loadSubgraphConfig,
  parseInternalPublicKeys,
} from "../src/index.ts";

let publicKey: Record<string, unknown>;
let privateKey: Record<string, unknown>;
beforeAll(async () => {
  ({ publicKey, privateKey } = await generateInternalKeyPair());
});

const DB = { DATABASE_URL: "postgresql://u:p@127.0.0.1:5432/x" };

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("INTERNAL_AUTH_PUBLIC_KEYS", () => {
  it("takes one JWK or an array of them (rotation)", async () => {
    const next = (await generateInternalKeyPair()).publicKey;
    expect(parseInternalPublicKeys(JSON.stringify(publicKey))).toEqual([publicKey]);
    expect(parseInternalPublicKeys(JSON.stringify([publicKey, next]))).toEqual([publicKey, next]);
  });

  it.each([
    ["missing", undefined, /is required/],
    ["blank", "  ", /is required/],
    ["not JSON", "{kty:", /not valid JSON/],
    ["an empty array", "[]", /lists no key/],
    ["not an object", '"key"', /is not a JWK/],
    ["an RSA key", JSON.stringify({ kty: "RSA", n: "x", e: "AQAB", kid: "k" }), /ES256/],
  ])("is refused, naming the variable, when %s", (_case, raw, message) => {
    const [problem, ...rest] = problems(() => parseInternalPublicKeys(raw));
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^INTERNAL_AUTH_PUBLIC_KEYS: /);
    expect(problem).toMatch(message);
  });

  it("refuses a private key and a key without a key id", () => {
    expect(problems(() => parseInternalPublicKeys(JSON.stringify(privateKey)))[0]).toMatch(
      /private key/,
    );
    const { kid: _kid, ...anonymousKey } = publicKey;
    expect(problems(() => parseInternalPublicKeys(JSON.stringify([anonymousKey])))[0]).toMatch(
      /has no "kid" \(key 0\)/,
    );
  });

  it("is required to run a subgraph, optional to read its config (compose and budget checks)", () => {
    expect(loadSubgraphConfig("identity", DB).internalAuthPublicKeys).toBeNull();
    expect(problems(() => loadRunnableSubgraphConfig("identity", DB))).toEqual([
      expect.stringMatching(/^INTERNAL_AUTH_PUBLIC_KEYS: is required/),
    ]);
    const config = loadRunnableSubgraphConfig("identity", {
      ...DB,
      INTERNAL_AUTH_PUBLIC_KEYS: JSON.stringify(publicKey),
    });
    expect(config.internalAuthPublicKeys).toEqual([publicKey]);
    expect(
      problems(() =>
        loadSubgraphConfig("identity", { ...DB, INTERNAL_AUTH_PUBLIC_KEYS: "not json" }),
      ),
    ).toEqual([expect.stringMatching(/^INTERNAL_AUTH_PUBLIC_KEYS: is not valid JSON/)]);
  });
});
