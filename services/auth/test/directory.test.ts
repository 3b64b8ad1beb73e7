import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type AuthHarness, failure, startAuth, strongPassword } from "./harness.ts";

let h: AuthHarness;
beforeAll(async () => {
  h = await startAuth("directory");
}, 30_000);
afterAll(async () => {
  await h.stop();
}, 30_000);

/** The versions auth's user events carried for `userId`, by type, in order. */
async function eventVersions(userId: string) {
  const rows = await h.authSql<{ type: string; version: number | null }[]>`
    select event->>'type' as type, (event->'data'->>'version')::int as version
    from auth.outbox where key = ${userId} and event->>'type' like 'vextrus.auth.user.%' order by id`;
  return rows.map((r) => [r.type.replace("vextrus.auth.user.", ""), r.version]);
}

describe("directory.lookup: what other services check before naming a user", () => {
  test("answers status and version for the caller's tenant's users only; any signed-in user may ask", async () => {
    const a = await h.register("dira");
    const b = await h.register("dirb");
    const email = `plain-${Bun.randomUUIDv7().slice(-8)}@example.com`;
    const invited = await a.api.users.invite.mutate({ name: "Plain Person", email });
    const gone = await a.api.users.invite.mutate({
      name: "Gone Person",
      email: `gone-${Bun.randomUUIDv7().slice(-8)}@example.com`,
    });
    await a.api.users.deactivate.mutate({ id: gone.user.id });
    // A user with no role at all asks.
    const password = strongPassword();
    await h.client().invites.accept.mutate({ token: h.invitationToken(invited.user.id), password });
    const login = await h.client().login.mutate({ tenantSlug: a.slug, identifier: email, password });
    expect(login.permissions).toEqual([]);
    const plain = h.client({ token: login.accessToken });
    const random = Bun.randomUUIDv7();
    const answer = await plain.directory.lookup.query({
      ids: [a.user.id, gone.user.id, b.user.id, random, a.user.id],
    });
    expect(answer.users.sort((x, y) => x.id.localeCompare(y.id))).toEqual(
      [
        { id: a.user.id, status: "active" as const, version: 1 },
        { id: gone.user.id, status: "deactivated" as const, version: 2 },
      ].sort((x, y) => x.id.localeCompare(y.id)),
    );
    expect((await b.api.directory.lookup.query({ ids: [a.user.id] })).users).toEqual([]);
    expect((await failure(h.client().directory.lookup.query({ ids: [a.user.id] }))).code).toBe(
      "UNAUTHORIZED",
    );
    const tooMany = await failure(
      plain.directory.lookup.query({ ids: Array.from({ length: 101 }, () => Bun.randomUUIDv7()) }),
    );
    expect(tooMany.code).toBe("BAD_REQUEST");
  });

  test("user events carry the row's version, so projections keep the newest state", async () => {
    const reg = await h.register("dirv");
    const invited = await reg.api.users.invite.mutate({
      name: "Versioned Person",
      email: `v-${Bun.randomUUIDv7().slice(-8)}@example.com`,
    });
    await reg.api.users.update.mutate({
      id: invited.user.id,
      name: "Versioned Person Two",
      expectedVersion: 1,
    });
    await reg.api.users.deactivate.mutate({ id: invited.user.id });
    expect(await eventVersions(invited.user.id)).toEqual([
      ["invited", 1],
      ["updated", 2],
      ["deactivated", 3],
    ]);
    expect(await eventVersions(reg.user.id)).toEqual([["registered", 1]]);
  });
});
