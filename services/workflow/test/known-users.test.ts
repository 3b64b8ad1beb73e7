/**
 * Committees and delegations name only active users of the caller's tenant. This suite runs no auth:
 * users are made known as auth's events would make them (the lookup in auth, the consumer on Kafka and
 * the embedded path are tested in organization's known-users suite, the gateway and `npm start`).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { failure } from "./expect.ts";
import { buildCompany, type Company, startWorkflow, type WorkflowHarness } from "./harness.ts";

let h: WorkflowHarness;
let co: Company;
let other: Company;
const HOUR = 3_600_000;

beforeAll(async () => {
  h = await startWorkflow("wf_known_users");
  co = await buildCompany(h, "ku");
  other = await buildCompany(h, "ku-other");
}, 60_000);

afterAll(async () => {
  await h.stop();
}, 30_000);

const definition = (committees: { name: string; members: string[] }[]) =>
  h.client(co.admin.token).definitions.create.mutate({
    key: `purchase.k${Bun.randomUUIDv7().slice(-6)}`,
    name: "Purchase requisition",
    slaHours: 24,
    committees,
  });

describe("committee members", () => {
  test("each member must be a user of the tenant: a random id or another tenant's user is refused by field", async () => {
    const board = co.board.map((b) => b.userId);
    const random = await failure(definition([{ name: "board", members: [...board, Bun.randomUUIDv7()] }]));
    expect(random).toMatchObject({ code: "BAD_REQUEST", appCode: "user.unknown" });
    expect(random.issues?.map((i) => i.path)).toEqual(["committees.0.members.3"]);
    const foreign = await failure(
      definition([
        { name: "board", members: board },
        { name: "audit", members: [other.board[0]?.userId ?? ""] },
      ]),
    );
    expect(foreign).toMatchObject({ code: "BAD_REQUEST", appCode: "user.unknown" });
    expect(foreign.issues?.map((i) => i.path)).toEqual(["committees.1.members.0"]);
    expect(foreign.message).toContain("committees.1.members.0");
    const accepted = await definition([{ name: "board", members: board }]);
    expect(accepted.committees[0]?.members).toEqual(board);
  });

  test("a deactivated user cannot be seated", async () => {
    const retired = Bun.randomUUIDv7();
    await h.knownUser(co.tenantId, retired, "deactivated", 2);
    const refused = await failure(
      definition([{ name: "board", members: [co.board[0]?.userId ?? "", retired] }]),
    );
    expect(refused).toMatchObject({ code: "BAD_REQUEST", appCode: "user.deactivated" });
    expect(refused.issues?.map((i) => i.path)).toEqual(["committees.0.members.1"]);
  });
});

describe("delegation", () => {
  const delegateTo = (toUserId: string) =>
    h.client(co.pm.token).tasks.delegate.mutate({ all: true, toUserId, until: new Date(Date.now() + HOUR) });

  test("the delegate must be an active user of the tenant", async () => {
    for (const stranger of [Bun.randomUUIDv7(), other.director.userId]) {
      const refused = await failure(delegateTo(stranger));
      expect(refused).toMatchObject({ code: "BAD_REQUEST", appCode: "user.unknown" });
      expect(refused.issues?.map((i) => i.path)).toEqual(["toUserId"]);
    }
    const retired = Bun.randomUUIDv7();
    await h.knownUser(co.tenantId, retired, "deactivated", 2);
    const deactivated = await failure(delegateTo(retired));
    expect(deactivated).toMatchObject({ code: "BAD_REQUEST", appCode: "user.deactivated" });
    const { rows } = await h.sql.begin(async (tx) => ({
      rows: await tx`select 1 from workflow.delegations where to_user_id in ${tx([retired, other.director.userId])}`,
    }));
    expect(rows).toHaveLength(0);
    const done = await delegateTo(co.director.userId);
    expect(done.delegation?.toUserId).toBe(co.director.userId);
  });

  test("delegating to oneself is still refused as such", async () => {
    const self = await failure(delegateTo(co.pm.userId));
    expect(self.appCode).toBe("workflow.delegation.self");
  });
});
