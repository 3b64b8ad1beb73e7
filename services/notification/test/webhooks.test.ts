// Outbound webhooks end to end: subscriptions through the API, events from real Kafka through the
// webhook consumer group, deliveries POSTed to a real HTTP receiver that verifies each signature with the
// `standardwebhooks` package; retries on the injected clock, the delivery log, redelivery, disabling after
// repeated failures (with its event), tenant isolation, permissions and bad input.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
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
import { Webhook } from "standardwebhooks";
import { createApp } from "../src/app.ts";
import {
  dispatchWebhooksOnce,
  startWebhookFeed,
  type WebhookDispatcher,
} from "../src/domain/webhooks/dispatch.ts";
import { clientFor, type NotificationHarness, startNotification, TestClock } from "./harness.ts";
import { eventually } from "./kafka.ts";

const TOPICS = ["vextrus.workflow.task", "vextrus.auth.user"];
const MANAGE = ["notification:webhook:read", "notification:webhook:manage"];

let h: NotificationHarness;
let transport: Transport;
let brokers: string[] = [];
let topicNames: string[] = [];
const parts: Stoppable[] = [];

/** The receiver: the outside world. Per path: the secret to verify with and the status to answer. */
const endpoints = new Map<
  string,
  { verifier: Webhook; answer: number; got: { id: string; body: unknown }[] }
>();
const receiver = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const path = new URL(req.url).pathname;
    const endpoint = endpoints.get(path);
    const body = await req.text();
    if (!endpoint) {
      return new Response("no such endpoint", { status: 404 });
    }
    try {
      const verified = endpoint.verifier.verify(body, Object.fromEntries(req.headers.entries()));
      endpoint.got.push({ id: req.headers.get("webhook-id") ?? "", body: verified });
    } catch {
      return new Response("bad signature", { status: 401 });
    }
    return new Response(null, { status: endpoint.answer });
  },
});

/**
 * Each dispatcher gets a clock of its own starting 4 minutes before the real time: receivers (the
 * standardwebhooks verifier) refuse a `webhook-timestamp` more than 5 minutes away from theirs, and the
 * retry test moves the clock 5 s and then 5 min forward.
 */
let wall = new TestClock(new Date());
const dispatcher = (disableAfter = 30): WebhookDispatcher => {
  wall = new TestClock(new Date(Date.now() - 240_000));
  return {
    db: h.db,
    clock: wall.read,
    log: h.log,
    settings: { allowPrivate: true, timeoutMs: 5_000, disableAfter },
  };
};

beforeAll(async () => {
  h = await startNotification("webhooks", { webhooks: { allowPrivate: true } });
  const prefix = `t-hooks-${Bun.randomUUIDv7().slice(-8)}.`;
  brokers = kafkaBrokers();
  topicNames = await withKafkaAdmin(brokers, async (admin) =>
    (await createCatalogTopics(admin, { prefix, partitions: 2, replicationFactor: 1, only: TOPICS })).map(
      (t) => t.name,
    ),
  );
  transport = kafkaTransport({ brokers, clientId: "webhooks-test", log: h.log, topicPrefix: prefix });
  parts.push(
    await startWebhookFeed({ db: h.db, transport, log: h.log, clock: h.clock.read, topics: TOPICS }),
  );
}, 120_000);

afterAll(async () => {
  for (const part of parts.reverse()) {
    await part.stop();
  }
  await transport.close();
  await withKafkaAdmin(brokers, (admin) => admin.deleteTopics({ topics: topicNames })).catch(() => undefined);
  await h.stop();
  receiver.stop(true);
}, 60_000);

const deliveriesOf = (eventId: string) =>
  h.db.privileged(async (tx) =>
    rowsOf<{ id: string; tenant_id: string; subscription_id: string }>(
      await tx.execute(
        sql`select id, tenant_id, subscription_id from notification.webhook_deliveries where event_id = ${eventId}`,
      ),
    ),
  );

async function publishTask(tenantId: string) {
  const taskId = Bun.randomUUIDv7();
  const built = buildEvent({
    type: "vextrus.workflow.task.assigned",
    subject: taskId,
    tenantId,
    data: {
      id: taskId,
      instanceId: Bun.randomUUIDv7(),
      assigneeId: Bun.randomUUIDv7(),
      dueAt: "2026-06-15T12:00:00.000Z",
    },
  });
  const publisher = transport.publisher("webhooks-test");
  await publisher.send([{ topic: built.topic, key: built.key, value: JSON.stringify(built.event) }]);
  await publisher.close();
  return built.event;
}

