import { type BatchHandler, type CloudEvent, perEvent, startConsumer, type Transport } from "@vextrus/events";
import type { Logger, Stoppable } from "@vextrus/platform";
import type { Database, Tx } from "@vextrus/platform/db";
import type { Registry } from "prom-client";
import { inbox, type processes } from "./db/schema.ts";
import { clearBounce } from "./domain/bounces.ts";
import {
  processesOf,
  recordProcess,
  setUserRoles,
  subscribersOf as subscribersOfTemplate,
  upsertContact,
  upsertMembership,
} from "./domain/directory.ts";
import { channelOfAddress, enqueueMany, type Requested, type Wanted } from "./domain/queue.ts";
import {
  type Contact,
  directLookup,
  type Prefs,
  toUsers as toUsersOf,
  type UserLookup,
} from "./domain/recipients.ts";
import { dhakaTime, type Locale } from "./domain/render.ts";
import type { TemplateKey } from "./domain/templates.ts";

export interface HandlerSettings {
  defaultLocale: Locale;
  /** The web app's address, for links. */
  publicUrl: string;
  /** The server's clock: when messages are recorded and first due. */
  clock: () => Date;
  /** The price of one SMS segment in poisha (`SMS_SEGMENT_COST_POISHA`): each SMS records its cost. */
  smsSegmentPoisha?: number | undefined;
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
  const handlers = messagesAsked(settings);
  // The handlers say which messages each event asks for; a batch's messages are then rendered and
  // recorded together (one INSERT, one emitMany), in the transaction that claims the batch's events.
  return async (ctx) => {
    const asked: Requested[] = [];
    await handlers(asked, batchLookup(ctx.events))(ctx);
    if (asked.length > 0) {
      await enqueueMany(ctx.tx, asked, settings);
    }
  };
}

