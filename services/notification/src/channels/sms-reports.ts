import type { SmsProvider } from "./bd-sms.ts";

/** One delivery report: the provider's message id and what became of the message. */
export interface SmsReport {
  providerId: string;
  outcome: "delivered" | "failed";
  detail?: string | undefined;
}

const DELIVERED = new Set(["delivered", "delivrd", "success", "successful"]);
const FAILED = new Set(["undelivered", "undeliverable", "failed", "expired", "rejected", "undeliv"]);

const outcomeOf = (status: unknown): SmsReport["outcome"] | undefined => {
  const s = String(status ?? "").toLowerCase();
  return DELIVERED.has(s) ? "delivered" : FAILED.has(s) ? "failed" : undefined;
};

const str = (value: unknown) =>
  typeof value === "string" || typeof value === "number" ? String(value) : undefined;

/**
 * Reads a provider's delivery-report callback (Infobip JSON `results[]`, Twilio form `MessageSid` +
 * `MessageStatus`, SSL Wireless / BulkSMSBD / the generic gateway as JSON `{id|reference_id|message_id,
 * status}`). Interim statuses (queued, sent, accepted) are left out: only final outcomes count.
 */
export function parseSmsReports(
  provider: SmsProvider | "http",
  body: { json?: unknown; form?: URLSearchParams },
): SmsReport[] {
  if (provider === "twilio") {
    const id = body.form?.get("MessageSid");
    const outcome = outcomeOf(body.form?.get("MessageStatus"));
    return id && outcome
      ? [{ providerId: id, outcome, detail: body.form?.get("ErrorCode") ?? undefined }]
      : [];
  }
  const json = body.json as Record<string, unknown> | undefined;
  if (provider === "infobip") {
    const results = Array.isArray(json?.results) ? (json.results as Record<string, unknown>[]) : [];
    return results.flatMap((r) => {
      const status = r.status as Record<string, unknown> | undefined;
      const outcome = outcomeOf(status?.groupName);
      const id = str(r.messageId);
      return id && outcome ? [{ providerId: id, outcome, detail: str(status?.description) }] : [];
    });
  }
  const list = Array.isArray(json) ? (json as Record<string, unknown>[]) : json ? [json] : [];
  return list.flatMap((r) => {
    const id = str(r.id ?? r.reference_id ?? r.message_id ?? r.csms_id);
    const outcome = outcomeOf(r.status ?? r.dlr_status);
    return id && outcome ? [{ providerId: id, outcome, detail: str(r.error ?? r.error_message) }] : [];
  });
}