async function subscribe(
  api: ReturnType<typeof clientFor>,
  path: string,
  answer = 204,
  events = ["vextrus.workflow.*"],
) {
  const created = await api.webhooks.create.mutate({
    url: `http://127.0.0.1:${receiver.port}${path}`,
    events,
  });
  endpoints.set(path, { verifier: new Webhook(created.secret), answer, got: [] });
  return created;
}

const codeOf = (error: unknown) => (error instanceof TRPCClientError ? error.data?.code : String(error));

describe("a tenant's webhook receives its events from Kafka, signed", () => {
  test("an event matching the pattern reaches the receiver once, verified; the log shows the 204", async () => {
    const user = await h.user(undefined, undefined, MANAGE);
    const hook = await subscribe(user.api, "/ok");
    expect(hook.secret).toStartWith("whsec_");
    const listed = await user.api.webhooks.list.query();
    expect(listed.items.map((i) => i.id)).toEqual([hook.id]);
    expect(JSON.stringify(listed)).not.toContain(hook.secret);

    const event = await publishTask(user.tenantId);
    expect(
      (
        await eventually(
          () => deliveriesOf(event.id),
          (rows) => rows.length === 1,
        )
      ).length,
    ).toBe(1);
    expect(await dispatchWebhooksOnce(dispatcher())).toBeGreaterThanOrEqual(1);
    const got = endpoints.get("/ok")?.got ?? [];
    expect(got).toHaveLength(1);
    expect(got[0]?.body).toMatchObject({
      id: event.id,
      type: "vextrus.workflow.task.assigned",
      tenantid: user.tenantId,
    });

    const page = await user.api.webhooks.deliveries.list.query({ subscriptionId: hook.id });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      status: "succeeded",
      attempts: 1,
      lastStatus: 204,
      eventId: event.id,
    });
    expect(got[0]?.id).toBe(`msg_${page.items[0]?.id}`);
    const detail = await user.api.webhooks.deliveries.get.query({ deliveryId: page.items[0]?.id ?? "" });
    expect(detail.attemptLog.map((a) => a.status)).toEqual([204]);

    // The same event delivered again by Kafka adds no delivery.
    const publisher = transport.publisher("webhooks-test-again");
    await publisher.send([
      { topic: "vextrus.workflow.task", key: event.subject ?? "", value: JSON.stringify(event) },
    ]);
    await publisher.close();
    await Bun.sleep(1_500);
    expect(await deliveriesOf(event.id)).toHaveLength(1);
  }, 120_000);

  test("another tenant neither receives the event nor sees the webhook or its deliveries", async () => {
    const a = await h.user(undefined, undefined, MANAGE);
    const b = await h.user(undefined, undefined, MANAGE);
    const hookA = await subscribe(a.api, "/tenant-a");
    const hookB = await subscribe(b.api, "/tenant-b");
    const event = await publishTask(a.tenantId);
    await eventually(
      () => deliveriesOf(event.id),
      (rows) => rows.length === 1,
    );
    await dispatchWebhooksOnce(dispatcher());
    expect(endpoints.get("/tenant-a")?.got).toHaveLength(1);
    expect(endpoints.get("/tenant-b")?.got).toHaveLength(0);
    expect((await deliveriesOf(event.id)).map((r) => r.subscription_id)).toEqual([hookA.id]);
    expect(codeOf(await b.api.webhooks.get.query({ id: hookA.id }).catch((e) => e))).toBe("NOT_FOUND");
    expect(
      codeOf(await b.api.webhooks.deliveries.list.query({ subscriptionId: hookA.id }).catch((e) => e)),
    ).toBe("NOT_FOUND");
    expect((await b.api.webhooks.list.query()).items.map((i) => i.id)).toEqual([hookB.id]);
  }, 120_000);
});

