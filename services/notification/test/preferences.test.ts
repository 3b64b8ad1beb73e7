import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { smtpChannel } from "../src/channels/email.ts";
import type { Channel, OutgoingMessage } from "../src/channels/types.ts";
import { sendDigests } from "../src/domain/digest.ts";
import { dispatchOnce } from "../src/domain/dispatch.ts";
import { afterQuietHours } from "../src/domain/quiet-hours.ts";
import { mailbox, type NotificationHarness, smtpUrl, startNotification } from "./harness.ts";
import { consumeFromKafka, deliveriesOf, dispatcherFor, eventually } from "./kafka.ts";

let h: NotificationHarness;
let bus: Awaited<ReturnType<typeof consumeFromKafka>>;
let smtp: Channel & { close(): void };
const texts: OutgoingMessage[] = [];
const sms: Channel = {
  name: "sms-recorder",
  send: async (m) => {
    texts.push(m);
    return { providerId: `sms-${texts.length}`, segments: 1 };
  },
};

beforeAll(async () => {
  h = await startNotification("preferences");
  smtp = smtpChannel(smtpUrl(), "Vextrus <no-reply@vextrus.local>");
  bus = await consumeFromKafka(h, "preferences");
}, 120_000);

afterAll(async () => {
  await bus.stop();
  smtp.close();
  await h.stop();
}, 60_000);

const uuid = () => Bun.randomUUIDv7();

