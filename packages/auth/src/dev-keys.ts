import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { exportJWK, generateKeyPair, type JWK } from "jose";

/**
 * Development sign-in (`AUTH_MODE=dev`, the default of `npm start`): the gateway makes an ES256
 * key pair on its first start and keeps it in the data folder; `pnpm token` signs tokens with it
 * and the gateway verifies them with its public half. Never used under `NODE_ENV=production`.
 */

export const DEV_ISSUER = "shopstream-dev";
export const DEV_AUDIENCE = "shopstream";
export const DEV_ALGORITHM = "ES256";
/** Relative to the repository root. */
export const DEV_KEY_FILE = ".data/auth/dev-signing-key.json";

export interface DevKey {
  privateKey: JWK;
  publicKey: JWK;
}

export class MissingDevKey extends Error {
  override name = "MissingDevKey";
}

function parseDevKey(text: string, file: string): DevKey {
  const parsed = JSON.parse(text) as Partial<DevKey>;
  if (!parsed.privateKey?.d || !parsed.publicKey?.x || parsed.publicKey.d !== undefined) {
    throw new Error(`${file} does not hold a development signing key`);
  }
  return { privateKey: parsed.privateKey, publicKey: parsed.publicKey };
}

/** The key in `file`; throws MissingDevKey when there is none yet. */
export async function readDevKey(file: string): Promise<DevKey> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new MissingDevKey(`no development signing key at ${file}`);
    }
    throw error;
  }
  return parseDevKey(text, file);
}

/**
 * The key in `file`, made first when there is none (folder 0700, file 0600). Safe when several
 * processes start at once: the file is created exclusively and a loser reads the winner's key.
 */
export async function loadOrCreateDevKey(file: string): Promise<DevKey> {
  try {
    return await readDevKey(file);
  } catch (error) {
    if (!(error instanceof MissingDevKey)) throw error;
  }
  const { privateKey, publicKey } = await generateKeyPair(DEV_ALGORITHM, { extractable: true });
  const kid = `dev-${crypto.randomUUID()}`;
  const key: DevKey = {
    privateKey: { ...(await exportJWK(privateKey)), kid, alg: DEV_ALGORITHM },
    publicKey: { ...(await exportJWK(publicKey)), kid, alg: DEV_ALGORITHM, use: "sig" },
  };
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  try {
    await writeFile(file, `${JSON.stringify(key, null, 2)}\n`, { flag: "wx", mode: 0o600 });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readDevKey(file);
    throw error;
  }
}
