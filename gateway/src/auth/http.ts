import { ANONYMOUS, actorOf, type Principal } from "@shopstream/auth";
import { isDomainError } from "@shopstream/errors";
import type { RequestContext } from "@shopstream/service";
import type { Express, Request, RequestHandler } from "express";
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

/**
 * The gateway's HTTP authentication, as `startHttpService` options: `mount` (after any other
 * routes) authenticates `/graphql` requests before Apollo, `context` hands Apollo the principal
 * (and its actor; the client's `x-actor` header is never believed).
 */
export function httpAuthentication(authenticator: ClientAuthenticator) {
  const middleware = authenticateGraphql(requestAuthenticator(authenticator));
  return {
    mount(app: Express): void {
      app.use("/graphql", middleware);
    },
    context<T extends RequestContext>(base: T, req: Request): T & { principal: Principal } {
      const principal = principalOfRequest(req);
      return { ...base, principal, actor: actorOf(principal) };
    },
  };
}
