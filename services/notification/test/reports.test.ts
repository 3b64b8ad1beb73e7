import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { buildEvent } from "@vextrus/events";
import { rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { createApp } from "../src/app.ts";
import { providerSmsChannel } from "../src/channels/bd-sms.ts";
import { dispatchOnce } from "../src/domain/dispatch.ts";
import { enqueue } from "../src/domain/queue.ts";
import { twilioSignature } from "../src/report-route.ts";
import { type NotificationHarness, startNotification } from "./harness.ts";
import { dispatcherFor } from "./kafka.ts";

const TOKEN = "report-secret-0123456789";

/** The outside world: an SSL Wireless look-alike on localhost answering each send with a new id. */
let sent = 0;
const provider = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    await req.text();
    sent += 1;
    return Response.json({
      status: "SUCCESS",
      status_code: 200,
      smsinfo: [{ reference_id: `ssl-${sent}-${Date.now()}` }],
    });
  },
});

let h: NotificationHarness;
beforeAll(async () => {
  h = await startNotification("reports", { smsReports: { provider: "ssl-wireless", token: TOKEN } });
}, 60_000);
afterAll(async () => {
  provider.stop(true);
  await h.stop();
});

const sms = providerSmsChannel({
  provider: "ssl-wireless",
  baseUrl: `http://127.0.0.1:${provider.port}`,
  apiKey: "key",
  senderId: "Vextrus",
  timeoutMs: 5_000,
});

/** One SMS queued by the real path (a task event for a user whose mobile is known) and sent. */
async function sentSms() {
  const tenantId = Bun.randomUUIDv7();
  const userId = Bun.randomUUIDv7();
  const { event } = buildEvent({
    type: "vextrus.workflow.task.assigned",
    tenantId,
    subject: userId,
    data: { id: Bun.randomUUIDv7(), instanceId: Bun.randomUUIDv7(), assigneeId: userId },
  });
  await h.db.tenant(tenantId, (tx) =>
    enqueue(
      tx,
      event,
      [
        {
          channel: "sms",
          recipientId: userId,
          address: "+8801712345678",
          template: "task_assigned",
          values: () => ({ link: "https://x/t" }),
        },
      ],
      { defaultLocale: "bn", clock: h.clock.read },
    ),
  );
  expect(await dispatchOnce(dispatcherFor(h, sms))).toBe(1);
  const [row] = await h.db.tenant(tenantId, async (tx) =>
    rowsOf<{ id: string; provider_id: string; status: string }>(
      await tx.execute(
        sql`select id, provider_id, status from notification.deliveries where event_id = ${event.id}`,
      ),
    ),
  );
  expect(row?.status).toBe("sent");
  return { tenantId, id: row?.id ?? "", providerId: row?.provider_id ?? "" };
}

const statusOf = async (tenantId: string, id: string) =>
  (
    await h.db.tenant(tenantId, async (tx) =>
      rowsOf<{ status: string; delivered_at: Date | null; last_error: string | null }>(
        await tx.execute(
          sql`select status, delivered_at, last_error from notification.deliveries where id = ${id}`,
        ),
      ),
    )
  )[0];

const eventsOf = (id: string) =>
  h.db.privileged(async (tx) =>
    rowsOf<{ type: string }>(
      await tx.execute(
        sql`select event->>'type' as type from notification.outbox where event->'data'->>'id' = ${id} order by id`,
      ),
    ),
  );

const post = (path: string, body: string, type = "application/json", headers: Record<string, string> = {}) =>
  h.app.fetch(
    new Request(`http://notification.test${path}`, {
      method: "POST",
      body,
      headers: { "content-type": type, ...headers },
    }),
  );

describe("SMS delivery reports (POST /sms-reports/<provider>)", () => {
  test("a delivered report marks the message delivered with its event; a repeat changes nothing", async () => {
    const m = await sentSms();
    const body = JSON.stringify({ reference_id: m.providerId, status: "Delivered" });
    const res = await post(`/sms-reports/ssl-wireless?token=${TOKEN}`, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ applied: 1 });
    expect(await statusOf(m.tenantId, m.id)).toMatchObject({ status: "delivered" });
    expect((await statusOf(m.tenantId, m.id))?.delivered_at).not.toBeNull();
    expect(await (await post(`/sms-reports/ssl-wireless?token=${TOKEN}`, body)).json()).toEqual({
      applied: 0,
    });
    expect((await eventsOf(m.id)).map((e) => e.type)).toEqual([
      "vextrus.notification.delivery.queued",
      "vextrus.notification.delivery.sent",
      "vextrus.notification.delivery.delivered",
    ]);
  });

  test("an undelivered report bounces the message, with the provider's reason", async () => {
    const m = await sentSms();
    const body = JSON.stringify([
      { reference_id: m.providerId, status: "Undelivered", error_message: "absent subscriber" },
    ]);
    expect(await (await post(`/sms-reports/ssl-wireless?token=${TOKEN}`, body)).json()).toEqual({
      applied: 1,
    });
    expect(await statusOf(m.tenantId, m.id)).toMatchObject({
      status: "bounced",
      last_error: "absent subscriber",
    });
    expect((await eventsOf(m.id)).map((e) => e.type)).toContain("vextrus.notification.delivery.bounced");
  });

  test("no token, a wrong token, another provider or a body that is not a report change nothing", async () => {
    const m = await sentSms();
    const body = JSON.stringify({ reference_id: m.providerId, status: "Delivered" });
    expect((await post("/sms-reports/ssl-wireless", body)).status).toBe(401);
    expect((await post("/sms-reports/ssl-wireless?token=wrong-token-0123456789", body)).status).toBe(401);
    expect((await post(`/sms-reports/infobip?token=${TOKEN}`, body)).status).toBe(404);
    expect((await post(`/sms-reports/ssl-wireless?token=${TOKEN}`, "{not json")).status).toBe(400);
    expect(await statusOf(m.tenantId, m.id)).toMatchObject({ status: "sent" });
  });

  test("Twilio's reports are checked by their signature (HMAC-SHA1 with the auth token over URL and form)", async () => {
    const m = await sentSms();
    const url = "https://erp.example.com.bd/notifications/sms-reports/twilio";
    const twilio = createApp({
      db: h.db,
      log: h.log,
      verifyToken: undefined,
      clock: h.clock.read,
      smsReports: { provider: "twilio", apiKey: "AC123:auth-token", publicUrl: url },
    });
    // The SSL Wireless id stands in for a Twilio MessageSid: the route finds messages by provider id.
    const form = new URLSearchParams({
      MessageSid: m.providerId,
      MessageStatus: "delivered",
      AccountSid: "AC123",
    });
    const send = (signature: string) =>
      twilio.fetch(
        new Request("http://notification.test/sms-reports/twilio", {
          method: "POST",
          body: form.toString(),
          headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
        }),
      );
    expect((await send(twilioSignature("other-token", url, form))).status).toBe(401);
    expect(await statusOf(m.tenantId, m.id)).toMatchObject({ status: "sent" });
    const ok = await send(twilioSignature("auth-token", url, form));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ applied: 1 });
    expect(await statusOf(m.tenantId, m.id)).toMatchObject({ status: "delivered" });
  });
});
