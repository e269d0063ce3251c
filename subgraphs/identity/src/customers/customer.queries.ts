import { byIdLoader } from "@shopstream/service";
import type { IdentityDb } from "../db.ts";
import { findCustomers } from "./customer.repository.ts";

/** Per-request loader: every `Customer` look-up in one request becomes one query. */
export function createCustomerLoader(db: IdentityDb) {
  return byIdLoader((ids) => findCustomers(db, ids));
}
