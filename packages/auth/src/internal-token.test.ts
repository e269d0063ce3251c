import { describe, expect, it } from "vitest";
import {
  createInternalSigner,
  createInternalVerifier,
  generateInternalKeyPair,
  InvalidInternalToken,
} from "./internal-token.ts";
import { ANONYMOUS, actorOf, principalOf } from "./principal.ts";

const customer = principalOf("auth0|ada", ["customer"], "0192f0a4-7b3c-7def-8abc-0123456789ab");

describe("internal tokens", () => {
  it("carry the principal to the subgraph they are addressed to", async () => {
    const keys = await generateInternalKeyPair();
    const token = await createInternalSigner(keys.privateKey).sign(customer, "ordering");
    const principal = await createInternalVerifier([keys.publicKey], "ordering").verify(token);
    expect(principal).toEqual(customer);
    const anonymous = await createInternalSigner(keys.privateKey).sign(ANONYMOUS, "ordering");
    expect(await createInternalVerifier([keys.publicKey], "ordering").verify(anonymous)).toEqual(
      ANONYMOUS,
    );
  });

  it("are refused by another subgraph, after expiry, with another key, or tampered", async () => {
    const keys = await generateInternalKeyPair();
    const other = await generateInternalKeyPair();
    const token = await createInternalSigner(keys.privateKey).sign(customer, "ordering");
    const refused = (verify: Promise<unknown>) =>
      expect(verify).rejects.toThrow(InvalidInternalToken);

    await refused(createInternalVerifier([keys.publicKey], "payments").verify(token));
    await refused(createInternalVerifier([other.publicKey], "ordering").verify(token));
    const [head, body, sig] = token.split(".");
    const forged = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(body!, "base64url").toString()),
        roles: ["admin"],
      }),
    ).toString("base64url");
    await refused(
      createInternalVerifier([keys.publicKey], "ordering").verify(`${head}.${forged}.${sig}`),
    );

    const past = createInternalSigner(keys.privateKey, { now: () => 1_000 });
    await refused(
      createInternalVerifier([keys.publicKey], "ordering").verify(
        await past.sign(customer, "ordering"),
      ),
    );
  });

  it("accepts either of two public keys, so the gateway's key can rotate", async () => {
    const old = await generateInternalKeyPair();
    const next = await generateInternalKeyPair();
    const verifier = createInternalVerifier([old.publicKey, next.publicKey], "identity");
    for (const keys of [old, next]) {
      const token = await createInternalSigner(keys.privateKey).sign(customer, "identity");
      expect((await verifier.verify(token)).sub).toBe("auth0|ada");
    }
  });

  it("reuses a token for the same principal and audience while it is fresh", async () => {
    const keys = await generateInternalKeyPair();
    let t = 10_000;
    const signer = createInternalSigner(keys.privateKey, { now: () => t });
    const first = await signer.sign(customer, "ordering");
    expect(await signer.sign(customer, "ordering")).toBe(first);
    expect(await signer.sign(customer, "payments")).not.toBe(first);
    t += 41;
    expect(await signer.sign(customer, "ordering")).not.toBe(first);
  });
});

describe("principals", () => {
  it("are staff with any staff role, customers with only `customer`, services with none", () => {
    expect(principalOf("s1", ["support", "customer"]).kind).toBe("staff");
    expect(principalOf("c1", ["customer"]).kind).toBe("customer");
    expect(principalOf("svc", []).kind).toBe("service");
    expect(actorOf(principalOf("s1", ["support"]))).toBe("staff:s1");
    expect(actorOf(ANONYMOUS)).toBe("anonymous");
  });
});