describe("failures", () => {
  test("a failing endpoint is retried on the backoff schedule, and the log keeps every answer", async () => {
    const user = await h.user(undefined, undefined, MANAGE);
    const hook = await subscribe(user.api, "/flaky", 500);
    const event = await publishTask(user.tenantId);
    await eventually(
      () => deliveriesOf(event.id),
      (rows) => rows.length === 1,
    );
    const d = dispatcher();
    await dispatchWebhooksOnce(d);
    const [delivery] = (await user.api.webhooks.deliveries.list.query({ subscriptionId: hook.id })).items;
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastStatus: 500 });
    expect(delivery?.nextAttemptAt?.getTime()).toBe(wall.read().getTime() + 5_000);
    // Not due yet: nothing is sent.
    await dispatchWebhooksOnce(d);
    expect(endpoints.get("/flaky")?.got).toHaveLength(1);
    wall.advance(5_000);
    await dispatchWebhooksOnce(d);
    const endpoint = endpoints.get("/flaky");
    if (endpoint) {
      endpoint.answer = 200;
    }
    wall.advance(300_000);
    await dispatchWebhooksOnce(d);
    const detail = await user.api.webhooks.deliveries.get.query({ deliveryId: delivery?.id ?? "" });
    expect(detail.status).toBe("succeeded");
    expect(detail.attemptLog.map((a) => a.status)).toEqual([500, 500, 200]);
    // Every attempt carried the same webhook-id, so the receiver can dedupe.
    expect(new Set(endpoint?.got.map((g) => g.id))).toEqual(new Set([`msg_${delivery?.id}`]));
    expect((await user.api.webhooks.get.query({ id: hook.id })).consecutiveFailures).toBe(0);
  }, 120_000);

  test("repeated failures disable the endpoint with an event; redelivery works once it is back on", async () => {
    const user = await h.user(undefined, undefined, MANAGE);
    const hook = await subscribe(user.api, "/down", 503);
    const event = await publishTask(user.tenantId);
    await eventually(
      () => deliveriesOf(event.id),
      (rows) => rows.length === 1,
    );
    const d = dispatcher(2);
    await dispatchWebhooksOnce(d);
    wall.advance(5_000);
    await dispatchWebhooksOnce(d);
    const disabled = await user.api.webhooks.get.query({ id: hook.id });
    expect(disabled).toMatchObject({ status: "disabled", consecutiveFailures: 2 });
    expect(disabled.disabledReason).toContain("2 failed attempts");
    const events = await h.db.privileged(async (tx) =>
      rowsOf<{ type: string }>(
        await tx.execute(
          sql`select event->>'type' as type from notification.outbox where event->>'subject' = ${hook.id} order by id`,
        ),
      ),
    );
    expect(events.map((e) => e.type)).toEqual([
      "vextrus.notification.webhook.created",
      "vextrus.notification.webhook.disabled",
    ]);
    const [delivery] = (await user.api.webhooks.deliveries.list.query({ subscriptionId: hook.id })).items;
    expect(
      codeOf(
        await user.api.webhooks.deliveries.redeliver
          .mutate({ deliveryId: delivery?.id ?? "" })
          .catch((e) => e),
      ),
    ).toBe("CONFLICT");
    const endpoint = endpoints.get("/down");
    if (endpoint) {
      endpoint.answer = 204;
    }
    const enabled = await user.api.webhooks.update.mutate({
      id: hook.id,
      expectedVersion: disabled.version,
      status: "active",
    });
    expect(enabled).toMatchObject({ status: "active", consecutiveFailures: 0, disabledReason: null });
    await user.api.webhooks.deliveries.redeliver.mutate({ deliveryId: delivery?.id ?? "" });
    await dispatchWebhooksOnce(d);
    const detail = await user.api.webhooks.deliveries.get.query({ deliveryId: delivery?.id ?? "" });
    expect(detail.status).toBe("succeeded");
    expect(detail.attemptLog.map((a) => a.status)).toEqual([503, 503, 204]);
    expect(endpoint?.got).toHaveLength(3);
  }, 120_000);
});

