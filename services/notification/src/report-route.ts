import { createHmac, timingSafeEqual } from "node:crypto";
import type { Logger } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { Context } from "hono";
import type { SmsProvider } from "./channels/bd-sms.ts";
import { parseSmsReports } from "./channels/sms-reports.ts";
import { applySmsReports } from "./domain/reports.ts";

/** Where SMS providers post delivery reports: `POST /sms-reports/<provider>`. */
export const REPORT_PATH = "/sms-reports/:provider";

export interface ReportRouteOptions {
  db: Database;
  log: Logger;
  clock: () => Date;
  /** The configured provider: reports of any other are refused. */
  provider: SmsProvider | "http";
  /** Twilio: `AccountSid:AuthToken` (the token signs each report: `X-Twilio-Signature`). */
  apiKey?: string | undefined;
  /** Every other provider: the secret the report URL carries as `?token=`. */
  token?: string | undefined;
  /** The exact public URL Twilio posts to (it signs that URL); default: the request's own URL. */
  publicUrl?: string | undefined;
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Twilio's request signature: HMAC-SHA1 of the URL followed by each form field (sorted) name+value. */
export function twilioSignature(authToken: string, url: string, form: URLSearchParams): string {
  const keys = [...new Set(form.keys())].sort();
  const data = keys.reduce(
    (acc, key) =>
      acc +
      form
        .getAll(key)
        .map((v) => key + v)
        .join(""),
    url,
  );
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

const refuse = (c: Context, status: 401 | 404 | 400, message: string) =>
  c.json({ error: { message } }, status);

/**
 * `POST /sms-reports/:provider`: an SMS provider's delivery reports. Authenticated per provider: Twilio
 * by its request signature (HMAC-SHA1 with the account's auth token over the URL and the form), the
 * others (which sign nothing) by a secret token in the callback URL set in their portal
 * (`SMS_REPORT_TOKEN`). Reports become `delivered`/`bounced` with their events; answers `{ applied }`.
 */
export function reportRoute(o: ReportRouteOptions) {
  return async (c: Context): Promise<Response> => {
    if (c.req.param("provider") !== o.provider) {
      return refuse(c, 404, "no such SMS provider here");
    }
    const type = c.req.header("content-type") ?? "";
    const raw = await c.req.text();
    if (raw.length > 1_000_000) {
      return refuse(c, 400, "report too large");
    }
    let body: { json?: unknown; form?: URLSearchParams };
    if (type.includes("application/x-www-form-urlencoded")) {
      body = { form: new URLSearchParams(raw) };
    } else {
      try {
        body = { json: JSON.parse(raw) };
      } catch {
        return refuse(c, 400, "a delivery report is JSON or a form");
      }
    }
    if (o.provider === "twilio") {
      const authToken = o.apiKey?.split(":")[1] ?? "";
      const signature = c.req.header("x-twilio-signature") ?? "";
      const url = o.publicUrl ?? c.req.url;
      if (!authToken || !body.form || !same(signature, twilioSignature(authToken, url, body.form))) {
        return refuse(c, 401, "bad or missing X-Twilio-Signature");
      }
    } else if (!o.token || !same(c.req.query("token") ?? "", o.token)) {
      return refuse(c, 401, "bad or missing report token");
    }
    const reports = parseSmsReports(o.provider, body);
    const applied = await applySmsReports(o.db, reports, o.clock());
    o.log.info("sms delivery reports", { provider: o.provider, reports: reports.length, applied });
    return c.json({ applied });
  };
}
