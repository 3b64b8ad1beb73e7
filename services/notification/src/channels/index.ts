import { join } from "node:path";
import type { Logger } from "@vextrus/platform";
import type { NotificationEnv } from "../env.ts";
import { providerSmsChannel } from "./bd-sms.ts";
import { folderChannel, smtpChannel } from "./email.ts";
import { httpSmsChannel, loggedSmsChannel } from "./sms.ts";
import type { Channel } from "./types.ts";

/** The channels the environment names: SMTP or `.eml` files, an HTTP SMS gateway or the log. */
export function channelsFrom(
  env: NotificationEnv,
  log: Logger,
): { email: Channel; sms: Channel; close(): void } {
  const smtp = env.SMTP_URL ? smtpChannel(env.SMTP_URL, env.MAIL_FROM, env.BOUNCE_ADDRESS) : undefined;
  const email = smtp ?? folderChannel(join(env.DATA_DIR, "mail"), env.MAIL_FROM);
  if (!smtp) {
    log.info("no SMTP_URL: mail is written as .eml files", { dir: join(env.DATA_DIR, "mail") });
  }
  const sms = env.SMS_URL
    ? env.SMS_PROVIDER !== "http"
      ? providerSmsChannel({
          provider: env.SMS_PROVIDER,
          baseUrl: env.SMS_URL,
          apiKey: env.SMS_API_KEY ?? "",
          senderId: env.SMS_SENDER_ID,
          timeoutMs: env.UPSTREAM_TIMEOUT_MS,
          statusCallbackUrl: env.SMS_REPORT_URL,
        })
      : httpSmsChannel({
          url: env.SMS_URL,
          apiKey: env.SMS_API_KEY,
          senderId: env.SMS_SENDER_ID,
          timeoutMs: env.UPSTREAM_TIMEOUT_MS,
        })
    : loggedSmsChannel(log);
  return { email, sms, close: () => smtp?.close() };
}