describe("the API refuses", () => {
  test("bad input, naming the field; a stale version; no permission", async () => {
    const user = await h.user(undefined, undefined, MANAGE);
    const field = async (input: Record<string, unknown>) => {
      const error = await user.api.webhooks.create.mutate(input as never).catch((e: unknown) => e);
      expect(codeOf(error)).toBe("BAD_REQUEST");
      return (error as TRPCClientError<never>).data as unknown as { issues: { path: string }[] };
    };
    expect((await field({ url: "ftp://example.com/x", events: ["*"] })).issues[0]?.path).toBe("url");
    expect((await field({ url: "https://example.com/x", events: ["Not A Type"] })).issues[0]?.path).toBe(
      "events.0",
    );
    expect((await field({ url: "https://example.com/x", events: [] })).issues[0]?.path).toBe("events");
    expect(
      (await field({ url: "https://example.com/x", events: ["*"], secret: "hunter2" })).issues[0]?.path,
    ).toBe("secret");
    const hook = await subscribe(user.api, "/stale");
    await user.api.webhooks.update.mutate({ id: hook.id, expectedVersion: 1, events: ["*"] });
    expect(
      codeOf(
        await user.api.webhooks.update
          .mutate({ id: hook.id, expectedVersion: 1, events: ["*"] })
          .catch((e) => e),
      ),
    ).toBe("CONFLICT");
    const reader = await h.user(user.tenantId, undefined, ["notification:webhook:read"]);
    expect((await reader.api.webhooks.list.query()).items.length).toBe(1);
    expect(codeOf(await reader.api.webhooks.remove.mutate({ id: hook.id }).catch((e) => e))).toBe(
      "FORBIDDEN",
    );
    const nobody = await h.user(user.tenantId);
    expect(codeOf(await nobody.api.webhooks.list.query().catch((e) => e))).toBe("FORBIDDEN");
  }, 60_000);

  test("in production mode, a URL on loopback, link-local or a private network, in English and Bengali", async () => {
    const production = createApp({ db: h.db, log: h.log, verifyToken: h.verifyToken, clock: h.clock.read });
    const user = await h.user(undefined, undefined, MANAGE);
    for (const url of [
      `http://127.0.0.1:${receiver.port}/ok`,
      "http://169.254.169.254/latest/",
      "http://10.0.0.7/",
    ]) {
      const error = await clientFor(production, user.token)
        .webhooks.create.mutate({ url, events: ["*"] })
        .catch((e: unknown) => e);
      expect(codeOf(error)).toBe("BAD_REQUEST");
      const data = (error as TRPCClientError<never>).data as unknown as {
        issues: { path: string; message: string }[];
      };
      expect(data.issues[0]?.path).toBe("url");
      expect(data.issues[0]?.message).toContain("private");
    }
    const answer = await production.fetch(
      new Request("http://notification.test/trpc/webhooks.create", {
        method: "POST",
        headers: {
          authorization: `Bearer ${user.token}`,
          "accept-language": "bn",
          "content-type": "application/json",
        },
        body: JSON.stringify({ json: { url: "http://127.0.0.1/", events: ["*"] } }),
      }),
    );
    const bn = await answer.text();
    expect(bn).toContain("প্রাইভেট");
    expect(
      (
        await h.db.privileged(async (tx) =>
          rowsOf(
            await tx.execute(
              sql`select 1 from notification.webhook_subscriptions where url like '%10.0.0.7%'`,
            ),
          ),
        )
      ).length,
    ).toBe(0);
  }, 60_000);
});

describe("two names at the gateway", () => {
  /** A call as the gateway makes it: the name's base URL, the name stripped from the path. */
  const asGateway = async (path: string, token: string, body?: unknown) => {
    const response = await h.app.fetch(
      new Request(`http://notification.test${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  test("`webhooks.*` at <service>/webhooks; `notification.*` at <service>/notification, without them", async () => {
    const user = await h.user(undefined, undefined, MANAGE);
    const created = await asGateway("/webhooks/api/create", user.token, {
      url: `${receiver.url}two-names`,
      events: ["*"],
    });
    expect(created.status).toBe(200);
    const listed = await asGateway("/webhooks/trpc/list", user.token);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).toContain(String(created.body.id));
    // Each procedure has one name: the webhooks are not also `notification.webhooks.*`.
    expect((await asGateway("/notification/trpc/webhooks.list", user.token)).status).toBe(404);
    expect((await asGateway("/notification/trpc/inbox.unreadCount,webhooks.list", user.token)).status).toBe(
      404,
    );
    expect((await asGateway("/notification/api/webhooks/list", user.token)).status).toBe(404);
    expect((await asGateway("/notification/api/inbox.unreadCount", user.token)).body).toEqual({ unread: 0 });
    expect((await asGateway("/notification/health/live", user.token)).status).toBe(200);
    // Each name's OpenAPI document lists its own procedures only.
    const paths = async (name: string) =>
      Object.keys((await asGateway(`/${name}/openapi.json`, user.token)).body.paths as object);
    const notification = await paths("notification");
    const webhooks = await paths("webhooks");
    expect(notification).toContain("/api/inbox.list");
    expect(notification.filter((path) => path.includes("webhooks"))).toEqual([]);
    expect(webhooks).toContain("/api/deliveries.redeliver");
    expect(webhooks).not.toContain("/api/inbox.list");
  });
});
