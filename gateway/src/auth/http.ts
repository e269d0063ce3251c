import type { Principal } from "@shopstream/auth";
import type { Request } from "express";
import type { ClientAuthenticator } from "./authenticator.ts";

/** The `authenticate` of an HTTP service: the request's principal, from its authorization header. */
export const requestAuthenticator =
  (authenticator: ClientAuthenticator) =>
  (req: Request): Promise<Principal> =>
    authenticator.authenticate(req.headers.authorization);

/** The WebSocket path's: `connection_init`'s `authorization` (or `Authorization`). */
export function connectionAuthorization(params: Readonly<Record<string, unknown>>): string | null {
  const value = params.authorization ?? params.Authorization;
  if (value === undefined || value === null) return null;
  // Anything present but not a string is a bad credential, not an absent one.
  return typeof value === "string" ? value : "(not a string)";
}
