import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildEvent,
  createCatalogTopics,
  kafkaTransport,
  type Transport,
  withKafkaAdmin,
} from "@vextrus/events";
import type { Stoppable } from "@vextrus/platform";
import { rowsOf } from "@vextrus/platform/db";
import { kafkaBrokers } from "@vextrus/platform/testing";
import { sql } from "drizzle-orm";
import { Registry } from "prom-client";
import { folderChannel, smtpChannel } from "../src/channels/email.ts";
import type { Channel } from "../src/channels/types.ts";
import { type Dispatcher, dispatchOnce, startDispatcher } from "../src/domain/dispatch.ts";
import { enqueueMany } from "../src/domain/queue.ts";
import { CONSUMED_TOPICS, startNotificationEvents } from "../src/events.ts";
import { createNotificationMetrics } from "../src/metrics.ts";
import { mailbox, type NotificationHarness, smtpUrl, startNotification } from "./harness.ts";
import { eventually } from "./kafka.ts";

let h: NotificationHarness;
let transport: Transport;
let brokers: string[] = [];
let topicNames: string[] = [];
const parts: Stoppable[] = [];
let smtp: Channel & { close(): void };

const dispatcher = (email: Channel, sms: Channel = email): Dispatcher => ({
  db: h.db,
  channels: { email, sms },
  clock: h.clock.read,
  log: h.log,
  metrics: createNotificationMetrics(new Registry()),
  maxAttempts: 2,
});

beforeAll(async () => {
  h = await startNotification("email");
  smtp = smtpChannel(smtpUrl(), "Vextrus <no-reply@vextrus.local>");
  const prefix = `t-notif-${Bun.randomUUIDv7().slice(-8)}.`;
  brokers = kafkaBrokers();
  topicNames = await withKafkaAdmin(brokers, async (admin) =>
    (
      await createCatalogTopics(admin, { prefix, partitions: 2, replicationFactor: 1, only: CONSUMED_TOPICS })
    ).map((t) => t.name),
  );
  transport = kafkaTransport({ brokers, clientId: "notification-test", log: h.log, topicPrefix: prefix });
  parts.push(
    ...(await startNotificationEvents({
      db: h.db,
      transport,
      log: h.log,
      settings: { defaultLocale: "bn", publicUrl: "https://erp.example.com.bd", clock: h.clock.read },
    })),
  );
}, 120_000);

afterAll(async () => {
  for (const part of parts.reverse()) {
    await part.stop();
  }
  smtp.close();
  await transport.close();
  await withKafkaAdmin(brokers, (admin) => admin.deleteTopics({ topics: topicNames })).catch(() => undefined);
  await h.stop();
}, 60_000);

const countRows = async (eventId: string) =>
  h.db.privileged(async (tx) =>
    Number(
      rowsOf<{ n: string }>(
        await tx.execute(sql`select count(*) as n from notification.deliveries where event_id = ${eventId}`),
      )[0]?.n ?? 0,
    ),
  );

function contactChanged(tenantId: string, userId: string, address: string) {
  return buildEvent({
    type: "vextrus.auth.user.contact_changed",
    subject: userId,
    tenantId,
    data: {
      userId,
      channel: "email",
      previous: "ra***@example.com",
      current: "ne***@example.com",
      deliveryAddress: address,
      by: "admin",
    },
  });
}

