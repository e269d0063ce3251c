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