/** The handler of each consumed event type, adding the messages an event asks for to `asked`. */
function messagesAsked(settings: HandlerSettings) {
  const base = settings.publicUrl.replace(/\/$/, "");
  const taskLink = (id: string) => `${base}/tasks/${id}`;
  const processLink = (id: string) => `${base}/processes/${id}`;
  return (asked: Requested[], lookup: BatchLookup) => {
    const findProcess = lookup.processOf;
    const toUsers = (
      tx: Tx,
      users: readonly string[],
      template: TemplateKey,
      values: (locale: Locale) => Record<string, string>,
    ) => toUsersOf(tx, users, template, values, undefined, lookup);
    const enqueue = (event: CloudEvent, wanted: readonly Wanted[]) => {
      asked.push({ event, wanted });
    };
    // Who the tenant subscribed to each kind of message: read once per batch, not once per event (read
    // again after an event of the batch changed who holds a role or sits in a department).
    const subscribed = new Map<string, Promise<string[]>>();
    const subscribersOf = (tx: Tx, template: TemplateKey) => {
      let users = subscribed.get(template);
      if (!users) {
        users = subscribersOfTemplate(tx, template);
        subscribed.set(template, users);
      }
      return users;
    };
    async function toInitiator(
      tx: Tx,
      event: CloudEvent,
      log: Logger,
      processId: string,
      template: TemplateKey,
      comment?: string,
    ) {
      const process = await findProcess(tx, processId);
      if (!process) {
        // Started before this service kept processes: nobody to tell.
        log.warn("outcome of an unknown process: its initiator is not known", {
          processId,
          type: event.type,
        });
        return;
      }
      const values = () => ({
        link: processLink(processId),
        subject: process.subject,
        comment: comment ?? "",
      });
      const users = [process.initiatorId, ...(await subscribersOf(tx, template))];
      enqueue(event, await toUsers(tx, users, template, values));
    }
    return perEvent(
      forgettingAfterWrites(lookup, {
        // The previous address hears of the change (a hijacked account's owner learns of it); the user
        // sees it in-app too (the only notice when there was no previous address).
        "vextrus.auth.user.contact_changed": async ({ tx, event }) => {
          const { userId, channel, previous, current, deliveryAddress, by } = event.data;
          // The new address itself (auth sends it beside the masked one for the notice).
          const { address } = event.data;
          if (address !== undefined) {
            const field =
              channel === "email"
                ? { email: address, emailVerified: false }
                : { mobile: address, mobileVerified: false };
            await upsertContact(tx, event.tenantid, { userId, ...field }, settings.clock());
          }
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
          enqueue(event, [
            ...toPrevious,
            { channel: "in_app", recipientId: userId, address: userId, template: "contact_changed", values },
          ]);
        },
        // The assignee (in-app, and by e-mail/SMS as they chose) and whoever the tenant subscribed.
        "vextrus.workflow.task.assigned": async ({ tx, event }) => {
          const { id, instanceId, assigneeId, dueAt } = event.data;
          const process = await findProcess(tx, instanceId);
          const values = (locale: Locale) => ({
            link: taskLink(id),
            due: dueAt ? dhakaTime(dueAt, locale) : "",
            subject: process?.subject ?? "",
          });
          const users = [assigneeId, ...(await subscribersOf(tx, "task_assigned"))];
          enqueue(event, await toUsers(tx, users, "task_assigned", values));
        },
        "vextrus.workflow.task.escalated": async ({ tx, event }) => {
          const { id, instanceId, toUserId } = event.data;
          const process = await findProcess(tx, instanceId);
          const values = () => ({ link: taskLink(id), subject: process?.subject ?? "" });
          const users = [toUserId, ...(await subscribersOf(tx, "task_escalated"))];
          enqueue(event, await toUsers(tx, users, "task_escalated", values));
        },
        // The initiator hears the outcome of their process (and the tenant's subscribers of that outcome).
        "vextrus.workflow.task.returned": async ({ tx, event, log }) => {
          const { instanceId, comment } = event.data;
          await toInitiator(tx, event, log, instanceId, "process_returned", comment);
        },
        "vextrus.workflow.instance.completed": async ({ tx, event, log }) => {
          const { id, outcome } = event.data;
          if (outcome === "approved" || outcome === "rejected") {
            await toInitiator(
              tx,
              event,
              log,
              id,
              outcome === "approved" ? "process_approved" : "process_rejected",
            );
          }
        },
        "vextrus.workflow.instance.started": async ({ tx, event }) => {
          const { id, startedBy, subject } = event.data;
          await recordProcess(tx, event.tenantid, { id, initiatorId: startedBy, subject });
        },
        // The directory: who people are (auth), which roles they hold (auth), where they sit (organization).
        "vextrus.auth.user.registered": async ({ tx, event }) => {
          const { userId, email, mobile, name, roleIds, version } = event.data;
          const contact = { userId, email, mobile, name, version, active: true };
          await upsertContact(tx, event.tenantid, contact, settings.clock());
          if (roleIds) {
            await setUserRoles(tx, event.tenantid, userId, roleIds);
            subscribed.clear();
          }
        },
        "vextrus.auth.user.invited": async ({ tx, event }) => {
          const { userId, email, mobile, roleIds, version } = event.data;
          await upsertContact(tx, event.tenantid, { userId, email, mobile, version }, settings.clock());
          await setUserRoles(tx, event.tenantid, userId, roleIds ?? []);
          subscribed.clear();
        },
        "vextrus.auth.user.updated": async ({ tx, event }) => {
          const { userId, after, version } = event.data;
          await upsertContact(
            tx,
            event.tenantid,
            { userId, version, ...snapshotContact(after) },
            settings.clock(),
          );
        },
        "vextrus.auth.user.deactivated": async ({ tx, event }) => {
          const { userId, version } = event.data;
          await upsertContact(tx, event.tenantid, { userId, version, active: false }, settings.clock());
        },
        "vextrus.auth.user.roles_assigned": async ({ tx, event }) => {
          const { userId, roleIds, after } = event.data;
          await setUserRoles(tx, event.tenantid, userId, after?.roleIds ?? roleIds);
          subscribed.clear();
        },
        "vextrus.auth.user.contact_verified": async ({ tx, event }) => {
          const { userId, channel } = event.data;
          const verified = channel === "email" ? { emailVerified: true } : { mobileVerified: true };
          await upsertContact(tx, event.tenantid, { userId, ...verified }, settings.clock());
          if (channel === "email") {
            await clearBounce(tx, event.tenantid, userId);
          }
        },
        "vextrus.organization.membership.created": async ({ tx, event }) => {
          await upsertMembership(tx, event.tenantid, event.data.id, event.data.after);
          subscribed.clear();
        },
        "vextrus.organization.membership.updated": async ({ tx, event }) => {
          await upsertMembership(tx, event.tenantid, event.data.id, event.data.after);
          subscribed.clear();
        },
        "vextrus.organization.membership.archived": async ({ tx, event }) => {
          await upsertMembership(tx, event.tenantid, event.data.id, event.data.after);
          subscribed.clear();
        },
      }),
    );
  };
}

type Process = typeof processes.$inferSelect;

