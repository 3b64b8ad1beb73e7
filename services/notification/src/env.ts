import { readEnvOrExit, ServiceEnv } from "@vextrus/platform";
import { z } from "zod";

export const NotificationEnv = ServiceEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3007),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional()
    .describe(
      "the SMTP server mail goes to; when unset, mails are written as .eml files under DATA_DIR/mail",
    ),
  MAIL_FROM: z.string().min(3).default("Vextrus <no-reply@vextrus.local>"),
  SMS_URL: z
    .url()
    .optional()
    .describe("the SMS gateway's send endpoint (generic HTTP JSON); unset: SMS are logged"),
  SMS_API_KEY: z.string().min(1).optional(),
  SMS_PROVIDER: z
    .enum(["http", "ssl-wireless", "bulksmsbd", "infobip", "twilio"])
    .default("http")
    .describe(
      "the gateway SMS_URL names: the generic HTTP JSON one, or a provider's base URL (SMS_API_KEY: its key; Twilio: AccountSid:AuthToken)",
    ),
  SMS_SENDER_ID: z.string().min(1).max(20).default("Vextrus"),
  /** Poisha per SMS segment, for the cost estimate. */
  SMS_SEGMENT_COST_POISHA: z.coerce.number().int().min(0).default(35),
  PUBLIC_URL: z
    .url()
    .default("http://127.0.0.1:3000")
    .describe("the web app's address, for links in messages"),
  DEFAULT_LOCALE: z.enum(["bn", "en"]).default("bn"),
  DISPATCH_INTERVAL_MS: z.coerce.number().int().min(10).default(500),
  STREAM_POLL_MS: z.coerce
    .number()
    .int()
    .min(50)
    .max(60_000)
    .default(1_000)
    .describe("how often open inbox streams look for new in-app messages (one query per replica)"),
  DISPATCH_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(8),
});

export type NotificationEnv = z.infer<typeof NotificationEnv>;

/** The only place the service reads process.env. */
export const loadEnv = (): NotificationEnv => readEnvOrExit(NotificationEnv, process.env);
