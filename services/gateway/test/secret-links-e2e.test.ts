/**
 * Auth's secret links end to end, through the gateway: sign-up, verification, password reset and
 * invitation mails are sent by notification over real SMTP (GreenMail), read back, and their links
 * followed. The token reaches the recipient's mailbox only: no answer, stored message or event holds it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@vextrus/client";
import { greenMailFor, smtpTestUrl, tokenFromGreenMail } from "@vextrus/platform/testing";
import postgres from "postgres";
import { strongPassword } from "./fixtures.ts";
import { type RunningGateway, type RunningServices, startGateway, startServices } from "./harness.ts";

let services: RunningServices;
let gateway: RunningGateway;

beforeAll(async () => {
  services = await startServices("secrets", {
    notificationEnv: { SMTP_URL: smtpTestUrl(), PUBLIC_URL: "https://erp.example.com.bd" },
  });
  gateway = startGateway(services.table);
}, 120_000);
afterAll(async () => {
  await gateway.stop();
  await services.stop();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCClientError) {
      return String((error.data as { code?: string } | undefined)?.code);
    }
    throw error;
  }
}

/** Every text column of notification's deliveries and every outbox row of auth and notification. */
async function storedText(): Promise<string> {
  const texts: string[] = [];
  for (const [url, query] of [
    [
      services.notification.databaseUrl,
      "select d.*, o.* from notification.deliveries d, notification.outbox o",
    ],
    [services.auth.databaseUrl, "select * from auth.outbox"],
  ] as const) {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      texts.push(JSON.stringify(await sql.unsafe(query)));
    } finally {
      await sql.end();
    }
  }
  return texts.join("\n");
}

describe("invitation, verification and password reset links go out by mail through notification", () => {
  test("sign-up → verify by the mailed link → reset by the mailed link → the new password works; invite → accept", async () => {
    const slug = `links-${Bun.randomUUIDv7().slice(-8)}`;
    const email = `admin-${Bun.randomUUIDv7().slice(-6)}@${slug}.com.bd`;
    const first = strongPassword();
    const anonymous = gateway.client();
    const registered = await anonymous.auth.registerTenant.mutate({
      tenant: { slug, legalName: "Links Builders Ltd" },
      admin: { name: "Farhana Islam", email, password: first },
    });
    // The admin's address is confirmed by the link mailed to it (Bengali by default).
    const verifyToken = await tokenFromGreenMail(email, "verify-contact");
    const [verifyMail] = await greenMailFor(email);
    expect(verifyMail?.subject).toBe("ভেক্সট্রাসের জন্য এই ঠিকানাটি নিশ্চিত করুন");
    expect(verifyMail?.text).toContain("https://erp.example.com.bd/verify-contact?token=");
    await anonymous.auth.verifyContact.mutate({ token: verifyToken });

    // A reset answers the same either way; the link arrives by mail and works once.
    expect(
      await anonymous.auth.passwordReset.request.mutate({ tenantSlug: slug, identifier: email }),
    ).toEqual({
      accepted: true,
    });
    const resetToken = await tokenFromGreenMail(email, "reset-password");
    const second = strongPassword();
    await anonymous.auth.passwordReset.complete.mutate({ token: resetToken, password: second });
    expect(
      await codeOf(anonymous.auth.passwordReset.complete.mutate({ token: resetToken, password: first })),
    ).toBe("BAD_REQUEST");
    expect(
      await codeOf(anonymous.auth.login.mutate({ tenantSlug: slug, identifier: email, password: first })),
    ).toBe("UNAUTHORIZED");
    const login = await anonymous.auth.login.mutate({
      tenantSlug: slug,
      identifier: email,
      password: second,
    });
    expect(login.user.id).toBe(registered.user.id);

    // An invitation: the inviter gets no token; the invited person gets the link and accepts.
    const admin = gateway.client({ token: login.accessToken });
    const invitedEmail = `site-${Bun.randomUUIDv7().slice(-6)}@${slug}.com.bd`;
    const invited = await admin.auth.users.invite.mutate({ name: "Karim Hossain", email: invitedEmail });
    const inviteToken = await tokenFromGreenMail(invitedEmail, "accept-invite");
    expect(JSON.stringify(invited)).not.toContain(inviteToken);
    const third = strongPassword();
    await anonymous.auth.invites.accept.mutate({ token: inviteToken, password: third });
    const member = await anonymous.auth.login.mutate({
      tenantSlug: slug,
      identifier: invitedEmail,
      password: third,
    });
    expect(member.user.id).toBe(invited.user.id);

    // None of the three secrets is stored or announced anywhere but the mails.
    await services.settle();
    const stored = await storedText();
    for (const secret of [verifyToken, resetToken, inviteToken]) {
      expect(stored).not.toContain(secret);
    }
    // An admin of a tenant cannot use the courier to mail links of their own.
    expect(
      await codeOf(
        admin.notification.secrets.deliver.mutate({
          purpose: "reset",
          secretId: Bun.randomUUIDv7(),
          userId: registered.user.id,
          address: email,
          token: "0123456789abcdef-forged",
          expiresAt: new Date(),
        }),
      ),
    ).toBe("FORBIDDEN");
  }, 60_000);
});
