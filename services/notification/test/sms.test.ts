import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { buildEvent } from "@vextrus/events";
import { rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { Registry } from "prom-client";
import { countSegments, httpSmsChannel, smsCostPoisha } from "../src/channels/sms.ts";
import type { Channel } from "../src/channels/types.ts";
import { dispatchOnce } from "../src/domain/dispatch.ts";
import { notificationHandler } from "../src/events.ts";
import { createNotificationMetrics } from "../src/metrics.ts";
import { type NotificationHarness, startNotification } from "./harness.ts";

describe("SMS segments (GSM-7 160/153, UCS-2 70/67)", () => {
  test.each([
    ["a".repeat(160), "GSM-7", 1],
    ["a".repeat(161), "GSM-7", 2],
    ["a".repeat(306), "GSM-7", 2],
    ["a".repeat(307), "GSM-7", 3],
    // An extension character takes two septets.
    ["€".repeat(80), "GSM-7", 1],
    ["€".repeat(81), "GSM-7", 2],
    ["ক".repeat(70), "UCS-2", 1],
    ["ক".repeat(71), "UCS-2", 2],
    ["ক".repeat(134), "UCS-2", 2],
    ["ক".repeat(135), "UCS-2", 3],
    // One Bengali character makes the whole message UCS-2.
    [`${"a".repeat(69)}ক`, "UCS-2", 1],
    [`${"a".repeat(70)}ক`, "UCS-2", 2],
  ] as const)("case %#", (text, encoding, segments) => {
    expect(countSegments(text)).toMatchObject({ encoding, segments });
  });

  test("the cost estimate is segments × the per-segment price", () => {
    expect(smsCostPoisha("ক".repeat(71), 35)).toBe(70);
    expect(smsCostPoisha("OTP 123456", 35)).toBe(35);
  });
});

/** A stand-in for the outside SMS gateway: records what it is sent, refuses when told to. */
function fakeGateway() {
  const received: { auth: string | null; body: Record<string, unknown> }[] = [];
  let refuse = false;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      if (refuse) {
        return Response.json({ error: "insufficient balance" }, { status: 402 });
      }
      const body = (await req.json()) as Record<string, unknown>;
      received.push({ auth: req.headers.get("authorization"), body });
      return Response.json({ id: `gw-${received.length}` }, { status: 202 });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}/send`,
    received,
    refuse: (value: boolean) => {
      refuse = value;
    },
    stop: () => server.stop(true),
  };
}

let h: NotificationHarness;
let gateway: ReturnType<typeof fakeGateway>;
let sms: Channel;
const unusedMail: Channel = {
  name: "unused",
  send: () => Promise.reject(new Error("no mail expected")),
};

beforeAll(async () => {
  h = await startNotification("sms");
  gateway = fakeGateway();
  sms = httpSmsChannel({ url: gateway.url, apiKey: "key-123", senderId: "Vextrus", timeoutMs: 5_000 });
});
afterAll(async () => {
  gateway?.stop();
  await h?.stop();
});

const dispatcher = () => ({
  db: h.db,
  channels: { email: unusedMail, sms },
  clock: h.clock.read,
  log: h.log,
  metrics: createNotificationMetrics(new Registry()),
  maxAttempts: 3,
});

describe("SMS through the generic HTTP gateway", () => {
  test("a mobile previous address gets the Bengali notice as Unicode SMS; the segments are recorded", async () => {
    const user = await h.user();
    const event = buildEvent({
      type: "vextrus.auth.user.contact_changed",
      subject: user.userId,
      tenantId: user.tenantId,
      data: {
        userId: user.userId,
        channel: "mobile",
        previous: "+88017****5678",
        current: "+88018****1234",
        deliveryAddress: "+8801712345678",
        by: "self",
      },
    }).event;
    const handle = notificationHandler({
      defaultLocale: "bn",
      publicUrl: "https://erp.example.com.bd",
      clock: h.clock.read,
    });
    await h.db.tenant(user.tenantId, (tx) =>
      handle({ tx, tenantId: user.tenantId, events: [event], log: h.log }),
    );

    gateway.refuse(true);
    expect(await dispatchOnce(dispatcher())).toBe(1);
    expect(gateway.received).toHaveLength(0);
    gateway.refuse(false);
    h.clock.advance(10_000);
    expect(await dispatchOnce(dispatcher())).toBe(1);

    expect(gateway.received).toHaveLength(1);
    const [sent] = gateway.received;
    expect(sent?.auth).toBe("Bearer key-123");
    expect(sent?.body).toMatchObject({ from: "Vextrus", to: "+8801712345678", unicode: true });
    const text = String(sent?.body.text);
    expect(text).toContain("মোবাইল নম্বর");
    const [row] = await h.db.privileged(async (tx) =>
      rowsOf<{ status: string; attempts: number; segments: number; provider_id: string }>(
        await tx.execute(
          sql`select status, attempts, segments, provider_id from notification.deliveries where event_id = ${event.id} and channel = 'sms'`,
        ),
      ),
    );
    expect(row).toEqual({
      status: "sent",
      attempts: 2,
      segments: countSegments(text).segments,
      provider_id: "gw-1",
    });
    expect(row?.segments).toBeGreaterThan(1);
  });
});

describe("an SMS is the template's SMS part, with its cost", () => {
  test("a task SMS in Bengali: short, within its segments, link intact; segments × price recorded and in the event", async () => {
    const user = await h.user(undefined, undefined, ["notification:template:update"]);
    // The assignee chose SMS for tasks and has a mobile number (as auth announced it).
    await h.db.tenant(user.tenantId, async (tx) => {
      await tx.execute(sql`insert into notification.contacts (tenant_id, user_id, mobile, active)
        values (${user.tenantId}, ${user.userId}, '+8801712345678', true)`);
      await tx.execute(sql`insert into notification.preferences (tenant_id, user_id, locale, channels)
        values (${user.tenantId}, ${user.userId}, 'bn', '{"task": ["sms"]}'::jsonb)`);
    });
    const handle = notificationHandler({
      defaultLocale: "bn",
      publicUrl: "https://erp.example.com.bd",
      clock: h.clock.read,
      smsSegmentPoisha: 40,
    });
    const task = (subject: string) => {
      const instanceId = Bun.randomUUIDv7();
      return [
        buildEvent({
          type: "vextrus.workflow.instance.started",
          subject: instanceId,
          tenantId: user.tenantId,
          data: { id: instanceId, definitionId: Bun.randomUUIDv7(), startedBy: Bun.randomUUIDv7(), subject },
        }).event,
        buildEvent({
          type: "vextrus.workflow.task.assigned",
          subject: Bun.randomUUIDv7(),
          tenantId: user.tenantId,
          data: { id: Bun.randomUUIDv7(), instanceId, assigneeId: user.userId },
        }).event,
      ];
    };
    const long = task(`ব্লক সি-এর জন্য সিমেন্ট ${"ও রড ".repeat(80)}`);
    await h.db.tenant(user.tenantId, (tx) =>
      handle({ tx, tenantId: user.tenantId, events: long, log: h.log }),
    );
    // The tenant's own SMS text applies to the next one.
    await user.api.templates.update.mutate({
      key: "task_assigned",
      locale: "bn",
      subject: "অনুমোদন দরকার",
      text: "অনুমোদন দরকার: {{link}}",
      sms: "রূপায়ণ: অনুমোদন দরকার {{link}}",
      expectedVersion: 0,
    });
    const own = task("রড");
    await h.db.tenant(user.tenantId, (tx) =>
      handle({ tx, tenantId: user.tenantId, events: own, log: h.log }),
    );

    const before = gateway.received.length;
    expect(await dispatchOnce(dispatcher())).toBe(2);
    const texts = gateway.received.slice(before).map((r) => String(r.body.text));
    const rows = await h.db.tenant(user.tenantId, async (tx) =>
      rowsOf<{ event_id: string; body_text: string; status: string; segments: number; cost_poisha: number }>(
        await tx.execute(sql`select event_id, body_text, status, segments, cost_poisha::int as cost_poisha
          from notification.deliveries where channel = 'sms' order by created_at, id`),
      ),
    );
    const [first, second] = [long[1]?.id, own[1]?.id].map((id) => rows.find((r) => r.event_id === id));
    // The long subject was shortened: three UCS-2 segments (201 units), the link whole at the end.
    expect(first?.body_text).toStartWith("ভেক্সট্রাস: একটি কাজ আপনার অনুমোদনের অপেক্ষায়: ব্লক সি-এর জন্য সিমেন্ট");
    expect(first?.body_text).toMatch(/\.\.\.। https:\/\/erp\.example\.com\.bd\/tasks\/[0-9a-f-]{36}$/);
    expect(countSegments(first?.body_text ?? "")).toMatchObject({ encoding: "UCS-2", segments: 3 });
    expect(first).toMatchObject({ status: "sent", segments: 3, cost_poisha: 120 });
    expect(second?.body_text).toMatch(/^রূপায়ণ: অনুমোদন দরকার https:\/\/erp\.example\.com\.bd\/tasks\//);
    expect(second).toMatchObject({ status: "sent", segments: 2, cost_poisha: 80 });
    expect(texts.sort()).toEqual([first?.body_text, second?.body_text].sort() as string[]);
    // The queued event carries the estimate (audit keeps it).
    const queued = await h.db.privileged(async (tx) =>
      rowsOf<{ data: { segments?: number; costPoisha?: number; channel: string } }>(
        await tx.execute(sql`select event->'data' as data from notification.outbox
          where tenant_id = ${user.tenantId} and event->>'type' = 'vextrus.notification.delivery.queued'
            and event->'data'->>'channel' = 'sms'`),
      ),
    );
    expect(queued.map((q) => q.data.costPoisha).sort()).toEqual([120, 80].sort());

    // The tenant's SMS cost per Dhaka day (notification:usage:read), as exact taka.
    const accountant = await h.user(user.tenantId, undefined, ["notification:usage:read"]);
    expect(await accountant.api.usage.sms.query({ from: "2026-06-14", to: "2026-06-16" })).toEqual({
      from: "2026-06-14",
      to: "2026-06-16",
      days: [{ day: "2026-06-15", messages: 2, segments: 5, cost: "2.00", perSegment: ["0.40"] }],
      total: { messages: 2, segments: 5, cost: "2.00", perSegment: ["0.40"] },
      // This app was built without a price: the default ৳0.35 applies to what is recorded now.
      price: { perSegment: "0.35", source: "default", defaultPerSegment: "0.35" },
    });
    expect((await accountant.api.usage.sms.query({ from: "2026-06-16", to: "2026-06-16" })).days).toEqual([]);
    await expect(
      accountant.api.usage.sms.query({ from: "2026-06-16", to: "2026-06-15" }),
    ).rejects.toMatchObject({
      data: { code: "BAD_REQUEST" },
    });
    // Another tenant sees none of it; without the permission, nothing at all.
    const other = await h.user(undefined, undefined, ["notification:usage:read"]);
    expect((await other.api.usage.sms.query({ from: "2026-06-14", to: "2026-06-16" })).total).toEqual({
      messages: 0,
      segments: 0,
      cost: "0.00",
      perSegment: [],
    });
    await expect(user.api.usage.sms.query({ from: "2026-06-14", to: "2026-06-16" })).rejects.toMatchObject({
      data: { code: "FORBIDDEN" },
    });
  });
});
