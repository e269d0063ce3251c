import { byIdLoader } from "@shopstream/service";
import type { IdentityDb } from "../db.ts";
import { findCustomersByIds } from "./customer.repository.ts";
import type { Customer } from "./customer.ts";

/** Per-request loader: every `Customer` look-up in one request becomes one query. */
export function createCustomerLoader(db: IdentityDb) {
  return byIdLoader(async (ids) =>
    (await findCustomersByIds(db, ids)).filter((c): c is Customer => c !== null),
  );
}
