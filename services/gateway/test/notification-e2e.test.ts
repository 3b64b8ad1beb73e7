/**
 * Notification through the gateway: an issued Mushak-6.3 and a stored file sent as e-mail attachments
 * (read by notification as their sender, at send time) reach a real SMTP server (GreenMail) as MIME
 * parts with the very bytes issued; SMS providers' delivery reports reach notification through the
 * gateway's public `POST /sms-reports/<provider>`, checked by their URL token.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type SeededTenant, seedTenant } from "./fixtures.ts";
import { type RunningGateway, type RunningServices, startGateway, startServices } from "./harness.ts";
import { type AuthKeySigner, authKeySigner } from "./tokens.ts";

const REPORT_TOKEN = "gateway-sms-report-token-0123456789";

/** The outside world: an SSL Wireless look-alike (only its delivery reports matter here). */
const provider = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: () => Response.json({ status: "SUCCESS", status_code: 200, smsinfo: [{ reference_id: "x" }] }),
});

let services: RunningServices;
let gateway: RunningGateway;
let tenant: SeededTenant;
let signer: AuthKeySigner;

beforeAll(async () => {
  const smtp = process.env.TEST_SMTP_URL;
  if (!smtp || !process.env.TEST_MAIL_API) {
    throw new Error("TEST_SMTP_URL / TEST_MAIL_API are not set: run through scripts/test.ts (GreenMail)");
  }
  services = await startServices("notify", {
    notificationEnv: {
      SMTP_URL: smtp,
      DISPATCH_INTERVAL_MS: "100",
      SMS_URL: `http://127.0.0.1:${provider.port}`,
      SMS_PROVIDER: "ssl-wireless",
      SMS_API_KEY: "key",
      SMS_REPORT_TOKEN: REPORT_TOKEN,
    },
  });
  gateway = startGateway(services.table);
  tenant = await seedTenant(gateway, "Jamuna");
  signer = await authKeySigner(services.auth.databaseUrl);
}, 180_000);
afterAll(async () => {
  provider.stop(true);
  await gateway?.stop();
  await services?.stop();
});

const sha256 = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex");