/** A consumer batch's reads of processes, contacts and preferences (see batchLookup). */
interface BatchLookup extends UserLookup {
  processOf(tx: Tx, id: string): Promise<Process | undefined>;
  /** Forgets what was read: an event of the batch changed the directory. */
  forget(): void;
}

/** The event types that only read the directory (every other consumed type may change it). */
const READS_ONLY = new Set<string>([
  "vextrus.workflow.task.assigned",
  "vextrus.workflow.task.escalated",
  "vextrus.workflow.task.returned",
  "vextrus.workflow.instance.completed",
]);

/** The handlers, each of a type that may change the directory followed by `lookup.forget()`. */
function forgettingAfterWrites<H extends Record<string, ((ctx: never) => Promise<void>) | undefined>>(
  lookup: BatchLookup,
  handlers: H,
): H {
  return Object.fromEntries(
    Object.entries(handlers).map(([type, handle]) => [
      type,
      READS_ONLY.has(type) || !handle
        ? handle
        : async (ctx: never) => {
            try {
              await handle(ctx);
            } finally {
              lookup.forget();
            }
          },
    ]),
  ) as H;
}

/**
 * The processes, contacts and preferences a batch's task events need, read set-based: the first
 * lookup that misses reads, in one query per table, what it asked for and what every other task event
 * of the batch will ask for (its process, its assignee), so a batch of hundreds of task events costs
 * three SELECTs, not three per event. Results are kept for the batch only (one transaction), and
 * forgotten when an event of the batch changes the directory (a user registered, a process started).
 */
function batchLookup(events: readonly CloudEvent[]): BatchLookup {
  const users = new Set<string>();
  const processIds = new Set<string>();
  for (const event of events) {
    const data = (event.data ?? {}) as Record<string, unknown>;
    const add = (set: Set<string>, value: unknown) => {
      if (typeof value === "string") {
        set.add(value);
      }
    };
    if (event.type === "vextrus.workflow.task.assigned") {
      add(users, data.assigneeId);
      add(processIds, data.instanceId);
    } else if (event.type === "vextrus.workflow.task.escalated") {
      add(users, data.toUserId);
      add(processIds, data.instanceId);
    } else if (event.type === "vextrus.workflow.task.returned") {
      add(processIds, data.instanceId);
    } else if (event.type === "vextrus.workflow.instance.completed") {
      add(processIds, data.id);
    }
  }
  let contacts = new Map<string, Contact | null>();
  let prefs = new Map<string, Prefs | null>();
  let found = new Map<string, Process | null>();
  /** `ids` from `cache`, reading the missing ones (and the batch's other `expected` ones) first. */
  async function through<T>(
    cache: Map<string, T | null>,
    ids: readonly string[],
    expected: ReadonlySet<string>,
    read: (ids: string[]) => Promise<ReadonlyMap<string, T>>,
  ): Promise<Map<string, T>> {
    if (ids.some((id) => !cache.has(id))) {
      const wanted = [...new Set([...ids, ...expected])].filter((id) => !cache.has(id));
      const rows = await read(wanted);
      for (const id of wanted) {
        cache.set(id, rows.get(id) ?? null);
      }
    }
    const out = new Map<string, T>();
    for (const id of ids) {
      const row = cache.get(id);
      if (row) {
        out.set(id, row);
      }
    }
    return out;
  }
  return {
    contactsOf: (tx, ids) => through(contacts, ids, users, (wanted) => directLookup.contactsOf(tx, wanted)),
    preferencesOf: (tx, ids) =>
      through(prefs, ids, users, (wanted) => directLookup.preferencesOf(tx, wanted)),
    async processOf(tx, id) {
      const rows = await through(found, [id], processIds, (wanted) => processesOf(tx, wanted));
      return rows.get(id);
    },
    forget() {
      contacts = new Map();
      prefs = new Map();
      found = new Map();
    },
  };
}

/** The addresses of a user snapshot (auth's `snapshot`: name, email, mobile, status). */
function snapshotContact(after: Record<string, unknown>) {
  const text = (v: unknown) => (typeof v === "string" ? v : v === null ? null : undefined);
  return {
    name: text(after.name),
    email: text(after.email),
    mobile: text(after.mobile),
    active: typeof after.status === "string" ? after.status !== "deactivated" : undefined,
  };
}

export const CONSUMED_TOPICS = [
  "vextrus.auth.user",
  "vextrus.workflow.task",
  "vextrus.workflow.instance",
  "vextrus.organization.membership",
];

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
