export {
  DEV_ALGORITHM,
  DEV_AUDIENCE,
  DEV_ISSUER,
  DEV_KEY_FILE,
  type DevKey,
  loadOrCreateDevKey,
  MissingDevKey,
  readDevKey,
} from "./dev-keys.ts";
export { DEV_TOKEN_SECONDS, signDevToken } from "./dev-token.ts";
export {
  createInternalSigner,
  createInternalVerifier,
  generateInternalKeyPair,
  INTERNAL_ALGORITHM,
  INTERNAL_ISSUER,
  INTERNAL_TOKEN_SECONDS,
  type InternalKeyPair,
  InvalidInternalToken,
} from "./internal-token.ts";
export {
  ANONYMOUS,
  actorOf,
  hasRole,
  isRole,
  type Principal,
  type PrincipalKind,
  principalOf,
  ROLES,
  type Role,
  STAFF_ROLES,
  type StaffRole,
} from "./principal.ts";
export { VerifiedTokens } from "./verified-tokens.ts";
