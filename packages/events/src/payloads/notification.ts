import { z } from "zod";
import { Changed, Created, Removed, v1 } from "./common.ts";

const Channel = z.enum(["email", "sms", "in_app", "push"]);

export const notificationDeliveryEvents = {
  "vextrus.notification.delivery.queued": v1(
    z.looseObject({ id: z.uuid(), channel: Channel, recipient: z.string().min(1), templateKey: z.string() }),
  ),
  "vextrus.notification.delivery.sent": v1(z.looseObject({ id: z.uuid(), channel: Channel })),
  /** The recipient read an in-app message. */
  "vextrus.notification.delivery.read": v1(z.looseObject({ id: z.uuid(), channel: Channel })),
  "vextrus.notification.delivery.failed": v1(
    z.looseObject({ id: z.uuid(), channel: Channel, error: z.string().max(1000) }),
  ),
  /** The provider reported the message delivered to the handset (an SMS delivery report). */
  "vextrus.notification.delivery.delivered": v1(z.looseObject({ id: z.uuid(), channel: Channel })),
  /** Accepted by the provider, then reported undelivered. */
  "vextrus.notification.delivery.bounced": v1(
    z.looseObject({ id: z.uuid(), channel: Channel, detail: z.string().max(1000).optional() }),
  ),
} as const;

export const notificationTemplateEvents = {
  "vextrus.notification.template.created": v1(Created),
  "vextrus.notification.template.updated": v1(Changed),
} as const;

/** A user's channels, quiet hours or digest choice changed (`id` is the user). */
export const notificationPreferenceEvents = {
  "vextrus.notification.preference.updated": v1(Changed),
} as const;

/** A tenant's "also tell this role / department" orders. */
export const notificationSubscriptionEvents = {
  "vextrus.notification.subscription.created": v1(Created),
  "vextrus.notification.subscription.removed": v1(Removed),
} as const;

/**
 * A tenant set (or reset) its own price of one SMS segment (`id` is the tenant; `after.perSegment` is
 * decimal taka, or null for the deployment's price).
 */
export const notificationSmsPriceEvents = {
  "vextrus.notification.sms_price.updated": v1(Changed),
} as const;

/** A tenant's outbound webhook endpoints (snapshots never hold the secret). */
export const notificationWebhookEvents = {
  "vextrus.notification.webhook.created": v1(Created),
  "vextrus.notification.webhook.updated": v1(Changed),
  "vextrus.notification.webhook.removed": v1(Removed),
  /** Turned off by the dispatcher after repeated failed attempts. */
  "vextrus.notification.webhook.disabled": v1(
    z.looseObject({
      id: z.uuid(),
      url: z.string(),
      consecutiveFailures: z.number().int(),
      reason: z.string().max(1000),
    }),
  ),
} as const;

/** E-mail addresses that bounced (a DSN for a mail to them) and were verified again. */
export const notificationAddressEvents = {
  /** Nothing but secret links is sent to `address` in this tenant until it is verified again. */
  "vextrus.notification.address.bounced": v1(
    z.looseObject({ address: z.string().max(320), deliveryId: z.uuid(), reason: z.string().max(1000) }),
  ),
  /** The user verified the address again: mail goes to it again. */
  "vextrus.notification.address.cleared": v1(
    z.looseObject({ address: z.string().max(320), userId: z.uuid() }),
  ),
} as const;
