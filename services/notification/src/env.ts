import { readEnvOrExit, ServiceEnv } from "@vextrus/platform";
import { z } from "zod";

const HttpUrl = z.url({ protocol: /^https?$/ });

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
  BOUNCE_ADDRESS: z
    .email()
    .optional()
    .describe(
      "the envelope sender (Return-Path) of every mail, so servers send bounces (DSNs) there; unset: MAIL_FROM's address",
    ),
  BOUNCE_IMAP_URL: z
    .string()
    .regex(/^imaps?:\/\//, "must be an imap:// or imaps:// URL")
    .optional()
    .describe(
      "the bounce mailbox read for DSNs (imaps://user:pass@host:993/INBOX); unset: bounces are not read",
    ),
  BOUNCE_POLL_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  FILES_URL: HttpUrl.default("http://127.0.0.1:3008").describe("file-storage: attached files"),
  DOCUMENTS_URL: HttpUrl.default("http://127.0.0.1:3009").describe("document-generator: attached PDFs"),
  AUTH_URL: HttpUrl.default("http://127.0.0.1:3001").describe("issues the token attachments are read with"),
  SERVICE_TOKEN_SECRET: z
    .string()
    .min(32)
    .optional()
    .describe(
      "shared with auth: lets the dispatcher read a mail's attachments as the user who sent it; unset: no attachments",
    ),
  MAIL_ATTACHMENTS_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(50 * 1_048_576)
    .default(10 * 1_048_576)
    .describe("the most bytes of attachments one mail carries"),
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
  SMS_REPORT_TOKEN: z
    .string()
    .min(16)
    .optional()
    .describe(
      "the secret a provider's delivery-report URL carries (?token=); Twilio's reports are checked by their signature instead",
    ),
  SMS_REPORT_URL: z
    .url()
    .optional()
    .describe("the public URL providers post delivery reports to (Twilio's StatusCallback, which it signs)"),
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
  WEBHOOKS_ALLOW_PRIVATE_TARGETS: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true")
    .describe(
      "let webhook endpoints resolve to loopback/link-local/private addresses: local development and tests only (SSRF)",
    ),
  WEBHOOKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEBHOOKS_DISABLE_AFTER: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe("failed delivery attempts in a row after which an endpoint is disabled"),
  WEBHOOKS_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(10).default(1_000),
});

export type NotificationEnv = z.infer<typeof NotificationEnv>;

/** The only place the service reads process.env. */
export const loadEnv = (): NotificationEnv => readEnvOrExit(NotificationEnv, process.env);
