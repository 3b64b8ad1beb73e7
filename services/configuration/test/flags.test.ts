import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { bucketOf } from "@vextrus/config";
import { failure } from "./expect.ts";
import { type ConfigHarness, startConfiguration } from "./harness.ts";

let h: ConfigHarness;

beforeAll(async () => {
  h = await startConfiguration("config_flags");
}, 30_000);
afterAll(() => h.stop());

const KEY = "workflow.flags.parallelApproval" as const;
const off = { tenantIds: [], companyIds: [], userIds: [] };

describe("flags.evaluate", () => {
  test("an unset flag is off, by default", async () => {
    const t = await h.tenant();
    const { items } = await t.api.flags.evaluate.query({ keys: [KEY, "documents.flags.invoiceLayout"] });
    expect(items.map((i) => [i.key, i.value, i.variant, i.reason])).toEqual([
      [KEY, false, "off", "DISABLED"],
      ["documents.flags.invoiceLayout", "classic", "classic", "DISABLED"],
    ]);
  });

  test("targeting: the listed company and user get the variant, others the default", async () => {
    const t = await h.tenant();
    const companyId = Bun.randomUUIDv7();
    const userId = Bun.randomUUIDv7();
    await t.api.set.mutate({
      key: "documents.flags.invoiceLayout",
      scope: { level: "tenant" },
      value: { enabled: true, variant: "mushak63", companyIds: [companyId], userIds: [userId] },
      expectedVersion: 0,
    });
    const evaluate = async (context: { companyId?: string; userId?: string }) =>
      (await t.api.flags.evaluate.query({ keys: ["documents.flags.invoiceLayout"], context })).items[0];
    expect(await evaluate({ companyId })).toMatchObject({ value: "mushak63", reason: "TARGETING_MATCH" });
    expect(await evaluate({ userId })).toMatchObject({ value: "mushak63", reason: "TARGETING_MATCH" });
    expect(await evaluate({ companyId: Bun.randomUUIDv7() })).toMatchObject({
      value: "classic",
      reason: "DEFAULT",
    });
  });

  test("a variant the flag does not declare is refused naming value", async () => {
    const t = await h.tenant();
    const error = await failure(
      t.api.set.mutate({
        key: "documents.flags.invoiceLayout",
        scope: { level: "tenant" },
        value: { enabled: true, variant: "fancy" },
        expectedVersion: 0,
      }),
    );
    expect(error.issues?.[0]?.path).toBe("value");
    expect(error.message).toContain("documents.flags.invoiceLayout");
  });

  test("a percentage rollout is deterministic per user and close to the percentage", async () => {
    const t = await h.tenant();
    await t.api.set.mutate({
      key: KEY,
      scope: { level: "tenant" },
      value: { enabled: true, variant: "on", ...off, percentage: 30 },
      expectedVersion: 0,
    });
    const users = Array.from({ length: 200 }, () => Bun.randomUUIDv7());
    const served = async () =>
      Promise.all(
        users.map(async (userId) => {
          const [item] = (await t.api.flags.evaluate.query({ keys: [KEY], context: { userId } })).items;
          expect(item?.reason).toBe("SPLIT");
          return item?.value === true;
        }),
      );
    const first = await served();
    expect(await served()).toEqual(first);
    // The service's answer is the package's bucket, so every replica and every SDK agrees.
    expect(first).toEqual(users.map((u) => bucketOf(KEY, u) < 30));
    const share = first.filter(Boolean).length / users.length;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.42);
    // The caller's own user is the unit when the context names none.
    const [own] = (await t.api.flags.evaluate.query({ keys: [KEY] })).items;
    expect(own?.value).toBe(bucketOf(KEY, t.userId) < 30);
  });

  test("one tenant before all: a platform rule targeting a tenant; a tenant's own rule wins over it", async () => {
    const operator = await h.tenant(["configuration:*", "platform:config:write"]);
    const early = await h.tenant();
    const late = await h.tenant();
    const [latest] = (await early.api.history.query({ key: KEY, scope: { level: "platform" } })).items;
    await operator.api.set.mutate({
      key: KEY,
      scope: { level: "platform" },
      value: { enabled: true, variant: "on", ...off, tenantIds: [early.tenantId] },
      expectedVersion: latest?.version ?? 0,
    });
    const value = async (t: typeof early) => (await t.api.flags.evaluate.query({ keys: [KEY] })).items[0];
    expect(await value(early)).toMatchObject({
      value: true,
      reason: "TARGETING_MATCH",
      source: { level: "platform" },
    });
    expect(await value(late)).toMatchObject({ value: false, reason: "DEFAULT" });
    await early.api.set.mutate({
      key: KEY,
      scope: { level: "tenant" },
      value: { enabled: false, variant: "on" },
      expectedVersion: 0,
    });
    expect(await value(early)).toMatchObject({
      value: false,
      reason: "DISABLED",
      source: { level: "tenant" },
    });
  });
});
