/**
 * What the in-app inbox and the subscriptions answer, as zod schemas (the routers declare them with
 * `.output(…)`, so the OpenAPI document describes every result).
 */
import { z } from "zod";
import { TEMPLATE_KEYS } from "./templates.ts";

const Locale = z.enum(["en", "bn"]);

export const InboxMessage = z.object({
  id: z.uuid(),
  templateKey: z.string(),
  locale: Locale,
  subject: z.string(),
  body: z.string(),
  createdAt: z.date(),
  readAt: z.date().nullable(),
});
export const InboxPage = z.object({ items: z.array(InboxMessage), nextCursor: z.string().nullable() });
export const UnreadCount = z.object({ unread: z.number().int() });
export const MarkedAll = z.object({ marked: z.number().int() });
export const StreamTicket = z.object({
  ticket: z.string().describe("opens `GET /notifications/stream?ticket=` once"),
  expiresAt: z.date(),
});

export const SubscriptionResult = z.object({
  id: z.uuid(),
  templateKey: z.string(),
  kind: z.enum(["role", "department", "designation"]),
  targetId: z.uuid(),
  createdBy: z.uuid(),
  createdAt: z.date(),
});
export const SubscriptionRemoved = z.object({ id: z.uuid(), removed: z.literal(true) });
export const SecretDelivered = z.object({
  sent: z.literal(true),
  repeated: z.boolean().describe("the same secret was handed over before: not sent twice"),
});

const Channels = z.array(z.enum(["email", "sms", "in_app"]));
export const PreferencesResult = z.object({
  locale: Locale.nullable().describe("null: the tenant's default language"),
  version: z.number().int().describe("0 when never set: the defaults apply"),
  channels: z.object({ task: Channels, process: Channels, security: Channels }).optional(),
  quietHours: z
    .object({ start: z.string(), end: z.string() })
    .nullable()
    .optional()
    .describe("HH:MM in Asia/Dhaka; SMS and e-mail are held until they end"),
  digest: z.boolean().optional(),
});

const TemplateKey = z.enum(TEMPLATE_KEYS);
export const TemplateResult = z.object({
  key: TemplateKey,
  locale: Locale,
  source: z.enum(["tenant", "built-in"]),
  version: z.number().int().describe("0: never changed by the tenant"),
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  sms: z.string().describe("the SMS text (one line, within 3 segments)"),
  title: z.string().describe("the in-app title"),
  body: z.string().describe("the in-app body"),
  variables: z.array(z.string()),
  required: z.array(z.string()),
  updatedAt: z.date().nullable(),
});
export const TemplateList = z.object({ items: z.array(TemplateResult) });
export const TemplateHistory = z.object({
  items: z.array(
    z.object({
      version: z.number().int(),
      builtIn: z.boolean().describe("back to the built-in text"),
      subject: z.string().nullable(),
      text: z.string().nullable(),
      html: z.string().nullable(),
      sms: z.string().nullable().describe("null: the built-in SMS"),
      title: z.string().nullable().describe("null: the version's subject"),
      body: z.string().nullable().describe("null: the version's text"),
      createdAt: z.date(),
      createdBy: z.uuid(),
    }),
  ),
});
export const Rendered = z.object({
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  sms: z.object({
    text: z.string(),
    encoding: z.enum(["GSM-7", "UCS-2"]),
    segments: z.number().int().describe("SMS segments: GSM-7 160/153, UCS-2 70/67 characters"),
  }),
  inApp: z.object({ title: z.string(), body: z.string() }),
});

const Taka = z.string().describe("exact decimal taka, e.g. 12.25");
const PricesApplied = z
  .array(Taka)
  .describe("the per-segment prices (taka) the costs were recorded at, lowest first");
const PriceSource = z
  .enum(["tenant", "default"])
  .describe("tenant: the tenant's own price; default: the deployment's SMS_SEGMENT_COST_POISHA");
export const SmsUsage = z.object({
  from: z.iso.date(),
  to: z.iso.date(),
  days: z.array(
    z.object({
      day: z.iso.date(),
      messages: z.number().int(),
      segments: z.number().int(),
      cost: Taka,
      perSegment: PricesApplied,
    }),
  ),
  total: z.object({
    messages: z.number().int(),
    segments: z.number().int(),
    cost: Taka,
    perSegment: PricesApplied,
  }),
  price: z
    .object({ perSegment: Taka, source: PriceSource, defaultPerSegment: Taka })
    .describe("the per-segment price that applies to SMS recorded now"),
});

export const SmsPrice = z.object({
  perSegment: Taka.describe("the per-segment price that applies now, taka"),
  source: PriceSource,
  defaultPerSegment: Taka.describe("the deployment's per-segment price, taka"),
  version: z.number().int().describe("0 when the tenant never set a price"),
  updatedBy: z.uuid().nullable(),
  updatedAt: z.date().nullable(),
});

export const DocumentsSent = z.object({
  messageId: z.uuid().describe("every delivery's event id"),
  queued: z.number().int().describe("deliveries queued"),
  attachments: z.array(z.string()).describe("the attachments' file names"),
});
