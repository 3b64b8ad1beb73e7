import { afterAll, describe, expect, test } from "bun:test";
import { msisdn, providerSmsChannel, type SmsProvider } from "../src/channels/bd-sms.ts";
import { parseSmsReports } from "../src/channels/sms-reports.ts";

/** The outside world: one fake provider on localhost that answers as each real one does. */
const received: { path: string; auth: string | null; type: string | null; body: string }[] = [];
let refuse = false;
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const url = new URL(req.url);
    const body = await req.text();
    received.push({
      path: url.pathname,
      auth: req.headers.get("authorization"),
      type: req.headers.get("content-type"),
      body,
    });
    if (url.pathname === "/api/v3/send-sms") {
      return refuse
        ? Response.json({ status: "FAILED", status_code: 4001, error_message: "Invalid SID" })
        : Response.json({ status: "SUCCESS", status_code: 200, smsinfo: [{ reference_id: "ssl-1" }] });
    }
    if (url.pathname === "/api/smsapi") {
      return Response.json(
        refuse
          ? { response_code: 1007, error_message: "Balance Insufficient" }
          : { response_code: 202, message_id: "bulk-1" },
      );
    }
    if (url.pathname === "/sms/2/text/advanced") {
      return Response.json({
        messages: [{ messageId: "ib-1", status: { groupName: refuse ? "REJECTED" : "PENDING" } }],
      });
    }
    if (url.pathname.endsWith("/Messages.json")) {
      return refuse
        ? Response.json({ message: "The 'To' number is not a valid phone number." }, { status: 400 })
        : Response.json({ sid: "SM-1", status: "queued" }, { status: 201 });
    }
    return new Response("not found", { status: 404 });
  },
});
afterAll(() => server.stop(true));

const channel = (provider: SmsProvider) =>
  providerSmsChannel({
    provider,
    baseUrl: `http://127.0.0.1:${server.port}`,
    apiKey: provider === "twilio" ? "AC123:secret" : "key-123",
    senderId: "Vextrus",
    timeoutMs: 5_000,
    statusCallbackUrl: "https://erp.example.com.bd/notifications/sms-reports/twilio",
  });

const TEXT = "আপনার কাজ অনুমোদনের অপেক্ষায়";
const message = {
  id: "0199aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee",
  to: "+8801712345678",
  subject: "",
  text: TEXT,
  html: null,
};

describe("Bangladeshi SMS gateways (request shapes of ../shared/notes/sms-gateways.md, a fake provider)", () => {
  test("numbers go as 8801…", () => {
    expect(msisdn("+8801712345678")).toBe("8801712345678");
    expect(msisdn("01712345678")).toBe("8801712345678");
  });

  test("SSL Wireless: JSON {api_token, sid, msisdn, sms, csms_id}", async () => {
    received.length = 0;
    expect(await channel("ssl-wireless").send(message)).toEqual({ providerId: "ssl-1", segments: 1 });
    const [req] = received;
    expect(req?.path).toBe("/api/v3/send-sms");
    expect(JSON.parse(req?.body ?? "{}")).toEqual({
      api_token: "key-123",
      sid: "Vextrus",
      msisdn: "8801712345678",
      sms: TEXT,
      csms_id: message.id,
    });
  });

  test("BulkSMSBD: form api_key, type=unicode for Bengali, number, senderid, message", async () => {
    received.length = 0;
    expect(await channel("bulksmsbd").send(message)).toMatchObject({ providerId: "bulk-1" });
    const form = new URLSearchParams(received[0]?.body);
    expect(received[0]?.path).toBe("/api/smsapi");
    expect(Object.fromEntries(form)).toEqual({
      api_key: "key-123",
      type: "unicode",
      number: "8801712345678",
      senderid: "Vextrus",
      message: TEXT,
    });
  });

  test("Infobip: App key, messages[].destinations[].to, from, text", async () => {
    received.length = 0;
    expect(await channel("infobip").send(message)).toMatchObject({ providerId: "ib-1" });
    expect(received[0]?.auth).toBe("App key-123");
    expect(JSON.parse(received[0]?.body ?? "{}")).toEqual({
      messages: [
        { destinations: [{ to: "8801712345678", messageId: message.id }], from: "Vextrus", text: TEXT },
      ],
    });
  });

  test("Twilio: Basic AccountSid:AuthToken, form To=+8801…, From, Body, StatusCallback", async () => {
    received.length = 0;
    expect(await channel("twilio").send(message)).toMatchObject({ providerId: "SM-1" });
    expect(received[0]?.path).toBe("/2010-04-01/Accounts/AC123/Messages.json");
    expect(received[0]?.auth).toBe(`Basic ${Buffer.from("AC123:secret").toString("base64")}`);
    const form = new URLSearchParams(received[0]?.body);
    expect(form.get("To")).toBe("+8801712345678");
    expect(form.get("Body")).toBe(TEXT);
    expect(form.get("StatusCallback")).toContain("/sms-reports/twilio");
  });

  test("each provider's refusal is thrown with its reason (so the dispatcher retries, then fails)", async () => {
    refuse = true;
    try {
      await expect(channel("ssl-wireless").send(message)).rejects.toThrow("Invalid SID");
      await expect(channel("bulksmsbd").send(message)).rejects.toThrow("Balance Insufficient");
      await expect(channel("infobip").send(message)).rejects.toThrow("Infobip refused");
      await expect(channel("twilio").send(message)).rejects.toThrow("not a valid phone number");
    } finally {
      refuse = false;
    }
  });
});

describe("delivery reports", () => {
  test("Infobip results[], Twilio's form and the generic JSON become final outcomes; interim ones are left out", () => {
    expect(
      parseSmsReports("infobip", {
        json: {
          results: [
            { messageId: "ib-1", status: { groupName: "DELIVERED", description: "Delivered to handset" } },
            { messageId: "ib-2", status: { groupName: "UNDELIVERABLE" } },
            { messageId: "ib-3", status: { groupName: "PENDING" } },
          ],
        },
      }),
    ).toEqual([
      { providerId: "ib-1", outcome: "delivered", detail: "Delivered to handset" },
      { providerId: "ib-2", outcome: "failed", detail: undefined },
    ]);
    expect(
      parseSmsReports("twilio", {
        form: new URLSearchParams({ MessageSid: "SM-1", MessageStatus: "undelivered", ErrorCode: "30003" }),
      }),
    ).toEqual([{ providerId: "SM-1", outcome: "failed", detail: "30003" }]);
    expect(
      parseSmsReports("twilio", { form: new URLSearchParams({ MessageSid: "SM-1", MessageStatus: "sent" }) }),
    ).toEqual([]);
    expect(parseSmsReports("ssl-wireless", { json: { reference_id: "ssl-1", status: "Delivered" } })).toEqual(
      [{ providerId: "ssl-1", outcome: "delivered", detail: undefined }],
    );
  });
});