describe("auth's contact_changed → an e-mail over real SMTP (GreenMail) and an in-app message", () => {
  test("the previous address gets the notice in Bengali (UTF-8 HTML + text); a redelivery sends nothing twice", async () => {
    const user = await h.user();
    const address = `rahim-${Bun.randomUUIDv7().slice(-8)}@example.com`;
    const built = contactChanged(user.tenantId, user.userId, address);
    const publisher = transport.publisher("test-auth");
    const message = { topic: built.topic, key: built.key, value: JSON.stringify(built.event) };
    await publisher.send([message]);
    expect(
      await eventually(
        () => countRows(built.event.id),
        (n) => n === 2,
      ),
    ).toBe(2);

    expect(await dispatchOnce(dispatcher(smtp))).toBe(1);
    const mails = await eventually(
      () => mailbox(address),
      (list) => list.length === 1,
    );
    expect(mails).toHaveLength(1);
    const mail = mails[0];
    expect(mail?.subject).toBe("আপনার ভেক্সট্রাস ই-মেইল ঠিকানা পরিবর্তন করা হয়েছে");
    const raw = mail?.mimeMessage ?? "";
    // Encoded-words for the subject (no raw UTF-8 in the header), both parts, UTF-8.
    expect(raw).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    expect(raw).toContain("multipart/alternative");
    expect(raw).toContain("text/html; charset=utf-8");
    expect(raw).toContain("text/plain; charset=utf-8");
    const text = Buffer.from(
      /text\/plain[\s\S]*?\r?\n\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n--/.exec(raw)?.[1] ?? "",
      "base64",
    ).toString("utf8");
    expect(text).toContain("একজন প্রশাসকের দ্বারা");
    expect(text).toContain("ra***@example.com");

    // In-app: listable by the recipient, and only by them.
    const inbox = await user.api.inbox.list.query({});
    expect(inbox.items.map((m) => m.templateKey)).toEqual(["contact_changed"]);
    const stranger = await h.user(user.tenantId);
    expect((await stranger.api.inbox.list.query({})).items).toEqual([]);

    // Redelivered (the crash-before-commit-of-the-offset case): the inbox claim makes it a no-op.
    await publisher.send([message]);
    await Bun.sleep(1500);
    expect(await countRows(built.event.id)).toBe(2);
    expect(await dispatchOnce(dispatcher(smtp))).toBe(0);
    expect(await mailbox(address)).toHaveLength(1);
    await publisher.close();
  }, 90_000);

  test("the recipient's language chooses the template; English when they chose it", async () => {
    const user = await h.user();
    await user.api.preferences.set.mutate({ locale: "en", expectedVersion: 0 });
    await expect(user.api.preferences.set.mutate({ locale: "bn", expectedVersion: 0 })).rejects.toMatchObject(
      {
        data: { code: "CONFLICT" },
      },
    );
    const address = `karim-${Bun.randomUUIDv7().slice(-8)}@example.com`;
    const built = contactChanged(user.tenantId, user.userId, address);
    const publisher = transport.publisher("test-auth-en");
    await publisher.send([{ topic: built.topic, key: built.key, value: JSON.stringify(built.event) }]);
    await eventually(
      () => countRows(built.event.id),
      (n) => n === 2,
    );
    await dispatchOnce(dispatcher(smtp));
    const mails = await eventually(
      () => mailbox(address),
      (list) => list.length === 1,
    );
    expect(mails[0]?.subject).toBe("Your Vextrus e-mail address was changed");
    await publisher.close();
  }, 90_000);
});

