import { type BatchHandler, perEvent, startConsumer, type Transport } from "@vextrus/events";
import type { Logger, Stoppable } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { Registry } from "prom-client";
import { inbox } from "./db/schema.ts";
import { channelOfAddress, enqueue } from "./domain/queue.ts";
import { dhakaTime, type Locale } from "./domain/render.ts";

export interface HandlerSettings {
  defaultLocale: Locale;
  /** The web app's address, for links. */
  publicUrl: string;
  /** The server's clock: when messages are recorded and first due. */
  clock: () => Date;
}

const CHANNEL_NAMES: Record<"email" | "mobile", Record<Locale, string>> = {
  email: { en: "e-mail address", bn: "ই-মেইল ঠিকানা" },
  mobile: { en: "mobile number", bn: "মোবাইল নম্বর" },
};
const BY: Record<"self" | "admin", Record<Locale, string>> = {
  self: { en: "by you", bn: "আপনার দ্বারা" },
  admin: { en: "by an administrator", bn: "একজন প্রশাসকের দ্বারা" },
};
const NONE: Record<Locale, string> = { en: "(none)", bn: "(নেই)" };

/** The messages each consumed event asks for, recorded with its inbox claim (so exactly once). */
export function notificationHandler(settings: HandlerSettings): BatchHandler {
  const taskLink = (id: string) => `${settings.publicUrl.replace(/\/$/, "")}/tasks/${id}`;
  return perEvent({
    // The previous address hears of the change (a hijacked account's owner learns of it); the user
    // sees it in-app too (the only notice when there was no previous address).
    "vextrus.auth.user.contact_changed": async ({ tx, event }) => {
      const { userId, channel, previous, current, deliveryAddress, by } = event.data;
      const toPrevious = deliveryAddress
        ? [
            {
              channel: channelOfAddress(deliveryAddress),
              recipientId: userId,
              address: deliveryAddress,
              template: "contact_changed" as const,
              values: (locale: Locale) => values(locale),
            },
          ]
        : [];
      const values = (locale: Locale) => ({
        channel: CHANNEL_NAMES[channel][locale],
        previous: previous ?? NONE[locale],
        current: current ?? NONE[locale],
        by: BY[by][locale],
      });
      await enqueue(
        tx,
        event,
        [
          ...toPrevious,
          { channel: "in_app", recipientId: userId, address: userId, template: "contact_changed", values },
        ],
        settings,
      );
    },
    "vextrus.workflow.task.assigned": async ({ tx, event }) => {
      const { id, assigneeId, dueAt } = event.data;
      const values = (locale: Locale) => ({
        link: taskLink(id),
        due: dueAt ? dhakaTime(dueAt, locale) : "",
      });
      await enqueue(
        tx,
        event,
        [
          {
            channel: "in_app",
            recipientId: assigneeId,
            address: assigneeId,
            template: "task_assigned",
            values,
          },
        ],
        settings,
      );
    },
    "vextrus.workflow.task.escalated": async ({ tx, event }) => {
      const { id, toUserId } = event.data;
      await enqueue(
        tx,
        event,
        [
          {
            channel: "in_app",
            recipientId: toUserId,
            address: toUserId,
            template: "task_escalated",
            values: () => ({ link: taskLink(id) }),
          },
        ],
        settings,
      );
    },
  });
}

export const CONSUMED_TOPICS = ["vextrus.auth.user", "vextrus.workflow.task"];

/** The service's consumer group over auth's user events and workflow's task events (inbox-deduped). */
export async function startNotificationEvents(options: {
  db: Database;
  transport: Transport;
  log: Logger;
  settings: HandlerSettings;
  registry?: Registry;
}): Promise<Stoppable[]> {
  const consumer = await startConsumer({
    name: "notification",
    topics: CONSUMED_TOPICS,
    db: options.db,
    inbox,
    transport: options.transport,
    handle: notificationHandler(options.settings),
    log: options.log,
    ...(options.registry ? { registry: options.registry } : {}),
  });
  return [{ name: "event consumer", stop: () => consumer.stop() }];
}