/** A user auth announced (e-mail and mobile), signed in to the service. */
async function person(tenantId = uuid()) {
  const user = await h.user(tenantId);
  const email = `p-${uuid().slice(-8)}@example.com`;
  const mobile = `+88017${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
  await bus.publish({
    type: "vextrus.auth.user.invited",
    tenantId,
    subject: user.userId,
    data: { userId: user.userId, email, mobile, roleIds: [], version: 1 },
  });
  await eventually(
    () =>
      h.db.tenant(tenantId, async (tx) =>
        rowsOf(await tx.execute(sql`select 1 from notification.contacts where user_id = ${user.userId}`)),
      ),
    (r) => r.length === 1,
  );
  return { ...user, email, mobile };
}

const assign = async (tenantId: string, assigneeId: string) => {
  const id = uuid();
  const [eventId = ""] = await bus.publish({
    type: "vextrus.workflow.task.assigned",
    tenantId,
    subject: id,
    data: { id, instanceId: uuid(), assigneeId },
  });
  return eventId;
};

describe("quiet hours (Asia/Dhaka)", () => {
  test("the window may cross midnight; outside it nothing waits", () => {
    // 17:00Z is 23:00 in Dhaka: inside 22:00–07:00, released at 07:00 Dhaka = 01:00Z.
    expect(afterQuietHours(new Date("2026-06-15T17:00:00Z"), 22 * 60, 7 * 60).toISOString()).toBe(
      "2026-06-16T01:00:00.000Z",
    );
    // 06:00Z is 12:00 in Dhaka: outside.
    expect(afterQuietHours(new Date("2026-06-15T06:00:00Z"), 22 * 60, 7 * 60).toISOString()).toBe(
      "2026-06-15T06:00:00.000Z",
    );
    // A daytime window (13:00–14:00 Dhaka) at 13:30 Dhaka = 07:30Z → 08:00Z.
    expect(afterQuietHours(new Date("2026-06-15T07:30:00Z"), 13 * 60, 14 * 60).toISOString()).toBe(
      "2026-06-15T08:00:00.000Z",
    );
  });

  test("mail and SMS wait until the quiet hours end, the in-app message does not; security notices ignore them", async () => {
    const p = await person();
    // The harness clock reads 06:00Z = 12:00 in Dhaka: quiet 11:00–13:00 holds messages until 07:00Z.
    const saved = await p.api.preferences.set.mutate({
      channels: { task: ["email", "sms"] },
      quietHours: { start: "11:00", end: "13:00" },
      expectedVersion: 0,
    });
    expect(saved).toMatchObject({
      channels: { task: ["email", "sms"], process: ["email"], security: ["email"] },
      quietHours: { start: "11:00", end: "13:00" },
      digest: false,
      version: 1,
    });
    expect(await p.api.preferences.get.query()).toEqual(saved);
    const eventId = await assign(p.tenantId, p.userId);
    const rows = await eventually(
      () => deliveriesOf(h, eventId),
      (r) => r.length === 3,
    );
    const now = h.clock.read().getTime();
    expect(rows.map((r) => [r.channel, r.status, new Date(r.next_attempt_at).getTime() - now])).toEqual([
      ["email", "queued", 3_600_000],
      ["in_app", "sent", 0],
      ["sms", "queued", 3_600_000],
    ]);
    expect((await p.api.inbox.list.query({})).items).toHaveLength(1);

    // A security notice (the address changed) goes out at once.
    const [changed = ""] = await bus.publish({
      type: "vextrus.auth.user.contact_changed",
      tenantId: p.tenantId,
      subject: p.userId,
      data: {
        userId: p.userId,
        channel: "email",
        previous: "p***@example.com",
        current: "n***@example.com",
        deliveryAddress: p.email,
        by: "admin",
      },
    });
    await eventually(
      () => deliveriesOf(h, changed),
      (r) => r.length === 2,
    );
    texts.length = 0;
    expect(await dispatchOnce(dispatcherFor(h, smtp, sms))).toBe(1);
    expect(texts).toEqual([]);
    const first = await eventually(
      () => mailbox(p.email),
      (m) => m.length === 1,
    );
    expect(first[0]?.subject).toContain("e-mail address was changed");

    h.clock.advance(3_600_000);
    expect(await dispatchOnce(dispatcherFor(h, smtp, sms))).toBe(2);
    expect(texts.map((t) => t.to)).toEqual([p.mobile]);
    expect(
      await eventually(
        () => mailbox(p.email),
        (m) => m.length === 2,
      ),
    ).toHaveLength(2);
  }, 120_000);
});

describe("channels per category", () => {
  test("no e-mail for tasks when the user chose none; stale versions and bad times are refused", async () => {
    const p = await person();
    await p.api.preferences.set.mutate({ channels: { task: [] }, expectedVersion: 0 });
    await expect(p.api.preferences.set.mutate({ digest: true, expectedVersion: 0 })).rejects.toMatchObject({
      data: { code: "CONFLICT" },
    });
    await expect(
      p.api.preferences.set.mutate({ quietHours: { start: "25:00", end: "07:00" }, expectedVersion: 1 }),
    ).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    const eventId = await assign(p.tenantId, p.userId);
    const rows = await eventually(
      () => deliveriesOf(h, eventId),
      (r) => r.length === 1,
    );
    expect(rows.map((r) => r.channel)).toEqual(["in_app"]);
    // Changing preferences is an event (for audit), with before and after.
    const events = await h.db.privileged(async (tx) =>
      rowsOf<{ type: string }>(
        await tx.execute(
          sql`select event->>'type' as type from notification.outbox where event->>'subject' = ${p.userId} and event->>'type' like '%preference%'`,
        ),
      ),
    );
    expect(events.map((e) => e.type)).toEqual(["vextrus.notification.preference.updated"]);
  }, 60_000);
});

describe("the daily digest", () => {
  test("instead of instant mail, one mail the next morning lists the day's messages; running again mails nobody twice", async () => {
    const p = await person();
    const instant = await person(p.tenantId);
    await p.api.preferences.set.mutate({ digest: true, expectedVersion: 0 });
    const first = await assign(p.tenantId, p.userId);
    const second = await assign(p.tenantId, p.userId);
    const other = await assign(p.tenantId, instant.userId);
    for (const [id, n] of [
      [first, 1],
      [second, 1],
      [other, 2],
    ] as const) {
      expect(
        await eventually(
          () => deliveriesOf(h, id),
          (r) => r.length === n,
        ),
      ).toHaveLength(n);
    }
    // The next morning (the scheduler's job at 08:00 Dhaka): yesterday's digest.
    const morning = new Date(h.clock.read().getTime() + 20 * 3_600_000);
    const deps = {
      db: h.db,
      settings: { publicUrl: "https://erp.example.com.bd", defaultLocale: "en" as const },
    };
    const result = await sendDigests(deps, morning);
    expect(result.queued).toBe(1);
    expect((await sendDigests(deps, morning)).queued).toBe(0);
    // The scheduler's platform job calls the same verb (platform:maintenance:run), on the server's clock.
    h.clock.advance(20 * 3_600_000);
    const job = await h.user(uuid(), uuid(), ["platform:maintenance:run"]);
    expect(await job.api.maintenance.sendDigests.mutate()).toEqual({ day: "2026-06-15", queued: 0 });
    await expect(p.api.maintenance.sendDigests.mutate()).rejects.toMatchObject({
      data: { code: "FORBIDDEN" },
    });
    const digest = await h.db.tenant(p.tenantId, async (tx) =>
      rowsOf<{ address: string; subject: string; body_text: string }>(
        await tx.execute(
          sql`select address, subject, body_text from notification.deliveries where template_key = 'daily_digest'`,
        ),
      ),
    );
    expect(digest.map((d) => d.address)).toEqual([p.email]);
    expect(result.day).toBe("2026-06-15");
    expect(digest[0]?.subject).toBe("Your Vextrus digest for 15 Jun 2026: 2 messages");
    expect(digest[0]?.body_text.match(/A task is waiting for your approval/g)).toHaveLength(2);
  }, 90_000);
});
