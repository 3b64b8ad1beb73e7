import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger } from "@vextrus/platform";
import { APP_ROLE, postgresDatabase } from "@vextrus/platform/db";
import postgres from "postgres";
import { createApp } from "../src/app.ts";
import { RuleSetCache } from "../src/engine/cache.ts";
import type { RuleBody } from "../src/engine/model.ts";
import { onRuleChanged } from "../src/events.ts";
import { clientFor, failure, type RulesApi, type RulesHarness, startRules } from "./harness.ts";

let h: RulesHarness;
let api: RulesApi;
let token: string;
let tenantId: string;
beforeAll(async () => {
  h = await startRules("versions");
  ({ api, token, tenantId } = await h.newTenant());
  await api.packs.install.mutate({ packs: ["purchase.approval"] });
});
afterAll(async () => {
  await h.stop();
});

const decide = (amount: string, at?: Date) =>
  api.evaluate.mutate({ ruleSet: "purchase.approval", facts: { amount }, ...(at ? { at } : {}) });
const levelOf = (result: Awaited<ReturnType<typeof decide>>) =>
  result.actions.find((a) => a.kind === "require_approval")?.level;

async function ruleNamed(key: string) {
  const set = await api.ruleSets.get.query({ key: "purchase.approval" });
  const rule = set.rules.find((r) => r.key === key);
  if (!rule) {
    throw new Error(`no rule ${key}`);
  }
  return rule;
}

function bodyOf(rule: Awaited<ReturnType<typeof ruleNamed>>): RuleBody {
  const { name, priority, status, effectiveFrom, effectiveTo, reference, when, actions } = rule;
  return { name, priority, status, effectiveFrom, effectiveTo, reference, when, actions };
}

describe("versions and replay", () => {
  test("an edit makes version 2; replay of an earlier evaluation is identical", async () => {
    const before = await decide("60000.00");
    expect(levelOf(before)).toBe(2);
    const rule = await ruleNamed("approval.level2");
    const saved = await api.rules.update.mutate({
      ...bodyOf(rule),
      id: rule.ruleId,
      expectedVersion: 1,
      when: { fact: "amount", op: "gt", value: "100000.00" },
    });
    expect(saved.version).toBe(2);

    const after = await decide("60000.00");
    expect(levelOf(after)).toBe(1);
    expect(after.trace.find((t) => t.ruleKey === "approval.level2")?.version).toBe(2);

    const replayed = await api.replay.query({ evaluationId: before.evaluationId });
    expect({ outputs: replayed.outputs, actions: replayed.actions, trace: replayed.trace }).toEqual({
      outputs: before.outputs,
      actions: before.actions,
      trace: before.trace,
    });
    expect(replayed.evaluationId).toBe(before.evaluationId);
    expect(replayed.identical).toBe(true);
    expect(replayed.facts).toEqual({ amount: "60000.00" });

    const history = await api.rules.get.query({ id: rule.ruleId });
    expect(history.currentVersion).toBe(2);
    expect(history.versions.map((v) => [v.version, v.when])).toEqual([
      [1, { fact: "amount", op: "gt", value: "50000.00" }],
      [2, { fact: "amount", op: "gt", value: "100000.00" }],
    ]);
  });

  test("replay reports a stored decision that was altered behind the service's back", async () => {
    const original = await decide("700000.00");
    const superuser = postgres(h.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await superuser.begin(async (tx) => {
        await tx`select set_config('app.tenant_id', ${tenantId}, true)`;
        await tx`update rules_engine.evaluations
          set result = jsonb_set(result, '{actions}', '[{"kind":"require_approval","level":1}]')
          where id = ${original.evaluationId}`;
      });
    } finally {
      await superuser.end();
    }
    const replayed = await api.replay.query({ evaluationId: original.evaluationId });
    expect(replayed.identical).toBe(false);
    expect(replayed.actions).toEqual(original.actions);
  });

  test("a stale expectedVersion is a CONFLICT and saves nothing", async () => {
    const rule = await ruleNamed("approval.level3");
    const error = await failure(
      api.rules.update.mutate({ ...bodyOf(rule), id: rule.ruleId, expectedVersion: 7 }),
    );
    expect(error).toMatchObject({ httpStatus: 409, appCode: "rules.rule.version" });
    expect((await api.rules.get.query({ id: rule.ruleId })).versions).toHaveLength(1);
  });

  test("retired rules and rules not yet in effect are not considered", async () => {
    const rule = await ruleNamed("approval.capital");
    await api.rules.update.mutate({
      ...bodyOf(rule),
      id: rule.ruleId,
      expectedVersion: 1,
      status: "retired",
    });
    const now = await api.evaluate.mutate({
      ruleSet: "purchase.approval",
      facts: { amount: "10.00", category: "land" },
    });
    expect(now.trace.map((t) => t.ruleKey)).not.toContain("approval.capital");
    expect(now.actions).toEqual([{ kind: "require_approval", level: 1 }]);

    await api.rules.create.mutate({
      ruleSet: "purchase.approval",
      key: "approval.future",
      name: "From 2030",
      priority: 1,
      status: "active",
      effectiveFrom: "2030-01-01",
      effectiveTo: "2030-12-31",
      reference: { authority: "internal", section: "future policy" },
      when: { fact: "amount", op: "gt", value: "0" },
      actions: [{ kind: "flag", flag: "future_policy" }],
    });
    expect((await decide("10.00")).actions).toEqual([{ kind: "require_approval", level: 1 }]);
    const in2030 = await decide("10.00", new Date("2030-06-01T00:00:00Z"));
    expect(in2030.actions).toContainEqual({ kind: "flag", flag: "future_policy" });
    const in2031 = await decide("10.00", new Date("2031-01-01T00:00:00Z"));
    expect(in2031.trace.map((t) => t.ruleKey)).not.toContain("approval.future");
    const replayed = await api.replay.query({ evaluationId: in2030.evaluationId });
    expect(replayed.actions).toEqual(in2030.actions);
  });

  test("an unknown evaluation or rule set is NOT_FOUND", async () => {
    expect(await failure(api.replay.query({ evaluationId: Bun.randomUUIDv7() }))).toMatchObject({
      httpStatus: 404,
    });
    expect(await failure(api.evaluate.mutate({ ruleSet: "no.such", facts: {} }))).toMatchObject({
      httpStatus: 404,
    });
  });
});

