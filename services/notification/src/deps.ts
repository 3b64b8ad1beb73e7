import type { TenantContext } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { Channel } from "./channels/types.ts";
import type { Locale } from "./domain/render.ts";
import type { AttachmentSource } from "./upstream/attachments.ts";

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
    /** The price of one SMS segment in poisha (each SMS records its cost); default ৳0.35. */
    smsSegmentPoisha?: number | undefined;
  };
  /** Outbound webhooks: whether endpoints may be private addresses (never in production). */
  webhooks: { allowPrivate: boolean };
  /** Reads files and issued documents for e-mail attachments (absent: not configured). */
  attachments?: AttachmentSource | undefined;
}

/** What every domain verb of this service receives. */
export type NotifyContext = TenantContext<NotificationDeps>;
