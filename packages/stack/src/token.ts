/**
 * `pnpm token --role <role>` / `pnpm token --customer <externalId>`: a bearer token for the
 * running stack's development sign-in (`AUTH_MODE=dev`), signed with the key the gateway made on
 * its first start. The token is the last line of the output:
 *
 *   curl -H "authorization: Bearer $(pnpm -s token --role support | tail -1)" …
 */
import { parseArgs } from "node:util";
import { MissingDevKey, principalOf, STAFF_ROLES, type StaffRole } from "@shopstream/auth";
import { loadConfig, loadConfigOrExit, z } from "@shopstream/config";
import { type DevTokenPrincipal, devTokenClaims, mintDevToken } from "./dev-token.ts";
import { DEFAULT_DEV_KEY_FILE } from "./stack.ts";

const USAGE =
  "usage: pnpm token --role <role> [--sub <subject>] [--ttl <seconds>] | pnpm token --customer <externalId> [--ttl <seconds>]";

/** Refuses a command line: one line, exit 2. */
function refuse(message: string): never {
  process.stderr.write(`token: ${message} (${USAGE})\n`);
  process.exit(2);
}

const config = loadConfigOrExit("token", () =>
  loadConfig(z.object({ AUTH_DEV_KEY_FILE: z.string().default(DEFAULT_DEV_KEY_FILE) })),
);

let values: { role?: string; customer?: string; sub?: string; ttl?: string };
try {
  ({ values } = parseArgs({
    options: {
      role: { type: "string" },
      customer: { type: "string" },
      sub: { type: "string" },
      ttl: { type: "string" },
    },
    strict: true,
  }));
} catch (error) {
  refuse(error instanceof Error ? error.message : String(error));
}

if ((values.role === undefined) === (values.customer === undefined)) {
  refuse("give exactly one of --role <role> or --customer <externalId>");
}
const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
if (!Number.isInteger(ttl) || ttl < 1 || ttl > 30 * 86_400) {
  refuse(`--ttl must be a whole number of seconds between 1 and ${30 * 86_400}`);
}

let principal: DevTokenPrincipal;
if (values.customer !== undefined) {
  if (values.customer.trim() === "" || values.customer.length > 255) {
    refuse("--customer needs the customer's externalId");
  }
  principal = { customer: values.customer };
} else {
  const role = values.role ?? "";
  if (!(STAFF_ROLES as readonly string[]).includes(role)) {
    refuse(
      `unknown role "${role}"; staff roles are ${STAFF_ROLES.join(", ")} (for a customer use --customer <externalId>)`,
    );
  }
  principal = {
    role: role as StaffRole,
    ...(values.sub === undefined ? {} : { sub: values.sub }),
  };
}

// The one way a development token is made (tests and the load test sign in through it too).
let token: string;
try {
  token = await mintDevToken(principal, { keyFile: config.AUTH_DEV_KEY_FILE, ttlSeconds: ttl });
} catch (error) {
  if (!(error instanceof MissingDevKey)) throw error;
  process.stderr.write(
    `token: there is no development signing key yet (${config.AUTH_DEV_KEY_FILE}); start the stack once with npm start\n`,
  );
  process.exit(1);
}

const { sub, roles } = devTokenClaims(principal);
const kind = principalOf(sub, roles).kind;
const expires = new Date(Date.now() + ttl * 1000).toISOString();
console.log(
  `# A development token for ${kind} "${sub}" with role(s) ${roles.join(", ")}, valid until ${expires}.\n` +
    `# Send it as the header  authorization: Bearer <token>  (curl -H, or GraphiQL's Headers tab).`,
);
console.log(token);