describe("simulate", () => {
  test("reports exactly the recent decisions a draft would change", async () => {
    const { api: other } = await h.newTenant();
    await other.packs.install.mutate({ packs: ["purchase.approval"] });
    const small = await other.evaluate.mutate({
      ruleSet: "purchase.approval",
      facts: { amount: "40000.00" },
    });
    const middle = await other.evaluate.mutate({
      ruleSet: "purchase.approval",
      facts: { amount: "80000.00" },
    });
    const large = await other.evaluate.mutate({
      ruleSet: "purchase.approval",
      facts: { amount: "150000.00" },
    });
    const set = await other.ruleSets.get.query({ key: "purchase.approval" });
    const level2 = set.rules.find((r) => r.key === "approval.level2");
    if (!level2) {
      throw new Error("pack without approval.level2");
    }
    const draft = {
      ...bodyOf(level2),
      key: "approval.level2",
      when: { fact: "amount", op: "gt", value: "100000.00" },
    } as const;
    const report = await other.simulate.mutate({
      ruleSet: "purchase.approval",
      draftRules: [draft],
      sampleSize: 10,
    });
    expect(report).toMatchObject({ sampled: 3, changed: 1 });
    expect(report.changes).toEqual([
      {
        evaluationId: middle.evaluationId,
        at: expect.any(Date),
        before: { outputs: { approvalLevel: 2 }, actions: [{ kind: "require_approval", level: 2 }] },
        after: { outputs: { approvalLevel: 1 }, actions: [{ kind: "require_approval", level: 1 }] },
      },
    ]);
    expect([small.evaluationId, large.evaluationId]).not.toContain(report.changes[0]?.evaluationId);

    const limited = await other.simulate.mutate({
      ruleSet: "purchase.approval",
      draftRules: [draft],
      sampleSize: 1,
    });
    expect(limited).toMatchObject({ sampled: 1, changed: 0 });

    const bad = await failure(
      other.simulate.mutate({
        ruleSet: "purchase.approval",
        draftRules: [{ ...draft, when: { fact: "price", op: "gt", value: "1" } }],
        sampleSize: 5,
      }),
    );
    expect(bad).toMatchObject({
      httpStatus: 400,
      issues: [{ path: "draftRules.0.when.fact", code: "rules.fact.unknown" }],
    });
    const twice = await failure(
      other.simulate.mutate({ ruleSet: "purchase.approval", draftRules: [draft, draft], sampleSize: 5 }),
    );
    expect(twice).toMatchObject({
      httpStatus: 400,
      issues: [{ path: "draftRules.1.key", code: "rules.draft.duplicate" }],
    });
    // Simulating changed nothing.
    const again = await other.evaluate.mutate({
      ruleSet: "purchase.approval",
      facts: { amount: "80000.00" },
    });
    expect(levelOf(again)).toBe(2);
  });
});

describe("cache invalidation across replicas", () => {
  test("a second replica serves its cached rules until the rule event reaches it", async () => {
    const db = postgresDatabase({ url: h.databaseUrl, appRole: APP_ROLE });
    const cache = new RuleSetCache({ ttlMs: 600_000 });
    const { createTokenVerifier } = await import("@vextrus/platform");
    const verifyToken = await createTokenVerifier({ publicKey: h.signer.publicKey, issuer: "vextrus-auth" });
    const replica = clientFor(
      createApp({ db, log: createLogger({ level: "error", write: () => {} }), verifyToken, cache }),
      token,
    );
    const superuser = postgres(h.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const decideOn = (client: RulesApi) =>
        client.evaluate.mutate({ ruleSet: "purchase.approval", facts: { amount: "5000000.01" } });
      expect((await decideOn(replica)).actions).toContainEqual({
        kind: "require_committee",
        name: "board",
        required: 2,
        of: 3,
      });

      const board = await ruleNamed("approval.board");
      await api.rules.update.mutate({
        ...bodyOf(board),
        id: board.ruleId,
        expectedVersion: 1,
        actions: [{ kind: "require_committee", name: "board", required: 3, of: 3 }],
      });
      // This replica changed the rule, so it sees the change at once; the other still has version 1.
      expect((await decideOn(api)).actions).toContainEqual({
        kind: "require_committee",
        name: "board",
        required: 3,
        of: 3,
      });
      expect((await decideOn(replica)).actions).toContainEqual({
        kind: "require_committee",
        name: "board",
        required: 2,
        of: 3,
      });

      const [row] = await superuser<{ event: { tenantid: string; type: string; data: unknown } }[]>`
        select event from rules_engine.outbox where key = ${board.ruleId} order by id desc limit 1`;
      expect(row?.event.type).toBe("vextrus.rules.rule.updated");
      expect(row?.event.tenantid).toBe(tenantId);
      onRuleChanged(cache, row?.event ?? { tenantid: "", data: null });
      expect((await decideOn(replica)).actions).toContainEqual({
        kind: "require_committee",
        name: "board",
        required: 3,
        of: 3,
      });
    } finally {
      await superuser.end();
      await db.close();
    }
  });
});
