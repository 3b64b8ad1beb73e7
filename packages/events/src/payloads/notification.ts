import { z } from "zod";
import { Changed, Created, v1 } from "./common.ts";

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
} as const;

export const notificationTemplateEvents = {
  "vextrus.notification.template.created": v1(Created),
  "vextrus.notification.template.updated": v1(Changed),
} as const;