/** The mail GreenMail holds for `address` (its REST API), polled until `count` arrived. */
async function mailTo(address: string, count = 1, timeoutMs = 90_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${process.env.TEST_MAIL_API}/api/user/${encodeURIComponent(address)}/messages/`);
    if (!res.ok) {
      await res.body?.cancel();
    }
    const mails = res.ok ? ((await res.json()) as { mimeMessage: string }[]) : [];
    if (mails.length >= count) {
      return mails.map((m) => m.mimeMessage);
    }
    if (Date.now() > deadline) {
      throw new Error(`no mail to ${address} within ${timeoutMs} ms`);
    }
    await Bun.sleep(250);
  }
}

/** The attachment parts of a MIME message: file name, content type and decoded bytes. */
function attachmentsOf(mime: string) {
  const boundaries = [...mime.matchAll(/boundary="?([^";\r\n]+)"?/gi)].map((m) => m[1] ?? "");
  let parts = [mime];
  for (const boundary of boundaries) {
    parts = parts.flatMap((part) => part.split(`--${boundary}`));
  }
  return parts.flatMap((part) => {
    const split = part.search(/\r?\n\r?\n/);
    const head = part.slice(0, split).replace(/\r?\n[ \t]+/g, " ");
    if (split < 0 || !/content-disposition:\s*attachment/i.test(head)) {
      return [];
    }
    const name = /filename="?([^";\r\n]+)"?/i.exec(head)?.[1] ?? "";
    const type = /content-type:\s*([^;\r\n]+)/i.exec(head)?.[1]?.trim() ?? "";
    expect(head).toMatch(/content-transfer-encoding:\s*base64/i);
    const bytes = new Uint8Array(Buffer.from(part.slice(split).replace(/\s+/g, ""), "base64"));
    return [{ name, type, bytes }];
  });
}

describe("documents and files as e-mail attachments", () => {
  test("an issued Mushak-6.3 and a stored file reach the buyer's mailbox with the bytes issued", async () => {
    const api = gateway.client({ token: tenant.adminToken });
    const documentId = tenant.ids.document ?? "";
    const fileId = tenant.ids.file ?? "";
    const document = await api.documents.get.query({ id: documentId });
    const file = await api.files.get.query({ id: fileId });
    const buyer = `buyer-${Bun.randomUUIDv7()}@example.test`;
    const sent = await api.notification.messages.sendDocuments.mutate({
      emails: [buyer],
      attachments: [{ documentId }, { fileId }],
      note: "মূসক-৬.৩ সংযুক্ত / VAT invoice attached",
      locale: "bn",
    });
    expect(sent.queued).toBe(1);
    expect(sent.attachments).toHaveLength(2);
    const [mail] = await mailTo(buyer).catch((error: unknown) => {
      // Why not: the dispatcher's warnings say.
      const notification = services.list.find((s) => s.name === "notification");
      console.error(notification?.logLines.filter((l) => l.includes("warn")).slice(-5));
      throw error;
    });
    const attached = attachmentsOf(mail ?? "");
    expect(attached.map((a) => a.type).sort()).toEqual([file.contentType, "application/pdf"].sort());
    const pdf = attached.find((a) => a.name === sent.attachments[0]);
    expect(pdf?.type).toBe("application/pdf");
    expect(new TextDecoder().decode(pdf?.bytes.slice(0, 5))).toBe("%PDF-");
    expect(sha256(pdf?.bytes ?? new Uint8Array())).toBe(document.sha256 ?? "");
    const other = attached.find((a) => a.name !== sent.attachments[0]);
    expect(sha256(other?.bytes ?? new Uint8Array())).toBe(file.sha256);
  }, 120_000);

  test("a sender who may not read a document cannot send it; unknown ids and no recipient are refused", async () => {
    const claims = { tenantId: tenant.registered.tenant.id, userId: tenant.registered.user.id };
    const cannotRead = await signer.sign({ ...claims, permissions: ["notification:message:send"] });
    const refused = await gateway
      .client({ token: cannotRead })
      .notification.messages.sendDocuments.mutate({
        emails: ["someone@example.test"],
        attachments: [{ documentId: tenant.ids.document ?? "" }],
      })
      .catch((error: { data?: { code?: string } }) => error.data?.code);
    expect(refused).toBe("FORBIDDEN");
    const api = gateway.client({ token: tenant.adminToken });
    const unknown = await api.notification.messages.sendDocuments
      .mutate({ emails: ["someone@example.test"], attachments: [{ fileId: Bun.randomUUIDv7() }] })
      .catch((error: { data?: { code?: string } }) => error.data?.code);
    expect(unknown).toBe("NOT_FOUND");
    const nobody = await api.notification.messages.sendDocuments
      .mutate({ attachments: [{ fileId: tenant.ids.file ?? "" }] })
      .catch((error: { data?: { code?: string } }) => error.data?.code);
    expect(nobody).toBe("BAD_REQUEST");
  }, 60_000);
});

describe("SMS delivery reports through the gateway", () => {
  const report = (query: string, body: string, type = "application/json", provider = "ssl-wireless") =>
    fetch(`${gateway.url}/sms-reports/${provider}${query}`, {
      method: "POST",
      headers: { "content-type": type },
      body,
    });
  const sslReport = JSON.stringify({ reference_id: "ssl-unknown-1", status: "Delivered" });

  test("a report with the URL token reaches notification; without it, or for another provider, it is refused", async () => {
    const accepted = await report(`?token=${REPORT_TOKEN}`, sslReport);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ applied: 0 });
    expect((await report("?token=wrong-token-0123456789", sslReport)).status).toBe(401);
    expect((await report("", sslReport)).status).toBe(401);
    expect((await report(`?token=${REPORT_TOKEN}`, sslReport, "application/json", "twilio")).status).toBe(
      404,
    );
    // The body passes through as sent: a garbled one is notification's 400.
    expect((await report(`?token=${REPORT_TOKEN}`, "{not json")).status).toBe(400);
  }, 60_000);
});