describe("workflow's task events → the assignee's in-app inbox", () => {
  test("task.assigned lands in the assignee's inbox with the due time in Dhaka; read marks work", async () => {
    const user = await h.user();
    const taskId = Bun.randomUUIDv7();
    const built = buildEvent({
      type: "vextrus.workflow.task.assigned",
      subject: taskId,
      tenantId: user.tenantId,
      data: {
        id: taskId,
        instanceId: Bun.randomUUIDv7(),
        assigneeId: user.userId,
        dueAt: "2026-06-15T12:00:00.000Z",
      },
    });
    const publisher = transport.publisher("test-workflow");
    await publisher.send([{ topic: built.topic, key: built.key, value: JSON.stringify(built.event) }]);
    const listed = await eventually(
      () => user.api.inbox.list.query({}),
      (page) => page.items.length === 1,
    );
    const [item] = listed.items;
    expect(item?.subject).toBe("একটি কাজ আপনার অনুমোদনের অপেক্ষায়");
    // 12:00 UTC is 18:00 in Dhaka, in Bengali digits.
    expect(item?.body).toContain("১৮:০০");
    expect(item?.body).toContain(`https://erp.example.com.bd/tasks/${taskId}`);
    expect(await user.api.inbox.unreadCount.query()).toEqual({ unread: 1 });

    // Another tenant's user with the same id sees nothing and cannot mark it.
    const other = await h.user(Bun.randomUUIDv7(), user.userId);
    expect((await other.api.inbox.list.query({})).items).toEqual([]);
    await expect(other.api.inbox.markRead.mutate({ id: item?.id ?? "" })).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
    await expect(user.api.inbox.markRead.mutate({ id: "not-a-uuid" })).rejects.toMatchObject({
      data: { code: "BAD_REQUEST" },
    });

    const read = await user.api.inbox.markRead.mutate({ id: item?.id ?? "" });
    expect(read.readAt).not.toBeNull();
    expect(await user.api.inbox.unreadCount.query()).toEqual({ unread: 0 });
    // Reading it again changes nothing and announces nothing twice.
    await user.api.inbox.markRead.mutate({ id: item?.id ?? "" });
    const reads = await h.db.privileged(async (tx) =>
      rowsOf<{ n: string }>(
        await tx.execute(
          sql`select count(*) as n from notification.outbox where event->>'type' = 'vextrus.notification.delivery.read' and event->'data'->>'id' = ${item?.id ?? ""}`,
        ),
      ),
    );
    expect(Number(reads[0]?.n)).toBe(1);
    expect((await user.api.inbox.list.query({ unreadOnly: true })).items).toEqual([]);
    expect(await user.api.inbox.markAllRead.mutate()).toEqual({ marked: 0 });
    await publisher.close();
  }, 90_000);
});

