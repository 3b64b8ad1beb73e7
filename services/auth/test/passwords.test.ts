import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type AuthHarness, failure, startAuth, strongPassword } from "./harness.ts";

let h: AuthHarness;
beforeAll(async () => {
  h = await startAuth("passwords");
}, 30_000);
afterAll(async () => {
  await h.stop();
}, 30_000);

const mailFor = (userId: string, purpose = "reset") =>
  h.mailbox.filter((m) => m.userId === userId && m.purpose === purpose);

/** A registered company whose admin has verified their e-mail with the link sign-up sent. */
async function verified(hint: string) {
  const reg = await h.register(hint);
  const link = mailFor(reg.user.id, "verify")[0];
  if (!link) {
    throw new Error("sign-up sent no verification link");
  }
  await h.client().verifyContact.mutate({ token: link.token });
  return reg;
}

describe("password reset", () => {
  test("request → single-use token by courier, event without it → complete → new password only; sessions end", async () => {
    const reg = await verified("reset");
    const answer = await h
      .client()
      .passwordReset.request.mutate({ tenantSlug: reg.slug, identifier: reg.email });
    expect(answer).toEqual({ accepted: true });
    const [mail] = mailFor(reg.user.id);
    if (!mail) {
      throw new Error("no reset mail");
    }
    expect(mail).toMatchObject({ purpose: "reset", address: reg.email, tenantId: reg.tenant.id });
    expect(mail.expiresAt.getTime() - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(mail.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    const [event] =
      await h.authSql`select event from auth.outbox where event->>'type' = 'vextrus.auth.password_reset.requested' and tenant_id = ${reg.tenant.id}`;
    expect((event?.event as { data?: Record<string, unknown> } | undefined)?.data).toMatchObject({
      userId: reg.user.id,
      resetId: mail.resetId,
      deliveryAddress: reg.email,
    });
    expect(JSON.stringify(event)).not.toContain(mail.token);
    const [row] =
      await h.authSql`select token_hash from auth.password_reset_tokens where id = ${mail.resetId}`;
    expect(row?.token_hash).not.toBe(mail.token);

    const password = strongPassword();
    await h.client().passwordReset.complete.mutate({ token: mail.token, password });
    const again = await failure(
      h.client().passwordReset.complete.mutate({ token: mail.token, password: strongPassword() }),
    );
    expect(again).toMatchObject({ httpStatus: 400, appCode: "auth.reset.invalid" });
    expect(again.issues.map((i) => i.path)).toEqual(["token"]);
    expect((await failure(h.client().refresh.mutate({ refreshToken: reg.refreshToken }))).code).toBe(
      "UNAUTHORIZED",
    );
    expect(
      (
        await failure(
          h.client().login.mutate({ tenantSlug: reg.slug, identifier: reg.email, password: reg.password }),
        )
      ).code,
    ).toBe("UNAUTHORIZED");
    const ok = await h.client().login.mutate({ tenantSlug: reg.slug, identifier: reg.email, password });
    expect(ok.user.id).toBe(reg.user.id);
  });

  test("unknown account or tenant: the same answer, no mail, no event, nothing stored", async () => {
    const reg = await h.register("noreset");
    const before = h.mailbox.length;
    const [events] = await h.authSql`select count(*)::int n from auth.outbox`;
    for (const input of [
      { tenantSlug: reg.slug, identifier: "nobody@example.com" },
      { tenantSlug: `nope-${Bun.randomUUIDv7().slice(-6)}`, identifier: reg.email },
    ]) {
      expect(await h.client().passwordReset.request.mutate(input)).toEqual({ accepted: true });
    }
    expect(h.mailbox.length).toBe(before);
    const [after] = await h.authSql`select count(*)::int n from auth.outbox`;
    expect(after?.n).toBe(events?.n ?? -1);
  });

  test("an expired, tampered or wrong-purpose token is refused, and a weak new password too", async () => {
    const reg = await verified("expired");
    await h.client().passwordReset.request.mutate({ tenantSlug: reg.slug, identifier: reg.email });
    const mail = mailFor(reg.user.id).at(-1);
    if (!mail) {
      throw new Error("no mail");
    }
    const weak = await failure(
      h.client().passwordReset.complete.mutate({ token: mail.token, password: "password123456" }),
    );
    expect(weak.issues.map((i) => i.path)).toEqual(["password"]);
    const tampered = `${mail.token.slice(0, -1)}${mail.token.endsWith("0") ? "1" : "0"}`;
    expect(
      (
        await failure(
          h.client().passwordReset.complete.mutate({ token: tampered, password: strongPassword() }),
        )
      ).appCode,
    ).toBe("auth.reset.invalid");
    expect(
      (await failure(h.client().invites.accept.mutate({ token: mail.token, password: strongPassword() })))
        .appCode,
    ).toBe("auth.reset.invalid");
    h.clock.advanceMinutes(31);
    try {
      expect(
        (
          await failure(
            h.client().passwordReset.complete.mutate({ token: mail.token, password: strongPassword() }),
          )
        ).appCode,
      ).toBe("auth.reset.invalid");
    } finally {
      h.clock.reset();
    }
  });
});

describe("invitations and password change", () => {
  test("an invited user cannot sign in until they accept; the link works once", async () => {
    const reg = await h.register("invite");
    const email = `new-${Bun.randomUUIDv7().slice(-6)}@example.com`;
    const invited = await reg.api.users.invite.mutate({ name: "Nasrin Akter", email, mobile: "01812345678" });
    expect(invited.user.status).toBe("invited");
    const token = h.invitationToken(invited.user.id);
    // The link goes to the invited address only: the inviter's answer carries no secret.
    expect(JSON.stringify(invited)).not.toContain(token);
    expect(Object.keys(invited.invitation)).toEqual(["expiresAt"]);
    expect(
      (
        await failure(
          h.client().login.mutate({ tenantSlug: reg.slug, identifier: email, password: "anything-at-all" }),
        )
      ).appCode,
    ).toBe("auth.login.invalid");
    const password = strongPassword();
    await h.client().invites.accept.mutate({ token: h.invitationToken(invited.user.id), password });
    expect(
      (
        await failure(
          h.client().invites.accept.mutate({ token: h.invitationToken(invited.user.id), password }),
        )
      ).appCode,
    ).toBe("auth.reset.invalid");
    const login = await h
      .client()
      .login.mutate({ tenantSlug: reg.slug, identifier: "01812345678", password });
    expect(login.user.id).toBe(invited.user.id);
    expect(login.permissions).toEqual([]);
  });

  test("changing one's password needs the current one and ends the other sessions", async () => {
    const reg = await h.register("change");
    const other = await h
      .client()
      .login.mutate({ tenantSlug: reg.slug, identifier: reg.email, password: reg.password });
    const wrong = await failure(
      reg.api.changePassword.mutate({ currentPassword: "not-it-at-all", newPassword: strongPassword() }),
    );
    expect(wrong).toMatchObject({ httpStatus: 400, appCode: "auth.password.current_wrong" });
    expect(wrong.issues.map((i) => i.path)).toEqual(["currentPassword"]);
    const password = strongPassword();
    await reg.api.changePassword.mutate({ currentPassword: reg.password, newPassword: password });
    expect((await reg.api.me.query()).user.id).toBe(reg.user.id);
    expect((await failure(h.client().refresh.mutate({ refreshToken: other.refreshToken }))).code).toBe(
      "UNAUTHORIZED",
    );
    expect(
      (await h.client().login.mutate({ tenantSlug: reg.slug, identifier: reg.email, password })).user.id,
    ).toBe(reg.user.id);
  });
});
