import { Counter, Histogram, type Registry } from "prom-client";

/** Business metrics of the notification service (no tenant ids as labels). */
export function createNotificationMetrics(registry: Registry) {
  const sent = new Counter({
    name: "vextrus_notification_messages_sent_total",
    help: "Email and SMS messages handed to their channel by this process, by channel and outcome",
    labelNames: ["channel", "outcome"] as const,
    registers: [registry],
  });
  const sendSeconds = new Histogram({
    name: "vextrus_notification_send_seconds",
    help: "Time a channel took to accept (or refuse) one message",
    labelNames: ["channel"] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  return { sent, sendSeconds };
}

export type NotificationMetrics = ReturnType<typeof createNotificationMetrics>;
