import { countSegments } from "./sms.ts";
import type { Accepted, Channel, OutgoingMessage } from "./types.ts";

/**
 * Adapters for the SMS gateways Bangladeshi companies use (request shapes from their public docs, see
 * ../shared/notes/sms-gateways.md): each turns one message into its provider's request and its answer
 * into an accepted provider id or a thrown refusal. Numbers go as `8801…` (Twilio: `+8801…`).
 */

export type SmsProvider = "ssl-wireless" | "bulksmsbd" | "infobip" | "twilio";

export interface ProviderOptions {
  provider: SmsProvider;
  /** The provider's base URL (its API host; tests point it at a fake on localhost). */
  baseUrl: string;
  /** SSL Wireless `api_token`, BulkSMSBD `api_key`, Infobip `App` key, Twilio `AccountSid:AuthToken`. */
  apiKey: string;
  senderId: string;
  timeoutMs: number;
  /** Where the provider posts delivery reports (Twilio `StatusCallback`); Infobip's is set in its portal. */
  statusCallbackUrl?: string | undefined;
  fetch?: typeof fetch;
}

/** `+8801712345678`, `01712345678` → `8801712345678`. */
export const msisdn = (to: string) => {
  const digits = to.replace(/\D/g, "");
  return digits.startsWith("880") ? digits : `88${digits}`;
};

const base = (url: string) => url.replace(/\/$/, "");

interface Prepared {
  url: string;
  init: RequestInit;
  /** The provider's id of the accepted message, from its answer; throws on a refusal. */
  accept: (status: number, body: unknown, message: OutgoingMessage) => string;
}

const refused = (provider: string, status: number, detail: unknown) =>
  new Error(
    `${provider} refused the SMS (${status}): ${typeof detail === "string" ? detail : JSON.stringify(detail)}`.slice(
      0,
      500,
    ),
  );

const field = (body: unknown, key: string): unknown =>
  typeof body === "object" && body !== null ? (body as Record<string, unknown>)[key] : undefined;

function prepare(o: ProviderOptions, message: OutgoingMessage): Prepared {
  const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: JSON.stringify(body),
  });
  switch (o.provider) {
    case "ssl-wireless":
      return {
        url: `${base(o.baseUrl)}/api/v3/send-sms`,
        init: json({
          api_token: o.apiKey,
          sid: o.senderId,
          msisdn: msisdn(message.to),
          sms: message.text,
          csms_id: message.id,
        }),
        accept(status, body) {
          if (status !== 200 || String(field(body, "status_code")) !== "200") {
            throw refused("SSL Wireless", status, field(body, "error_message") ?? body);
          }
          const info = field(body, "smsinfo");
          const first = Array.isArray(info) ? info[0] : undefined;
          return String(field(first, "reference_id") ?? message.id);
        },
      };
    case "bulksmsbd": {
      const form = new URLSearchParams({
        api_key: o.apiKey,
        type: countSegments(message.text).encoding === "UCS-2" ? "unicode" : "text",
        number: msisdn(message.to),
        senderid: o.senderId,
        message: message.text,
      });
      return {
        url: `${base(o.baseUrl)}/api/smsapi`,
        init: {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: form,
        },
        accept(status, body) {
          // 202: submitted; 1007 balance insufficient, 1012 masking SMS must be Bengali, …
          if (String(field(body, "response_code")) !== "202") {
            throw refused("BulkSMSBD", status, field(body, "error_message") ?? body);
          }
          return String(field(body, "message_id") ?? message.id);
        },
      };
    }
    case "infobip":
      return {
        url: `${base(o.baseUrl)}/sms/2/text/advanced`,
        init: json(
          {
            messages: [
              {
                destinations: [{ to: msisdn(message.to), messageId: message.id }],
                from: o.senderId,
                text: message.text,
              },
            ],
          },
          { authorization: `App ${o.apiKey}` },
        ),
        accept(status, body) {
          const messages = field(body, "messages");
          const first = Array.isArray(messages) ? messages[0] : undefined;
          const group = field(field(first, "status"), "groupName");
          if (status >= 300 || group === "REJECTED" || !first) {
            throw refused("Infobip", status, field(field(first, "status"), "description") ?? body);
          }
          return String(field(first, "messageId") ?? message.id);
        },
      };
    case "twilio": {
      const [sid = ""] = o.apiKey.split(":");
      const form = new URLSearchParams({
        To: `+${msisdn(message.to)}`,
        From: o.senderId,
        Body: message.text,
      });
      if (o.statusCallbackUrl) {
        form.set("StatusCallback", o.statusCallbackUrl);
      }
      return {
        url: `${base(o.baseUrl)}/2010-04-01/Accounts/${encodeURIComponent(sid)}/Messages.json`,
        init: {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            authorization: `Basic ${Buffer.from(o.apiKey).toString("base64")}`,
          },
          body: form,
        },
        accept(status, body) {
          if (status >= 300) {
            throw refused("Twilio", status, field(body, "message") ?? body);
          }
          return String(field(body, "sid") ?? message.id);
        },
      };
    }
  }
}

/** An SMS channel through one of the Bangladeshi gateways (or Infobip/Twilio). */
export function providerSmsChannel(options: ProviderOptions): Channel {
  const send = options.fetch ?? fetch;
  return {
    name: options.provider,
    async send(message: OutgoingMessage): Promise<Accepted> {
      const { url, init, accept } = prepare(options, message);
      const res = await send(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Some gateways answer plain text; it is kept for the refusal message.
      }
      return {
        providerId: accept(res.status, body, message),
        segments: countSegments(message.text).segments,
      };
    },
  };
}
