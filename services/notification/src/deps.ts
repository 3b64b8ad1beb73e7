import type { TenantContext } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { Channel } from "./channels/types.ts";
import type { Locale } from "./domain/render.ts";

export interface NotificationDeps {
  db: Database;
  /** The server's clock: "now" never comes from a caller. */
  clock: () => Date;
  /** Where mail and SMS go (secret links are sent at once, not by the dispatcher). */
  channels: { email: Channel; sms: Channel };
  settings: {
    /** The web app's address, for links. */
    publicUrl: string;
    defaultLocale: Locale;
  };
}

/** What every domain verb of this service receives. */
export type NotifyContext = TenantContext<NotificationDeps>;