describe("delivery outcomes", () => {
  test("a refused send is retried with backoff, then failed after the last attempt", async () => {
    const user = await h.user();
    const address = `nobody-${Bun.randomUUIDv7().slice(-8)}@example.com`;
    const built = contactChanged(user.tenantId, user.userId, address);
    const publisher = transport.publisher("test-auth-fail");
    await publisher.send([{ topic: built.topic, key: built.key, value: JSON.stringify(built.event) }]);
    await eventually(
      () => countRows(built.event.id),
      (n) => n === 2,
    );
    const refusing: Channel = {
      name: "refusing",
      send: async () => {
        throw new Error("550 mailbox unavailable");
      },
    };
    // Earlier tests' messages are all sent; only this one is due.
    expect(await dispatchOnce(dispatcher(refusing))).toBe(1);
    expect(await dispatchOnce(dispatcher(refusing))).toBe(0); // backing off
    h.clock.advance(120_000);
    expect(await dispatchOnce(dispatcher(refusing))).toBe(1);
    h.clock.advance(3_600_000);
    expect(await dispatchOnce(dispatcher(refusing))).toBe(0); // failed: never again
    const [row] = await h.db.privileged(async (tx) =>
      rowsOf<{ status: string; attempts: number; last_error: string }>(
        await tx.execute(
          sql`select status, attempts, last_error from notification.deliveries where event_id = ${built.event.id} and channel = 'email'`,
        ),
      ),
    );
    expect(row).toEqual({ status: "failed", attempts: 2, last_error: "550 mailbox unavailable" });
    await publisher.close();
  }, 90_000);

  test("the embedded default writes an .eml file a person can open", async () => {
    const dir = join(tmpdir(), `vextrus-mail-${Bun.randomUUIDv7()}`);
    const channel = folderChannel(dir, "Vextrus <no-reply@vextrus.local>");
    const id = Bun.randomUUIDv7();
    await channel.send({
      id,
      to: "a@example.com",
      subject: "পাসওয়ার্ড",
      text: "টাকা ১,২৫,০০০",
      html: "<p>টাকা</p>",
    });
    expect(readdirSync(dir)).toEqual([`${id}.eml`]);
    const eml = readFileSync(join(dir, `${id}.eml`), "utf8");
    expect(eml).toContain("Subject: =?UTF-8?B?");
    expect(eml).toContain(`Message-ID: <${id}@vextrus.local>`);
    rmSync(dir, { recursive: true, force: true });
  });

  test("the dispatcher loop: several passes over two tenants, each mail sent once, every one recorded `sent` with one event by stop()", async () => {
    // A lane records a pass's outcomes while it sends the next: stop() must wait for those recordings.
    const tenants = [(await h.user()).tenantId, (await h.user()).tenantId];
    const addresses = tenants.map((t) => `loop-${t.slice(-8)}@example.com`);
    const perTenant = 150; // three passes of 100 between the two lanes
    const settings = { defaultLocale: "en" as const, clock: h.clock.read };
    for (const [i, tenantId] of tenants.entries()) {
      const requested = Array.from({ length: perTenant }, () => ({
        event: { id: Bun.randomUUIDv7(), tenantid: tenantId },
        wanted: [
          {
            channel: "email" as const,
            recipientId: null,
            address: addresses[i] ?? "",
            template: "task_assigned" as const,
            values: () => ({ link: "https://erp.example.com.bd/tasks/1" }),
          },
        ],
      }));
      await h.db.tenant(tenantId, (tx) => enqueueMany(tx, requested, settings));
    }
    // The real SMTP channel, telling when the server accepted the last mail: stop() is called at once.
    let accepted = 0;
    let allAccepted = () => {};
    const everyOne = new Promise<void>((resolve) => {
      allAccepted = resolve;
    });
    const counting: Channel = {
      name: "smtp",
      async send(message) {
        const answer = await smtp.send(message);
        accepted += 1;
        if (accepted === 2 * perTenant) {
          allAccepted();
        }
        return answer;
      },
    };
    const loop = startDispatcher(dispatcher(counting), 20);
    await everyOne;
    await loop.stop();
    const rows = await h.db.privileged(async (tx) =>
      rowsOf<{ status: string; n: number; events: number }>(
        await tx.execute(sql`select d.status, count(*)::int as n,
            sum((select count(*) from notification.outbox o where o.event->>'subject' = d.id::text
              and o.event->>'type' = 'vextrus.notification.delivery.sent'))::int as events
          from notification.deliveries d where d.tenant_id in (${tenants[0]}, ${tenants[1]})
          group by d.status`),
      ),
    );
    expect(rows).toEqual([{ status: "sent", n: 2 * perTenant, events: 2 * perTenant }]);
    expect(accepted).toBe(2 * perTenant);
    for (const address of addresses) {
      const mails = await eventually(
        () => mailbox(address),
        (list) => list.length >= perTenant,
      );
      expect(mails).toHaveLength(perTenant);
    }
  }, 90_000);
});

describe("attachments", () => {
  test("a PDF sent with a Bengali mail arrives intact (read back from GreenMail)", async () => {
    // A small but real PDF (bytes above 0x7f included, so a lossy encoding would show).
    const pdf = new Uint8Array(
      Buffer.from(
        "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
        "latin1",
      ),
    );
    const address = `docs-${Bun.randomUUIDv7().slice(-8)}@example.com`;
    await smtp.send({
      id: Bun.randomUUIDv7(),
      to: address,
      subject: "মূসক-৬.৩ চালান",
      text: "সংযুক্ত চালানটি দেখুন।",
      html: null,
      attachments: [{ filename: "চালান-১২৩.pdf", contentType: "application/pdf", content: pdf }],
    });
    const [mail] = await eventually(
      () => mailbox(address),
      (list) => list.length === 1,
    );
    const raw = mail?.mimeMessage ?? "";
    expect(raw).toContain("multipart/mixed");
    expect(raw).toContain("Content-Type: application/pdf");
    const part =
      /Content-Type: application\/pdf[\s\S]*?\r?\n\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n--/.exec(raw)?.[1] ?? "";
    const received = Buffer.from(part.replace(/\s+/g, ""), "base64");
    expect(received.equals(Buffer.from(pdf))).toBe(true);
    // The Bengali file name survives as an RFC 2231/2047 encoded parameter.
    expect(raw).toMatch(/filename\*[0-9*]*=utf-8''|name="=\?utf-8\?/i);
  }, 60_000);
});
