import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger, createTokenVerifier } from "@vextrus/platform";
import postgres from "postgres";
import { createApp } from "../src/app.ts";
import { RuleSetCache } from "../src/engine/cache.ts";
import { clientFor, failure, type RulesApi, type RulesHarness, startRules } from "./harness.ts";

let h: RulesHarness;
let api: RulesApi;
let tenantId: string;
let sql: postgres.Sql;

beforeAll(async () => {
  h = await startRules("facts_events");
  ({ api, tenantId } = await h.newTenant());
  await api.packs.install.mutate({ packs: ["tax.vat", "purchase.approval"] });
  sql = postgres(h.databaseUrl, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await sql.end();
  await h.stop();
});

const evaluationCount = async () =>
  (
    await sql<
      { n: number }[]
    >`select count(*)::int as n from rules_engine.evaluations where tenant_id = ${tenantId}`
  )[0]?.n;
const completedEvents = async () =>
  sql<
    {
      key: string;
      event: { type: string; subject: string; actorid?: string; data: Record<string, unknown> };
    }[]
  >`
    select key, event from rules_engine.outbox
    where tenant_id = ${tenantId} and event->>'type' = 'vextrus.rules.evaluation.completed'
    order by id`;

describe("facts a rule set does not declare", () => {
  test("a misspelt fact is a 400 naming it, not a silent zero tax; nothing is stored", async () => {
    const before = await evaluationCount();
    const refused = await failure(
      api.evaluate.mutate({ ruleSet: "tax.vat", facts: { valeu: "100000", vatRat: 15 } }),
    );
    expect(refused).toMatchObject({ httpStatus: 400, appCode: "rules.fact.unknown" });
    expect(refused.issues?.[0]?.path).toBe("facts.valeu");
    expect(refused.message).toStartWith(
      "facts.valeu: tax.vat has no fact named valeu, vatRat (its facts: date, hasPsr,",
    );
    expect(await evaluationCount()).toBe(before);
  });

  test("ignoreUnknownFacts evaluates with the declared facts only (workflow passes a superset)", async () => {
    const result = await api.evaluate.mutate({
      ruleSet: "tax.vat",
      facts: { value: "100000", vendor: "BSRM" },
      ignoreUnknownFacts: true,
    });
    expect(result.outputs.vat).toBe("15000.00");
  });

  test("a fact declared on another replica is accepted at once, despite this replica's cache", async () => {
    await api.ruleSets.define.mutate({
      key: "site.checks",
      name: "Site",
      facts: { cost: { type: "money" } },
    });
    await api.evaluate.mutate({ ruleSet: "site.checks", facts: { cost: "5.00" } });
    // Another replica (its own cache) adds a fact; this replica has the old catalog cached.
    const other = createApp({
      db: h.db,
      log: createLogger({ write: () => {} }),
      verifyToken: await createTokenVerifier({ publicKey: h.signer.publicKey, issuer: "vextrus-auth" }),
      cache: new RuleSetCache({ ttlMs: 60_000 }),
    });
    const token = await h.signer.sign({ tenantId, permissions: ["rules:*"] });
    await clientFor(other, token).ruleSets.define.mutate({
      key: "site.checks",
      name: "Site",
      facts: { cost: { type: "money" }, floors: { type: "number" } },
    });
    const answer = await api.evaluate.mutate({ ruleSet: "site.checks", facts: { cost: "5.00", floors: 6 } });
    expect(answer.evaluationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      (await failure(api.evaluate.mutate({ ruleSet: "site.checks", facts: { flors: 6 } }))).issues?.[0]?.path,
    ).toBe("facts.flors");
  });
});

describe("vextrus.rules.evaluation.completed", () => {
  test("every stored evaluation writes its event to the outbox in the same transaction", async () => {
    const before = (await completedEvents()).length;
    const approval = await api.evaluate.mutate({
      ruleSet: "purchase.approval",
      facts: { amount: "750000.00" },
    });
    const events = await completedEvents();
    expect(events).toHaveLength(before + 1);
    const last = events.at(-1);
    expect(last?.key).toBe(approval.evaluationId);
    expect(last?.event.subject).toBe(approval.evaluationId);
    expect(last?.event.data).toMatchObject({
      id: approval.evaluationId,
      ruleSet: "purchase.approval",
      outcome: "approval",
      fired: expect.arrayContaining([expect.stringMatching(/^approval\.level3@1$/)]),
    });
    // No facts in the event: the evaluation (replay) holds them; the event stays small.
    expect(JSON.stringify(last?.event.data)).not.toContain("750000");
    // A refused evaluation announces nothing.
    await failure(api.evaluate.mutate({ ruleSet: "purchase.approval", facts: { amonut: "1.00" } }));
    expect(await completedEvents()).toHaveLength(before + 1);
  });
});

describe("evaluateMany", () => {
  test("each fact set is its own stored, replayable, announced evaluation, in order, from the rules", async () => {
    const before = { stored: await evaluationCount(), events: (await completedEvents()).length };
    const { evaluations } = await api.evaluateMany.mutate({
      ruleSet: "tax.vat",
      factSets: [
        { value: "100000.00", vatRate: 15, sdRate: 0, date: "2025-07-01" },
        { value: "1000.00", vatRate: 15, sdRate: 10, date: "2025-07-01" },
        { value: "200.00", vatRate: 7.5, sdRate: 0, date: "2025-07-01" },
      ],
    });
    // The same answers as one evaluate each (SD on the value, VAT on value + SD).
    expect(evaluations.map((e) => [e.outputs.sd, e.outputs.vat, e.outputs.total])).toEqual([
      ["0.00", "15000.00", "115000.00"],
      ["100.00", "165.00", "1265.00"],
      ["0.00", "15.00", "215.00"],
    ]);
    const single = await api.evaluate.mutate({
      ruleSet: "tax.vat",
      facts: { value: "1000.00", vatRate: 15, sdRate: 10, date: "2025-07-01" },
    });
    expect(single.outputs).toEqual(evaluations[1]?.outputs ?? {});
    expect(await evaluationCount()).toBe((before.stored ?? 0) + 4);
    const events = await completedEvents();
    expect(events.slice(before.events, before.events + 3).map((e) => e.key)).toEqual(
      evaluations.map((e) => e.evaluationId),
    );
    for (const evaluation of evaluations) {
      const replayed = await api.replay.query({ evaluationId: evaluation.evaluationId });
      expect(replayed.identical).toBe(true);
      expect(replayed.outputs).toEqual(evaluation.outputs);
    }
  });

  test("a misspelt fact in any set refuses them all, naming its position; nothing is stored or announced", async () => {
    const before = { stored: await evaluationCount(), events: (await completedEvents()).length };
    const refused = await failure(
      api.evaluateMany.mutate({
        ruleSet: "tax.vat",
        factSets: [{ value: "100.00" }, { value: "100.00", vatRat: 15 }],
      }),
    );
    expect(refused).toMatchObject({ httpStatus: 400, appCode: "rules.fact.unknown" });
    expect(refused.issues?.[0]?.path).toBe("factSets.1.vatRat");
    // A bad value in the last set: the first set's evaluation is not stored either.
    await failure(
      api.evaluateMany.mutate({ ruleSet: "tax.vat", factSets: [{ value: "100.00" }, { value: "abc" }] }),
    );
    expect(await evaluationCount()).toBe(before.stored);
    expect(await completedEvents()).toHaveLength(before.events);
  });
});
