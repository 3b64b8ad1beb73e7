import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import { rowsOf } from "@vextrus/platform/db";
import { linkToken, parseMail } from "@vextrus/platform/testing";
import { sql } from "drizzle-orm";
import { smtpChannel } from "../src/channels/email.ts";
import type { Channel } from "../src/channels/types.ts";
import { mailbox, type NotificationHarness, smtpUrl, startNotification } from "./harness.ts";

// Auth's courier: secret links go to their owner over real SMTP (GreenMail), stored with the link withheld.
let h: NotificationHarness;
let smtp: Channel & { close(): void };
/** Refuses the next `failNext` mails, then passes them to GreenMail. */
let failNext = 0;
const flaky: Channel = {
  name: "flaky-smtp",
  send: (message) => (failNext-- > 0 ? Promise.reject(new Error("421 try again later")) : smtp.send(message)),
};

beforeAll(async () => {
  smtp = smtpChannel(smtpUrl(), "Vextrus <no-reply@vextrus.local>");
  h = await startNotification("secrets", {
    channels: { email: flaky, sms: flaky },
    settings: { publicUrl: "https://erp.example.com.bd/", defaultLocale: "bn" },
  });
}, 60_000);

afterAll(async () => {
  smtp.close();
  await h.stop();
});

const SECRET = "v1.0123456789abcdef0123456789abcdef-secret";

async function auth(tenantId = Bun.randomUUIDv7()) {
  return h.user(tenantId, Bun.randomUUIDv7(), ["platform:notification:secret"]);
}

const input = (purpose: "invite" | "reset" | "verify", address: string, token = SECRET) => ({
  purpose,
  secretId: Bun.randomUUIDv7(),
  userId: Bun.randomUUIDv7(),
  address,
  token,
  expiresAt: new Date("2026-06-15T06:30:00.000Z"),
});

const stored = (secretId: string) =>
  h.db.privileged(async (tx) =>
    rowsOf<{
      status: string;
      subject: string;
      body_text: string;
      body_html: string | null;
      attempts: number;
    }>(
      await tx.execute(
        sql`select status, subject, body_text, body_html, attempts from notification.deliveries where event_id = ${secretId}`,
      ),
    ),
  );

const outboxText = () =>
  h.db.privileged(async (tx) =>
    JSON.stringify(rowsOf(await tx.execute(sql`select * from notification.outbox`))),
  );

interface Refusal {
  message: string;
  data: { code: string; httpStatus: number };
}

const failure = async (promise: Promise<unknown>): Promise<Refusal> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      return error as unknown as Refusal;
    }
    throw error;
  }
  throw new Error("expected a refusal");
};

describe("notification.secrets.deliver (auth's courier)", () => {
  test("a reset link goes to its owner once, in Bengali, with the console link; stored and announced without it", async () => {
    const caller = await auth();
    const address = `reset-${Bun.randomUUIDv7().slice(-8)}@example.com`;
    const request = input("reset", address);
    expect(await caller.api.secrets.deliver.mutate(request)).toEqual({ sent: true, repeated: false });
    const [mail] = await mailbox(address);
    expect(mail?.subject).toBe("আপনার ভেক্সট্রাস পাসওয়ার্ড পুনরায় ঠিক করুন");
    const text = parseMail(mail?.mimeMessage ?? "").text;
    expect(text).toContain(`https://erp.example.com.bd/reset-password?token=${encodeURIComponent(SECRET)}`);
    expect(linkToken(text, "reset-password")).toBe(SECRET);
    // 06:30 UTC is 12:30 in Dhaka, in Bengali digits.
    expect(text).toContain("১২:৩০");
    // Stored and announced with the link withheld.
    const [row] = await stored(request.secretId);
    expect(row?.status).toBe("sent");
    expect(`${row?.subject}${row?.body_text}${row?.body_html}`).not.toContain(SECRET);
    expect(row?.body_text).toContain("[লিংক গোপন");
    expect(await outboxText()).not.toContain(SECRET);
    // Auth calling again (a retry) sends nothing twice.
    expect(await caller.api.secrets.deliver.mutate(request)).toEqual({ sent: true, repeated: true });
    expect(await mailbox(address)).toHaveLength(1);
  });

  test("an invitation in English for a user who chose English; a refused send is UNAVAILABLE, recorded failed, and a retry sends it", async () => {
    const caller = await auth();
    const userId = Bun.randomUUIDv7();
    const recipient = await h.user(caller.tenantId, userId);
    await recipient.api.preferences.set.mutate({ locale: "en", expectedVersion: 0 });
    const address = `invite-${Bun.randomUUIDv7().slice(-8)}@example.com`;
    const request = { ...input("invite", address), userId };
    failNext = 1;
    const refused = await failure(caller.api.secrets.deliver.mutate(request));
    expect(refused.data.code).toBe("SERVICE_UNAVAILABLE");
    expect(refused.message).not.toContain(SECRET);
    expect((await stored(request.secretId))[0]?.status).toBe("failed");
    expect(await mailbox(address)).toHaveLength(0);
    expect(await caller.api.secrets.deliver.mutate(request)).toEqual({ sent: true, repeated: false });
    const [mail] = await mailbox(address);
    expect(mail?.subject).toBe("You are invited to Vextrus");
    expect(linkToken(parseMail(mail?.mimeMessage ?? "").text, "accept-invite")).toBe(SECRET);
    const [row] = await stored(request.secretId);
    expect(row).toMatchObject({ status: "sent", attempts: 2 });
  });

  test("only a caller holding platform:notification:secret may send; bad input names its field", async () => {
    const admin = await h.user(Bun.randomUUIDv7(), Bun.randomUUIDv7(), ["notification:*", "auth:*"]);
    const address = `nobody-${Bun.randomUUIDv7().slice(-8)}@example.com`;
    expect((await failure(admin.api.secrets.deliver.mutate(input("verify", address)))).data.code).toBe(
      "FORBIDDEN",
    );
    expect(await mailbox(address)).toHaveLength(0);
    const caller = await auth();
    const bad = await failure(caller.api.secrets.deliver.mutate(input("verify", "01712")));
    expect(bad.data.code).toBe("BAD_REQUEST");
    expect(bad.message).toContain("address");
    const short = await failure(caller.api.secrets.deliver.mutate(input("verify", address, "short")));
    expect(short.data.code).toBe("BAD_REQUEST");
  });
});
