import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type AuthHarness, failure, freshIp, startAuth, strongPassword } from "./harness.ts";

let h: AuthHarness;
beforeAll(async () => {
  h = await startAuth("contacts");
}, 30_000);
afterAll(async () => {
  await h.stop();
}, 30_000);

type Registered = Awaited<ReturnType<AuthHarness["register"]>>;

const mailFor = (userId: string, purpose: "reset" | "verify") =>
  h.mailbox.filter((m) => m.userId === userId && m.purpose === purpose);

const versionOf = async (userId: string) =>
  ((await h.authSql`select version from auth.users where id = ${userId}`)[0]?.version as number) ?? 0;

const contactEvents = async (userId: string) =>
  (
    await h.authSql`select event from auth.outbox
      where key = ${userId} and event->>'type' = 'vextrus.auth.user.contact_changed' order by id`
  ).map((r) => (r.event as { data: Record<string, unknown>; actorid: string }) ?? {});

const resetRequest = (reg: Registered, identifier: string) =>
  h.client().passwordReset.request.mutate({ tenantSlug: reg.slug, identifier });

describe("the takeover of issue #11", () => {
  test("a user allowed only to edit users cannot move the admin's mobile to their own, so no reset reaches them", async () => {
    const reg = await h.register("takeover");
    const editor = await reg.api.roles.create.mutate({
      name: "user editor",
      permissions: ["auth:user:read", "auth:user:update"],
    });
    const mallory = await h.member(reg, [editor.id]);
    const theirs = "01911000111";
    const refused = await failure(
      mallory.api.users.update.mutate({ id: reg.user.id, mobile: theirs, expectedVersion: 1 } as {
        id: string;
        expectedVersion: number;
      }),
    );
    expect(refused.httpStatus).toBe(400);
    expect(`${refused.message} ${JSON.stringify(refused.issues)}`).toContain("mobile");
    expect(
      (
        await failure(
          mallory.api.users.changeContact.mutate({ id: reg.user.id, mobile: theirs, expectedVersion: 1 }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    const [admin] = await h.authSql`select mobile from auth.users where id = ${reg.user.id}`;
    expect(admin?.mobile).toBeNull();
    expect(await resetRequest(reg, theirs)).toEqual({ accepted: true });
    expect(mailFor(reg.user.id, "reset")).toEqual([]);
  });
});

describe("an admin changing another user's contact", () => {
  test("needs auth:user:change-contact, never for a user holding more, never for oneself; the old address is told", async () => {
    const reg = await h.register("admin-contact");
    const roles = await reg.api.roles.list.query();
    const viewer = roles.find((r) => r.name === "viewer");
    if (!viewer) {
      throw new Error("no viewer role");
    }
    const desk = await reg.api.roles.create.mutate({
      name: "help desk",
      permissions: ["auth:user:read", "auth:user:change-contact"],
    });
    const helper = await h.member(reg, [desk.id]);
    const plain = await h.member(reg, [], "01712000222");
    const reader = await h.member(reg, [viewer.id]);

    // The admin holds auth:*, and everything the plain member holds.
    const changed = await reg.api.users.changeContact.mutate({
      id: plain.user.id,
      mobile: "01812000333",
      expectedVersion: await versionOf(plain.user.id),
    });
    expect(changed).toMatchObject({ mobile: "+8801812000333", mobileVerifiedAt: null });
    const [event] = await contactEvents(plain.user.id);
    expect(event?.data).toEqual({
      userId: plain.user.id,
      channel: "mobile",
      previous: "+88017******22",
      current: "+88018******33",
      // In full for the notification service's contact list (the notice shows the masked one).
      address: "+8801812000333",
      deliveryAddress: "+8801712000222",
      by: "admin",
    });
    expect(event?.actorid).toBe(reg.user.id);
    // The new address gets a link to prove it; until then no reset goes there.
    expect(mailFor(plain.user.id, "verify").map((m) => m.address)).toContain("+8801812000333");
    await resetRequest(reg, "01812000333");
    expect(mailFor(plain.user.id, "reset")).toEqual([]);

    // The help desk lacks what a viewer or the admin holds: refused, nothing written.
    for (const target of [reader.user.id, reg.user.id]) {
      const refused = await failure(
        helper.api.users.changeContact.mutate({
          id: target,
          email: "helper@example.com",
          expectedVersion: await versionOf(target),
        }),
      );
      expect(refused).toMatchObject({ code: "FORBIDDEN", appCode: "auth.contact.escalation" });
    }
    expect(await contactEvents(reader.user.id)).toEqual([]);
    // A stale version is CONFLICT; one's own contact goes through changeContact (with a password).
    expect(
      (
        await failure(
          reg.api.users.changeContact.mutate({
            id: plain.user.id,
            email: "x@example.com",
            expectedVersion: 1,
          }),
        )
      ).code,
    ).toBe("CONFLICT");
    expect(
      (
        await failure(
          reg.api.users.changeContact.mutate({
            id: reg.user.id,
            email: "me@example.com",
            expectedVersion: await versionOf(reg.user.id),
          }),
        )
      ).appCode,
    ).toBe("auth.contact.own_via_admin");
    // Another tenant's admin sees no such user.
    const other = await h.register("admin-contact-b");
    expect(
      (
        await failure(
          other.api.users.changeContact.mutate({
            id: plain.user.id,
            email: "x@example.com",
            expectedVersion: await versionOf(plain.user.id),
          }),
        )
      ).code,
    ).toBe("NOT_FOUND");
    // The plain member's e-mail taken by another user is CONFLICT on `email`.
    const taken = await failure(
      reg.api.users.changeContact.mutate({
        id: plain.user.id,
        email: helper.email,
        expectedVersion: await versionOf(plain.user.id),
      }),
    );
    expect(taken).toMatchObject({ code: "CONFLICT", appCode: "auth.user.email_taken" });
  });
});

describe("changing one's own contact", () => {
  test("needs the current password; wrong ones lock the account like failed sign-ins", async () => {
    const reg = await h.register("self-contact");
    const version = await versionOf(reg.user.id);
    const change = (currentPassword: string) =>
      reg.api.changeContact.mutate({ currentPassword, email: "moved@example.com", expectedVersion: version });
    for (let i = 0; i < 5; i++) {
      expect(await failure(change("not-my-password"))).toMatchObject({
        httpStatus: 400,
        appCode: "auth.password.current_wrong",
      });
    }
    expect((await failure(change(reg.password))).appCode).toBe("auth.login.locked");
    expect(
      (
        await failure(
          h.client().login.mutate({ tenantSlug: reg.slug, identifier: reg.email, password: reg.password }),
        )
      ).appCode,
    ).toBe("auth.login.locked");
    h.clock.advanceMinutes(16);
    try {
      // The lock is over (and so is the first access token's life): sign in again, then change.
      const again = await h
        .client()
        .login.mutate({ tenantSlug: reg.slug, identifier: reg.email, password: reg.password });
      const moved = await h.client({ token: again.accessToken }).changeContact.mutate({
        currentPassword: reg.password,
        email: "moved@example.com",
        expectedVersion: version,
      });
      expect(moved).toMatchObject({ email: "moved@example.com", emailVerifiedAt: null });
    } finally {
      h.clock.reset();
    }
    const [event] = await contactEvents(reg.user.id);
    expect(event?.data).toMatchObject({
      channel: "email",
      previous: `o***@${reg.email.split("@")[1]}`,
      current: "m***@example.com",
      deliveryAddress: reg.email,
      by: "self",
    });
  }, 30_000);
});

describe("verified addresses", () => {
  test("a reset goes only to a verified address; the sign-up e-mail is verified by its link", async () => {
    const reg = await h.register("verify");
    const [row] = await h.authSql`select email_verified_at from auth.users where id = ${reg.user.id}`;
    expect(row?.email_verified_at).toBeNull();
    // Unverified: the same answer, nothing stored, nothing sent.
    expect(await resetRequest(reg, reg.email)).toEqual({ accepted: true });
    expect(mailFor(reg.user.id, "reset")).toEqual([]);
    const [resets] =
      await h.authSql`select count(*)::int n from auth.password_reset_tokens where user_id = ${reg.user.id}`;
    expect(resets?.n).toBe(0);

    const [link] = mailFor(reg.user.id, "verify");
    if (!link) {
      throw new Error("sign-up sent no verification link");
    }
    expect(link.address).toBe(reg.email);
    const [requested] = await h.authSql`select event from auth.outbox
      where key = ${reg.user.id} and event->>'type' = 'vextrus.auth.contact_verification.requested'`;
    expect(JSON.stringify(requested)).not.toContain(link.token);
    expect(await h.client().verifyContact.mutate({ token: link.token })).toEqual({
      userId: reg.user.id,
      channel: "email",
      verified: true,
    });
    expect((await failure(h.client().verifyContact.mutate({ token: link.token }))).appCode).toBe(
      "auth.contact.verification_invalid",
    );
    expect((await reg.api.me.query()).user.emailVerifiedAt).not.toBeNull();
    expect(await reg.api.requestContactVerification.mutate({ channel: "email" })).toEqual({
      channel: "email",
      alreadyVerified: true,
    });
    expect((await failure(reg.api.requestContactVerification.mutate({ channel: "mobile" }))).issues).toEqual([
      expect.objectContaining({ path: "channel" }),
    ]);

    await resetRequest(reg, reg.email);
    expect(mailFor(reg.user.id, "reset").map((m) => m.address)).toEqual([reg.email]);
  });

  test("a link to a replaced address, a tampered link or an expired one verifies nothing", async () => {
    const reg = await h.register("stale-link");
    const plain = await h.member(reg, [], "01712000444");
    const [old] = mailFor(plain.user.id, "verify").filter((m) => m.address === "+8801712000444");
    if (!old) {
      throw new Error("accepting the invitation sent no mobile verification link");
    }
    await reg.api.users.changeContact.mutate({
      id: plain.user.id,
      mobile: "01812000555",
      expectedVersion: await versionOf(plain.user.id),
    });
    expect((await failure(h.client().verifyContact.mutate({ token: old.token }))).appCode).toBe(
      "auth.contact.verification_invalid",
    );
    const fresh = mailFor(plain.user.id, "verify").find((m) => m.address === "+8801812000555");
    if (!fresh) {
      throw new Error("no link for the new mobile");
    }
    const tampered = `${fresh.token.slice(0, -1)}${fresh.token.endsWith("0") ? "1" : "0"}`;
    expect((await failure(h.client().verifyContact.mutate({ token: tampered }))).code).toBe("BAD_REQUEST");
    h.clock.advanceMinutes(24 * 60 + 1);
    try {
      expect((await failure(h.client().verifyContact.mutate({ token: fresh.token }))).code).toBe(
        "BAD_REQUEST",
      );
    } finally {
      h.clock.reset();
    }
    await h.client().verifyContact.mutate({ token: fresh.token });
    await resetRequest(reg, "01812000555");
    expect(mailFor(plain.user.id, "reset").map((m) => m.address)).toEqual(["+8801812000555"]);
    // The old number reaches nobody.
    await resetRequest(reg, "01712000444");
    expect(mailFor(plain.user.id, "reset").length).toBe(1);
  });
});

describe("password change", () => {
  test("wrong current passwords count toward the lockout: the sixth try is refused even when right", async () => {
    const reg = await h.register("pw-lock");
    const ip = freshIp();
    const change = (currentPassword: string) =>
      h
        .client({ token: reg.accessToken, ip })
        .changePassword.mutate({ currentPassword, newPassword: strongPassword() });
    for (let i = 0; i < 5; i++) {
      expect((await failure(change("not-my-password"))).appCode).toBe("auth.password.current_wrong");
    }
    expect((await failure(change(reg.password))).appCode).toBe("auth.login.locked");
    const rows = await h.authSql`select outcome, reason, ip from auth.login_attempts
      where user_id = ${reg.user.id} order by attempted_at, id`;
    expect(rows.filter((r) => r.reason === "wrong_current_password").length).toBe(5);
    expect(rows.every((r) => r.ip === ip)).toBe(true);
  });
});
