import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { buildEvent, type CloudEvent } from "@vextrus/events";
import { rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { Registry } from "prom-client";
import type { Channel } from "../src/channels/types.ts";
import { dispatchOnce } from "../src/domain/dispatch.ts";
import { countSegments } from "../src/domain/segments.ts";
import { notificationHandler } from "../src/events.ts";
import { createNotificationMetrics } from "../src/metrics.ts";
import { type NotificationHarness, startNotification } from "./harness.ts";

// A tenant's own per-segment SMS price: set through `usage.setSmsPrice` (its own permission), stored
// with RLS, used for the cost recorded with each SMS, and named by the usage report. Real PostgreSQL.

let h: NotificationHarness;
const sent: string[] = [];
// The outside SMS gateway (the only stand-in): accepts everything, counts segments like a real one.
const sms: Channel = {
  name: "sms",
  send: (message) => {
    sent.push(message.text);
    return Promise.resolve({
      providerId: `gw-${sent.length}`,
      segments: countSegments(message.text).segments,
    });
  },
};
const unusedMail: Channel = { name: "unused", send: () => Promise.reject(new Error("no mail expected")) };

// The deployment's price: ৳0.40 per segment (`SMS_SEGMENT_COST_POISHA=40`).
beforeAll(async () => {
  h = await startNotification("sms-price", { settings: { smsSegmentPoisha: 40 } });
});
afterAll(async () => {
  await h?.stop();
});

const uuid = () => Bun.randomUUIDv7();
const MANAGE = ["notification:usage:read", "notification:usage:manage"];

/** A user who gets task messages by SMS (as auth announced their mobile, as they chose). */
async function smsUser(tenantId: string) {
  const userId = uuid();
  await h.db.tenant(tenantId, async (tx) => {
    await tx.execute(sql`insert into notification.contacts (tenant_id, user_id, mobile, active)
      values (${tenantId}, ${userId}, '+8801712345678', true)`);
    await tx.execute(sql`insert into notification.preferences (tenant_id, user_id, locale, channels)
      values (${tenantId}, ${userId}, 'en', '{"task": ["sms"]}'::jsonb)`);
  });
  return userId;
}

/** Records a task_assigned SMS to `userId` through the consumer's handler, then dispatches it. */
async function smsTo(tenantId: string, userId: string) {
  const handle = notificationHandler({
    defaultLocale: "en",
    publicUrl: "https://erp.example.com.bd",
    clock: h.clock.read,
    smsSegmentPoisha: 40,
  });
  const event: CloudEvent = buildEvent({
    type: "vextrus.workflow.task.assigned",
    subject: uuid(),
    tenantId,
    data: { id: uuid(), instanceId: uuid(), assigneeId: userId },
  }).event;
  await h.db.tenant(tenantId, (tx) => handle({ tx, tenantId, events: [event], log: h.log }));
  await dispatchOnce({
    db: h.db,
    channels: { email: unusedMail, sms },
    clock: h.clock.read,
    log: h.log,
    metrics: createNotificationMetrics(new Registry()),
    maxAttempts: 3,
  });
  const [row] = await h.db.tenant(tenantId, async (tx) =>
    rowsOf<{ status: string; segments: number; cost_poisha: number }>(
      await tx.execute(sql`select status, segments, cost_poisha::int as cost_poisha from notification.deliveries
        where event_id = ${event.id} and channel = 'sms'`),
    ),
  );
  return row;
}

async function rawSet(token: string, input: unknown, language: "en" | "bn") {
  const res = await h.app.fetch(
    new Request("http://notification.test/trpc/usage.setSmsPrice", {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "accept-language": language,
      },
      body: JSON.stringify({ json: input }),
    }),
  );
  const body = (await res.json()) as {
    error?: { json?: { data?: { issues?: { path: string; code?: string; message: string }[] } } };
  };
  return { status: res.status, issues: body.error?.json?.data?.issues ?? [] };
}

