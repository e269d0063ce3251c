import { loadOrCreateDevKey } from "@shopstream/auth";
import type { Logger } from "@shopstream/service";
import {
  type ClientAuthenticator,
  type CustomerIdLookup,
  createDevAuthenticator,
  createOidcAuthenticator,
} from "./authenticator.ts";

export * from "./authenticator.ts";
export * from "./customer-ids.ts";
export * from "./http.ts";

export type ClientAuthConfig =
  | { mode: "dev"; devKeyFile: string }
  | {
      mode: "oidc";
      jwksUrl: string;
      issuer: string;
      audience: string;
      algorithms: string[];
      rolesClaim: string;
    };

/** The authenticator the configuration asks for; dev mode makes its key on the first start. */
export async function createClientAuthenticator(
  config: ClientAuthConfig,
  options: { customerIds?: CustomerIdLookup; logger?: Logger } = {},
): Promise<ClientAuthenticator> {
  const extra = options.customerIds ? { customerIds: options.customerIds } : {};
  if (config.mode === "oidc") {
    options.logger?.info("authentication", { mode: "oidc", issuer: config.issuer });
    return createOidcAuthenticator({ ...config, ...extra });
  }
  const key = await loadOrCreateDevKey(config.devKeyFile);
  options.logger?.info("authentication", { mode: "dev", keyFile: config.devKeyFile });
  return createDevAuthenticator(key.publicKey, extra);
}
