import {
  ANONYMOUS,
  createInternalSigner,
  generateInternalKeyPair,
  type InternalKeyPair,
  type Principal,
} from "@shopstream/auth";

/**
 * Gateway → subgraph credentials for tests that call a subgraph's `/graphql` over HTTP. One key
 * pair per test process: give the servers a test starts `(await testInternalKeys()).publicKey`
 * and send `await internalAuthHeaders("<subgraph>")` with each request, as the gateway would.
 */
let keys: Promise<InternalKeyPair> | undefined;
export const testInternalKeys = (): Promise<InternalKeyPair> => {
  keys ??= generateInternalKeyPair();
  return keys;
};

let signer: Promise<ReturnType<typeof createInternalSigner>> | undefined;

/** `authorization: Bearer <internal token>` for `audience` (a subgraph's name) as `principal`. */
export async function internalAuthHeaders(
  audience: string,
  principal: Principal = ANONYMOUS,
): Promise<Record<string, string>> {
  signer ??= testInternalKeys().then(({ privateKey }) => createInternalSigner(privateKey));
  const token = await (await signer).sign(principal, audience);
  return { authorization: `Bearer ${token}` };
}