describe("a tenant's own SMS price", () => {
  test("unset: the deployment's price; set: the tenant's, for SMS recorded from then on, never another tenant's", async () => {
    const admin = await h.user(undefined, undefined, MANAGE);
    const other = await h.user(undefined, undefined, MANAGE);
    expect(await admin.api.usage.smsPrice.query()).toEqual({
      perSegment: "0.40",
      source: "default",
      defaultPerSegment: "0.40",
      version: 0,
      updatedBy: null,
      updatedAt: null,
    });
    const [mine, theirs] = [await smsUser(admin.tenantId), await smsUser(other.tenantId)];
    const before = await smsTo(admin.tenantId, mine);
    expect(before).toMatchObject({ status: "sent", segments: 1, cost_poisha: 40 });

    const set = await admin.api.usage.setSmsPrice.mutate({ perSegment: "0.25", expectedVersion: 0 });
    expect(set).toMatchObject({ perSegment: "0.25", source: "tenant", version: 1, updatedBy: admin.userId });
    // Recorded from now on at ৳0.25; what was recorded keeps its cost; the other tenant keeps the default.
    expect(await smsTo(admin.tenantId, mine)).toMatchObject({ status: "sent", segments: 1, cost_poisha: 25 });
    expect(await smsTo(other.tenantId, theirs)).toMatchObject({
      status: "sent",
      segments: 1,
      cost_poisha: 40,
    });
    expect(await other.api.usage.smsPrice.query()).toMatchObject({ perSegment: "0.40", source: "default" });

    // The report says at which prices the costs were recorded and which price applies now.
    const today = new Date(h.clock.read().getTime() + 6 * 3_600_000).toISOString().slice(0, 10);
    const usage = await admin.api.usage.sms.query({ from: today, to: today });
    expect(usage.days).toEqual([
      { day: today, messages: 2, segments: 2, cost: "0.65", perSegment: ["0.25", "0.40"] },
    ]);
    expect(usage.total).toEqual({ messages: 2, segments: 2, cost: "0.65", perSegment: ["0.25", "0.40"] });
    expect(usage.price).toEqual({ perSegment: "0.25", source: "tenant", defaultPerSegment: "0.40" });
    expect((await other.api.usage.sms.query({ from: today, to: today })).total).toEqual({
      messages: 1,
      segments: 1,
      cost: "0.40",
      perSegment: ["0.40"],
    });

    // Stale versions are CONFLICT; null goes back to the deployment's price.
    await expect(
      admin.api.usage.setSmsPrice.mutate({ perSegment: "0.30", expectedVersion: 0 }),
    ).rejects.toMatchObject({ data: { code: "CONFLICT" } });
    const reset = await admin.api.usage.setSmsPrice.mutate({ perSegment: null, expectedVersion: 1 });
    expect(reset).toMatchObject({ perSegment: "0.40", source: "default", version: 2 });
    expect(await smsTo(admin.tenantId, mine)).toMatchObject({ cost_poisha: 40 });

    // Each change is an event (audit keeps who set which price).
    const events = await h.db.privileged(async (tx) =>
      rowsOf<{ data: { before: { perSegment: string | null }; after: { perSegment: string | null } } }>(
        await tx.execute(sql`select event->'data' as data from notification.outbox
          where tenant_id = ${admin.tenantId} and event->>'type' = 'vextrus.notification.sms_price.updated'
          order by id`),
      ),
    );
    expect(events.map((e) => [e.data.before.perSegment, e.data.after.perSegment])).toEqual([
      [null, "0.25"],
      ["0.25", null],
    ]);
    // The row is the tenant's own: the other tenant's RLS context sees nothing of it.
    const visible = await h.db.tenant(other.tenantId, async (tx) =>
      rowsOf(await tx.execute(sql`select * from notification.sms_prices`)),
    );
    expect(visible).toEqual([]);
  });

  test("a negative or absurd price is a 400 naming the field in English and Bengali; the permission is needed", async () => {
    const admin = await h.user(undefined, undefined, MANAGE);
    for (const [perSegment, en, bn] of [
      ["-0.10", "must not be negative", "ঋণাত্মক হতে পারে না"],
      ["10.01", "at most 10.00 taka", "সর্বোচ্চ ১০.০০ টাকা"],
      ["35", "at most 10.00 taka", "সর্বোচ্চ ১০.০০ টাকা"],
    ] as const) {
      const english = await rawSet(admin.token, { perSegment, expectedVersion: 0 }, "en");
      expect(english.status).toBe(400);
      expect(english.issues).toEqual([expect.objectContaining({ path: "perSegment" })]);
      expect(english.issues[0]?.message).toContain(en);
      const bengali = await rawSet(admin.token, { perSegment, expectedVersion: 0 }, "bn");
      expect(bengali.status).toBe(400);
      expect(bengali.issues[0]?.path).toBe("perSegment");
      expect(bengali.issues[0]?.message).toContain(bn);
    }
    // Not money at all (three decimals): also refused on the field.
    expect(
      (await rawSet(admin.token, { perSegment: "0.355", expectedVersion: 0 }, "en")).issues[0]?.path,
    ).toBe("perSegment");
    // The highest accepted price, and free SMS (a bundle), are fine.
    expect(
      await admin.api.usage.setSmsPrice.mutate({ perSegment: "10.00", expectedVersion: 0 }),
    ).toMatchObject({ perSegment: "10.00", source: "tenant" });
    expect(await admin.api.usage.setSmsPrice.mutate({ perSegment: "0", expectedVersion: 1 })).toMatchObject({
      perSegment: "0.00",
      source: "tenant",
    });
    const reader = await h.user(admin.tenantId, undefined, ["notification:usage:read"]);
    expect(await reader.api.usage.smsPrice.query()).toMatchObject({ perSegment: "0.00", version: 2 });
    await expect(
      reader.api.usage.setSmsPrice.mutate({ perSegment: "0.30", expectedVersion: 2 }),
    ).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    const nobody = await h.user(admin.tenantId);
    await expect(nobody.api.usage.smsPrice.query()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
  });
});
