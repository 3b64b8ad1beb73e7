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
