import type { TenantContext } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";

export interface NotificationDeps {
  db: Database;
  /** The server's clock: "now" never comes from a caller. */
  clock: () => Date;
}

/** What every domain verb of this service receives. */
export type NotifyContext = TenantContext<NotificationDeps>;
