import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { tds, vat, vds } from "@vextrus/bd";
import { type RulesApi, type RulesHarness, startRules } from "./harness.ts";

let h: RulesHarness;
let api: RulesApi;
beforeAll(async () => {
  h = await startRules("packs");
  ({ api } = await h.newTenant());
  const installed = await api.packs.install.mutate();
  expect(installed.installed.sort()).toEqual(["purchase.approval", "rajuk.building", "tax.vat"]);
});
afterAll(async () => {
  await h.stop();
});

describe("packs.install", () => {
  test("is idempotent: a second call installs nothing and keeps the rules", async () => {
    const again = await api.packs.install.mutate({ packs: ["tax.vat"] });
    expect(again).toEqual({ installed: [], skipped: ["tax.vat"] });
    const set = await api.ruleSets.get.query({ key: "tax.vat" });
    expect(set.rules.map((r) => r.key)).toEqual([
      "vat.standard",
      "vds.none",
      "vds.withheld",
      "tds.none",
      "tds.withheld",
    ]);
    expect(set.rules.every((r) => r.version === 1 && r.reference.authority === "NBR")).toBe(true);
  });
});

describe("tax.vat", () => {
  test("7,50,000 BDT construction purchase: VAT, VDS and TDS exactly as @vextrus/bd computes", async () => {
    const facts = {
      value: "750000.00",
      vdsCategory: "construction",
      tdsCategory: "construction",
      date: "2025-07-01",
    };
    const result = await api.evaluate.mutate({ ruleSet: "tax.vat", facts });
    const v = vat({ value: "750000.00" });
    const d = vds({ value: "750000.00", category: "construction", date: "2025-07-01" });
    const t = tds({ base: "750000.00", category: "construction", date: "2025-07-01" });
    expect(result.outputs).toEqual({
      sd: v.sd,
      vat: v.vat,
      total: v.total,
      vdsRate: d.rate,
      vds: d.amount,
      tdsRate: t.rate,
      tds: t.amount,
    });
    expect(result.outputs.vat).toBe("112500.00");
    expect(result.outputs.total).toBe("862500.00");
    expect(result.actions).toEqual([]);
    expect(result.evaluationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("SD, reduced VAT rate, no PSR, building developer VDS by flat size", async () => {
    const facts = {
      value: "12000000.00",
      vatRate: 7.5,
      sdRate: 20,
      vdsCategory: "building_developer",
      sqft: 1600,
      tdsCategory: "construction",
      hasPsr: false,
      date: "2025-01-01",
    };
    const result = await api.evaluate.mutate({ ruleSet: "tax.vat", facts });
    const v = vat({ value: "12000000.00", rate: 7.5, sdRate: 20 });
    const d = vds({ value: "12000000.00", category: "building_developer", date: "2025-01-01", sqft: 1600 });
    const t = tds({ base: "12000000.00", category: "construction", date: "2025-01-01", hasPsr: false });
    expect(result.outputs).toMatchObject({
      sd: v.sd,
      vat: v.vat,
      total: v.total,
      vds: d.amount,
      vdsRate: d.rate,
    });
    expect(result.outputs).toMatchObject({ tds: t.amount, tdsRate: t.rate });
    expect(d.amount).toBe("240000.00");
  });

  test("without categories: no VDS, no TDS; the trace shows which rules matched", async () => {
    const result = await api.evaluate.mutate({ ruleSet: "tax.vat", facts: { value: "100000" } });
    expect(result.outputs).toEqual({
      sd: "0.00",
      vat: "15000.00",
      total: "115000.00",
      vdsRate: 0,
      vds: "0.00",
      tdsRate: 0,
      tds: "0.00",
    });
    const matched = Object.fromEntries(result.trace.map((t) => [t.ruleKey, t.matched]));
    expect(matched).toEqual({
      "vat.standard": true,
      "vds.none": true,
      "vds.withheld": false,
      "tds.none": true,
      "tds.withheld": false,
    });
  });

  test("an unknown VDS category is a 400 with bd's code, never a 500", async () => {
    const error = await api.evaluate
      .mutate({ ruleSet: "tax.vat", facts: { value: "1000.00", vdsCategory: "nonsense" } })
      .catch((e: { data: { httpStatus: number; appCode: string } }) => e.data);
    expect(error).toMatchObject({ httpStatus: 400, appCode: "bd.tax.category" });
  });
});

describe("purchase.approval", () => {
  const decide = (amount: string, category?: string) =>
    api.evaluate.mutate({
      ruleSet: "purchase.approval",
      facts: { amount, ...(category ? { category } : {}) },
    });

  test.each([
    ["0.01", 1],
    ["50000.00", 1],
    ["50000.01", 2],
    ["500000.00", 2],
    ["500000.01", 3],
    ["750000.00", 3],
    ["5000000.00", 3],
  ])("%s BDT needs %d approval level(s) and no board", async (amount, level) => {
    const result = await decide(amount);
    expect(result.actions).toEqual([{ kind: "require_approval", level }]);
    expect(result.outputs).toEqual({ approvalLevel: level });
  });

  test("above 50,00,000: three levels plus a 2-of-3 board step", async () => {
    const result = await decide("5000000.01");
    expect(result.actions).toEqual([
      { kind: "require_approval", level: 3 },
      { kind: "require_committee", name: "board", required: 2, of: 3 },
    ]);
    const board = result.trace.find((t) => t.ruleKey === "approval.board");
    expect(board?.conditions).toEqual([
      { path: "when", fact: "amount", op: "gt", expected: "5000000.00", actual: "5000000.01", result: true },
    ]);
  });

  test("land is flagged as a capital purchase", async () => {
    const result = await decide("1000.00", "land");
    expect(result.actions).toEqual([
      { kind: "require_approval", level: 1 },
      { kind: "flag", flag: "capital_purchase" },
    ]);
  });
});

describe("rajuk.building", () => {
  const check = (facts: Record<string, number>) => api.evaluate.mutate({ ruleSet: "rajuk.building", facts });

  test("3 katha on a 6 m road: FAR 3.35, coverage 65%, setbacks for 200–268 m²", async () => {
    const result = await check({ roadWidthM: 6, plotKatha: 3, plotAreaSqm: 200.67 });
    expect(result.actions).toEqual([]);
    expect(result.outputs).toEqual({
      far: 3.35,
      groundCoveragePct: 65,
      maxFloorAreaSqm: 672.24,
      maxGroundCoverageSqm: 130.44,
      requiredFrontM: 1.5,
      requiredRearM: 1.5,
      requiredSideM: 1,
    });
  });

  test("a road under 6 m blocks approval with an English and Bengali reason", async () => {
    const result = await check({ roadWidthM: 5.99, plotKatha: 2, plotAreaSqm: 133.78 });
    expect(result.actions).toContainEqual({
      kind: "block",
      reason: {
        en: "The road in front of the plot must be at least 6 m wide for building approval",
        bn: "ভবন অনুমোদনের জন্য প্লটের সামনের রাস্তা কমপক্ষে ৬ মিটার চওড়া হতে হবে",
      },
    });
    expect(result.outputs).toMatchObject({
      far: 3.15,
      groundCoveragePct: 67.5,
      requiredRearM: 1,
      requiredSideM: 0.8,
    });
  });

  test("setbacks below the band's minimum block; at the minimum they pass", async () => {
    const narrow = await check({
      roadWidthM: 8,
      plotKatha: 5,
      plotAreaSqm: 334.45,
      rearSetbackM: 1.99,
      sideSetbackM: 1.25,
      frontSetbackM: 1.5,
    });
    expect(narrow.actions.map((a) => (a.kind === "block" ? a.reason.en : a.kind))).toEqual([
      "The rear setback must be at least 2 m on a plot of above 268 m²",
    ]);
    const ok = await check({
      roadWidthM: 8,
      plotKatha: 5,
      plotAreaSqm: 334.45,
      rearSetbackM: 2,
      sideSetbackM: 1.25,
      frontSetbackM: 1.5,
    });
    expect(ok.actions).toEqual([]);
    expect(ok.outputs).toMatchObject({ far: 3.5, groundCoveragePct: 62.5 });
  });
});

describe("metrics", () => {
  test("evaluations are counted by rule set and outcome, and timed", async () => {
    await api.evaluate.mutate({ ruleSet: "purchase.approval", facts: { amount: "10.00" } });
    const text = await (await h.app.fetch(new Request("http://rules-engine.test/metrics"))).text();
    expect(text).toMatch(
      /vextrus_rules_evaluations_total\{rule_set="purchase.approval",kind="evaluate",outcome="approval",service="rules-engine"\} \d+/,
    );
    expect(text).toMatch(
      /vextrus_rules_evaluations_total\{rule_set="tax.vat",kind="evaluate",outcome="invalid"/,
    );
    expect(text).toMatch(
      /vextrus_rules_evaluation_duration_seconds_count\{service="rules-engine",rule_set="tax.vat"\} \d+/,
    );
  });
});
