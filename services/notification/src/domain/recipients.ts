import type { Tx } from "@vextrus/platform/db";
import { inArray } from "drizzle-orm";
import { type AttachmentRef, type contacts, preferences } from "../db/schema.ts";
import { contactsOf } from "./directory.ts";
import type { Values } from "./engine.ts";
import type { Wanted } from "./queue.ts";
import type { Locale } from "./render.ts";
import type { TemplateKey } from "./templates.ts";

/** What a user chooses channels for; `security` messages ignore quiet hours and the digest. */
export type Category = "task" | "process" | "security";
export const CATEGORIES = ["task", "process", "security"] as const;

export const CATEGORY_OF: Record<TemplateKey, Category> = {
  task_assigned: "task",
  task_escalated: "task",
  process_approved: "process",
  process_rejected: "process",
  process_returned: "process",
  daily_digest: "process",
  document_sent: "process",
  contact_changed: "security",
  invitation: "security",
  password_reset: "security",
  contact_verification: "security",
};

/** Besides the in-app message every user gets, the channels of a category nobody chose for. */
export const DEFAULT_CHANNELS: Record<Category, ("email" | "sms")[]> = {
  task: ["email"],
  process: ["email"],
  security: ["email"],
};

type Contact = typeof contacts.$inferSelect;
type Prefs = typeof preferences.$inferSelect;

/** Where toUsers reads users' contacts and preferences (a consumer batch reads them once for all its events). */
export type { Contact, Prefs };

export interface UserLookup {
  contactsOf(tx: Tx, ids: readonly string[]): Promise<ReadonlyMap<string, Contact>>;
  preferencesOf(tx: Tx, ids: readonly string[]): Promise<ReadonlyMap<string, Prefs>>;
}

/** Straight from the tables, each call. */
export const directLookup: UserLookup = {
  contactsOf,
  async preferencesOf(tx, ids) {
    const rows = await tx
      .select()
      .from(preferences)
      .where(inArray(preferences.userId, [...ids]));
    return new Map(rows.map((p) => [p.userId, p]));
  },
};

/**
 * The messages `template` sends to `userIds` (deduplicated): an in-app message each (the inbox is the
 * record), plus e-mail and/or SMS as each user's preferences for the category choose (default: e-mail),
 * at the addresses auth last announced. Deactivated users get nothing.
 */
export async function toUsers(
  tx: Tx,
  userIds: readonly string[],
  template: TemplateKey,
  values: (locale: Locale) => Values,
  attachments?: AttachmentRef[],
  lookup: UserLookup = directLookup,
): Promise<Wanted[]> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) {
    return [];
  }
  const category = CATEGORY_OF[template];
  const known = await lookup.contactsOf(tx, ids);
  const prefs = await lookup.preferencesOf(tx, ids);
  const wanted: Wanted[] = [];
  for (const userId of ids) {
    const contact = known.get(userId);
    if (contact && !contact.active) {
      continue;
    }
    const base = { recipientId: userId, template, values };
    wanted.push({ ...base, channel: "in_app", address: userId });
    const channels = prefs.get(userId)?.channels[category] ?? DEFAULT_CHANNELS[category];
    if (channels.includes("email") && contact?.email) {
      wanted.push({
        ...base,
        channel: "email",
        address: contact.email,
        ...(attachments ? { attachments } : {}),
      });
    }
    if (channels.includes("sms") && contact?.mobile) {
      wanted.push({ ...base, channel: "sms", address: contact.mobile });
    }
  }
  return wanted;
}
