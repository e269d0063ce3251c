/**
 * Prints a fresh gateway → subgraph key pair as environment lines, for deployments that the start
 * command does not run (e.g. `node --import tsx packages/stack/src/internal-keys.ts >> .env` next
 * to docker-compose.yml). The private key is a secret of the gateway; the public one goes to
 * every subgraph. `npm start` makes its own pair at every start and needs none of this.
 */
import { generateInternalKeyPair } from "@shopstream/auth";

const { privateKey, publicKey } = await generateInternalKeyPair();
console.log(`INTERNAL_AUTH_PRIVATE_KEY='${JSON.stringify(privateKey)}'`);
console.log(`INTERNAL_AUTH_PUBLIC_KEYS='${JSON.stringify([publicKey])}'`);
