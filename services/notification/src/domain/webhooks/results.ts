/**
 * What `webhooks.*` answers, as zod schemas (the routers declare them with `.output(…)`, so the OpenAPI
 * document describes every result and a secret can leave the service only where `create` hands it over).
 */
import { z } from "zod";

export const WebhookResult = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.string()).describe("event types or patterns (`vextrus.workflow.*`, `*`)"),
  status: z.enum(["active", "disabled"]),
  disabledReason: z.string().nullable(),
  consecutiveFailures: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
  version: z.number().int(),
});
export const WebhookCreated = WebhookResult.extend({
  secret: z.string().describe("the signing secret (`whsec_…`): answered this once"),
});
export const WebhookList = z.object({ items: z.array(WebhookResult) });
export const WebhookRemoved = z.object({ id: z.uuid(), removed: z.boolean() });

export const DeliveryResult = z.object({
  id: z.uuid(),
  subscriptionId: z.uuid(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(["pending", "succeeded", "failed"]),
  attempts: z.number().int(),
  nextAttemptAt: z.date().nullable(),
  lastStatus: z.number().int().nullable().describe("the endpoint's last HTTP status"),
  lastError: z.string().nullable(),
  deliveredAt: z.date().nullable(),
  createdAt: z.date(),
});
export const DeliveryPage = z.object({ items: z.array(DeliveryResult), nextCursor: z.string().nullable() });
export const DeliveryWithAttempts = DeliveryResult.extend({
  attemptLog: z.array(
    z.object({
      at: z.date(),
      status: z.number().int().nullable(),
      error: z.string().nullable(),
      durationMs: z.number(),
    }),
  ),
});
