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
import type { Channel } from "../src/channels/types.ts";
import type { Dispatcher } from "../src/domain/dispatch.ts";
import { CONSUMED_TOPICS, startNotificationEvents } from "../src/events.ts";
import { createNotificationMetrics } from "../src/metrics.ts";
import type { NotificationHarness } from "./harness.ts";

/** The service's consumer group on real Kafka (topics of its own prefix), and a way to publish. */
export async function consumeFromKafka(h: NotificationHarness, label: string) {
  const prefix = `t-notif-${label}-${Bun.randomUUIDv7().slice(-8)}.`;
  const brokers = kafkaBrokers();
  const topicNames = await withKafkaAdmin(brokers, async (admin) =>
    (
      await createCatalogTopics(admin, { prefix, partitions: 2, replicationFactor: 1, only: CONSUMED_TOPICS })
    ).map((t) => t.name),
  );
  const transport: Transport = kafkaTransport({
    brokers,
    clientId: `notification-${label}`,
    log: h.log,
    topicPrefix: prefix,
  });
  const parts: Stoppable[] = await startNotificationEvents({
    db: h.db,
    transport,
    log: h.log,
    settings: { defaultLocale: "en", publicUrl: "https://erp.example.com.bd", clock: h.clock.read },
  });
  const publisher = transport.publisher(`test-${label}`);
  return {
    /** Publishes events in order (one batch) and returns their ids. */
    async publish(...events: Parameters<typeof buildEvent>[0][]): Promise<string[]> {
      const built = events.map((e) => buildEvent(e));
      await publisher.send(
        built.map((b) => ({ topic: b.topic, key: b.key, value: JSON.stringify(b.event) })),
      );
      return built.map((b) => b.event.id);
    },
    async stop() {
      await publisher.close();
      for (const part of parts.reverse()) {
        await part.stop();
      }
      await transport.close();
      await withKafkaAdmin(brokers, (admin) => admin.deleteTopics({ topics: topicNames })).catch(
        () => undefined,
      );
    },
  };
}

export async function eventually<T>(
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > until) {
      return value;
    }
    await Bun.sleep(200);
  }
}

export interface DeliveryRow {
  channel: string;
  address: string;
  recipient_id: string | null;
  template_key: string;
  status: string;
  subject: string;
  next_attempt_at: Date;
}

/** Every message an event caused, in a stable order. */
export const deliveriesOf = (h: NotificationHarness, eventId: string) =>
  h.db.privileged(async (tx) =>
    rowsOf<DeliveryRow>(
      await tx.execute(sql`
        select channel, address, recipient_id, template_key, status, subject, next_attempt_at
        from notification.deliveries where event_id = ${eventId} order by channel::text, address`),
    ),
  );

export const dispatcherFor = (h: NotificationHarness, email: Channel, sms: Channel = email): Dispatcher => ({
  db: h.db,
  channels: { email, sms },
  clock: h.clock.read,
  log: h.log,
  metrics: createNotificationMetrics(new Registry()),
  maxAttempts: 2,
});
