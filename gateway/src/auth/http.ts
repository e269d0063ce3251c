import { ANONYMOUS, type Principal } from "@shopstream/auth";
import { isDomainError } from "@shopstream/errors";
import type { Request, RequestHandler } from "express";
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

const principals = new WeakMap<Request, Principal>();

/** The principal `authenticateGraphql` found for a request (anonymous when it did not run). */
export const principalOfRequest = (req: Request): Principal => principals.get(req) ?? ANONYMOUS;

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, SERVICE_UNAVAILABLE: 503 };

/**
 * Express middleware for `/graphql`, run before Apollo: authenticates the request, and answers a
 * refused one with HTTP 401 and a GraphQL error in JSON (code UNAUTHENTICATED).
 */
export function authenticateGraphql(
  authenticate: (req: Request) => Promise<Principal>,
): RequestHandler {
  return (req, res, next) => {
    authenticate(req).then(
      (principal) => {
        principals.set(req, principal);
        next();
      },
      (error: unknown) => {
        if (!isDomainError(error)) return next(error);
        res.status(STATUS[error.code] ?? 400).json({
          errors: [{ message: error.message, extensions: { code: error.code } }],
        });
      },
    );
  };
}
