import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PLATFORM_TENANT_ID } from "@vextrus/events";
import postgres from "postgres";
import { failure } from "./expect.ts";
import { type ConfigHarness, clientFor, startConfiguration } from "./harness.ts";

let h: ConfigHarness;
let superuser: postgres.Sql;

beforeAll(async () => {
  h = await startConfiguration("config_values");
  superuser = postgres(h.databaseUrl, { max: 2, onnotice: () => {} });
}, 30_000);
afterAll(async () => {
  await superuser.end();
  await h.stop();
});

describe("resolve: the narrowest scope in force wins, with where it came from", () => {
  test("nothing set: the declared default, from 'default'", async () => {
    const t = await h.tenant();
    const r = await t.api.resolve.query({ key: "workflow.sla.hours" });
    expect(r.value).toBe(48);
    expect(r.source).toEqual({ level: "default" });
    expect(r.validUntil).toBeNull();
  });

  test("tenant, company and department values: each context gets its own, with scope and version", async () => {
    const t = await h.tenant();
    const companyId = Bun.randomUUIDv7();
    const departmentId = Bun.randomUUIDv7();
    const key = "workflow.sla.hours" as const;
    await t.api.set.mutate({ key, scope: { level: "tenant" }, value: 24, expectedVersion: 0 });
    await t.api.set.mutate({ key, scope: { level: "tenant" }, value: 36, expectedVersion: 1 });
    const company = await t.api.set.mutate({
      key,
      scope: { level: "company", companyId },
      value: 72,
      expectedVersion: 0,
    });
    await t.api.set.mutate({
      key,
      scope: { level: "department", departmentId },
      value: 8,
      expectedVersion: 0,
    });

    const tenantWide = await t.api.resolve.query({ key });
    expect(tenantWide.value).toBe(36);
    expect(tenantWide.source).toMatchObject({ level: "tenant", scopeId: t.tenantId, version: 2 });

    const inCompany = await t.api.resolve.query({ key, scope: { companyId } });
    expect(inCompany.value).toBe(72);
    expect(inCompany.source).toMatchObject({
      level: "company",
      scopeId: companyId,
      version: 1,
      valueId: company.id,
    });

    const inDepartment = await t.api.resolve.query({ key, scope: { companyId, departmentId } });
    expect(inDepartment.value).toBe(8);
    expect(inDepartment.source).toMatchObject({ level: "department", scopeId: departmentId });

    const otherCompany = await t.api.resolve.query({ key, scope: { companyId: Bun.randomUUIDv7() } });
    expect(otherCompany.value).toBe(36);
  });

  test("resolveMany answers every key in one call, defaults included", async () => {
    const t = await h.tenant();
    await t.api.set.mutate({
      key: "documents.invoice.prefix",
      scope: { level: "tenant" },
      value: "RH-INV/",
      expectedVersion: 0,
    });
    const { items } = await t.api.resolveMany.query({
      keys: [
        "documents.invoice.prefix",
        "organization.currency",
        "organization.timeZone",
        "organization.fiscalYearStart",
      ],
    });
    expect(items.map((i) => [i.key, i.value, i.source.level])).toEqual([
      ["documents.invoice.prefix", "RH-INV/", "tenant"],
      ["organization.currency", "BDT", "default"],
      ["organization.timeZone", "Asia/Dhaka", "default"],
      ["organization.fiscalYearStart", "07-01", "default"],
    ]);
  });
});

describe("effective dating", () => {
  test("a VAT rate set from a future date: before it the old rate, after it the new one", async () => {
    const operator = await h.tenant(["configuration:*", "platform:config:write"]);
    const tenant = await h.tenant();
    const key = "bd.vat.standardRate" as const;
    const current = await tenant.api.history.query({ key, scope: { level: "platform" } });
    const latest = current.items[0]?.version ?? 0;
    await operator.api.set.mutate({
      key,
      scope: { level: "platform" },
      value: "15",
      effectiveFrom: "2019-07-01T00:00:00+06:00",
      expectedVersion: latest,
    });
    await operator.api.set.mutate({
      key,
      scope: { level: "platform" },
      value: "17.5",
      effectiveFrom: "2027-07-01T00:00:00+06:00",
      expectedVersion: latest + 1,
    });
    // Today (the service's clock): the old rate, and the answer says until when it holds.
    const today = await tenant.api.resolve.query({ key });
    expect(today.value).toBe("15");
    expect(today.source).toMatchObject({ level: "platform", version: latest + 1 });
    expect(today.validUntil?.toISOString()).toBe("2027-06-30T18:00:00.000Z");
    const before = await tenant.api.resolve.query({ key, at: "2027-06-30T17:59:59Z" });
    expect(before.value).toBe("15");
    const after = await tenant.api.resolve.query({ key, at: "2027-06-30T18:00:00Z" });
    expect(after.value).toBe("17.5");
    expect(after.source).toMatchObject({ level: "platform", version: latest + 2 });
    // The clock passing the date changes the answer without anyone touching it.
    h.clock.set("2027-07-02T00:00:00Z");
    try {
      expect((await tenant.api.resolve.query({ key })).value).toBe("17.5");
    } finally {
      h.clock.set("2026-06-15T06:00:00.000Z");
    }
  });

  test("a value with an end date applies only inside its range; then the earlier version again", async () => {
    const t = await h.tenant();
    const key = "documents.invoice.prefix" as const;
    await t.api.set.mutate({
      key,
      scope: { level: "tenant" },
      value: "A-",
      effectiveFrom: "2026-01-01T00:00:00Z",
      expectedVersion: 0,
    });
    await t.api.set.mutate({
      key,
      scope: { level: "tenant" },
      value: "PROMO-",
      effectiveFrom: "2026-12-01T00:00:00Z",
      effectiveTo: "2027-01-01T00:00:00Z",
      expectedVersion: 1,
    });
    const at = async (instant: string) => (await t.api.resolve.query({ key, at: instant })).value;
    expect(await at("2025-12-31T23:59:59Z")).toBe("INV-");
    expect(await at("2026-11-30T00:00:00Z")).toBe("A-");
    expect(await at("2026-12-15T00:00:00Z")).toBe("PROMO-");
    expect(await at("2027-01-01T00:00:00Z")).toBe("A-");
  });

  test("an empty range is refused naming effectiveTo", async () => {
    const t = await h.tenant();
    const error = await failure(
      t.api.set.mutate({
        key: "documents.invoice.prefix",
        scope: { level: "tenant" },
        value: "X-",
        effectiveFrom: "2027-01-01T00:00:00Z",
        effectiveTo: "2026-01-01T00:00:00Z",
        expectedVersion: 0,
      }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.issues?.[0]?.path).toBe("effectiveTo");
  });
});

describe("set: validated against the key's schema, optimistic, permissioned", () => {
  test("a wrong type or an out-of-range value is a 400 on value naming the key, in English and Bengali", async () => {
    const t = await h.tenant();
    const bn = clientFor(h.app, t.token, { "accept-language": "bn" });
    for (const value of [721, "48", 0, 4.5]) {
      const error = await failure(
        t.api.set.mutate({
          key: "workflow.sla.hours",
          scope: { level: "tenant" },
          value,
          expectedVersion: 0,
        }),
      );
      expect(error.httpStatus).toBe(400);
      expect(error.issues?.[0]?.path).toBe("value");
      expect(error.message).toContain("workflow.sla.hours");
    }
    const inBengali = await failure(
      bn.set.mutate({
        key: "workflow.sla.hours",
        scope: { level: "tenant" },
        value: 721,
        expectedVersion: 0,
      }),
    );
    expect(inBengali.message).toContain("workflow.sla.hours");
    expect(inBengali.message).toMatch(/[\u0980-\u09FF]/);
  });

  test("an unknown key and a scope the key does not allow are 400s naming the field", async () => {
    const t = await h.tenant();
    const unknown = await failure(
      t.api.set.mutate({
        key: "nope.key" as "workflow.sla.hours",
        scope: { level: "tenant" },
        value: 1,
        expectedVersion: 0,
      }),
    );
    expect(unknown.issues?.[0]?.path).toBe("key");
    const wrongScope = await failure(
      t.api.set.mutate({
        key: "workflow.sla.hours",
        scope: { level: "user", userId: t.userId },
        value: 1,
        expectedVersion: 0,
      }),
    );
    expect(wrongScope.issues?.[0]?.path).toBe("scope.level");
  });

  test("a stale expectedVersion is CONFLICT; of two concurrent writers exactly one wins", async () => {
    const t = await h.tenant();
    const set = (value: number, expectedVersion: number) =>
      t.api.set.mutate({ key: "workflow.sla.hours", scope: { level: "tenant" }, value, expectedVersion });
    await set(10, 0);
    expect((await failure(set(11, 0))).code).toBe("CONFLICT");
    expect((await failure(set(11, 5))).appCode).toBe("configuration.value.stale");
    const outcomes = await Promise.allSettled([set(20, 1), set(30, 1), set(40, 1)]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const history = await t.api.history.query({ key: "workflow.sla.hours", scope: { level: "tenant" } });
    expect(history.items.map((i) => i.version)).toEqual([2, 1]);
  });

  test("the key's own permission and platform:config:write for platform values are required", async () => {
    const t = await h.tenant(["configuration:value:write", "configuration:value:read"]);
    const noKeyPermission = await failure(
      t.api.set.mutate({
        key: "workflow.sla.hours",
        scope: { level: "tenant" },
        value: 5,
        expectedVersion: 0,
      }),
    );
    expect(noKeyPermission.code).toBe("FORBIDDEN");
    const admin = await h.tenant();
    // A tenant cannot raise its own gateway limit, nor set platform-wide values.
    expect(
      (
        await failure(
          admin.api.set.mutate({
            key: "gateway.rateLimit.perSecond",
            scope: { level: "tenant" },
            value: 5000,
            expectedVersion: 0,
          }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    expect(
      (
        await failure(
          admin.api.set.mutate({
            key: "bd.vat.standardRate",
            scope: { level: "platform" },
            value: "5",
            expectedVersion: 0,
          }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    const reader = await h.tenant(["configuration:value:read"]);
    expect(
      (
        await failure(
          reader.api.set.mutate({
            key: "workflow.sla.hours",
            scope: { level: "tenant" },
            value: 5,
            expectedVersion: 0,
          }),
        )
      ).code,
    ).toBe("FORBIDDEN");
  });
});

describe("history and events", () => {
  test("every change is an immutable version, newest first, paged; its event carries before and after", async () => {
    const t = await h.tenant();
    const scope = { level: "company" as const, companyId: Bun.randomUUIDv7() };
    for (let v = 0; v < 5; v++) {
      await t.api.set.mutate({ key: "documents.invoice.prefix", scope, value: `P${v}-`, expectedVersion: v });
    }
    const first = await t.api.history.query({ key: "documents.invoice.prefix", scope, limit: 2 });
    expect(first.items.map((i) => [i.version, i.value])).toEqual([
      [5, "P4-"],
      [4, "P3-"],
    ]);
    expect(first.items[0]?.createdBy).toBe(t.userId);
    const rest = await t.api.history.query({
      key: "documents.invoice.prefix",
      scope,
      limit: 10,
      cursor: first.nextCursor ?? undefined,
    });
    expect(rest.items.map((i) => i.version)).toEqual([3, 2, 1]);
    expect(rest.nextCursor).toBeNull();

    const events = await superuser`
      select event from configuration.outbox where tenant_id = ${t.tenantId} order by id`;
    expect(events).toHaveLength(5);
    const last = events.at(-1)?.event as {
      type: string;
      subject: string;
      actorid: string;
      data: Record<string, unknown>;
    };
    expect(last.type).toBe("vextrus.config.setting.changed");
    expect(last.subject).toBe(`documents.invoice.prefix@company:${scope.companyId}`);
    expect(last.actorid).toBe(t.userId);
    expect(last.data).toMatchObject({
      key: "documents.invoice.prefix",
      scope: { level: "company", id: scope.companyId },
      before: { version: 4, value: "P3-" },
      after: { version: 5, value: "P4-" },
    });
    const firstEvent = events[0]?.event as { data: { before: unknown } };
    expect(firstEvent.data.before).toBeNull();
  });

  test("a refused change writes neither a version nor an event", async () => {
    const t = await h.tenant();
    await failure(
      t.api.set.mutate({
        key: "workflow.sla.hours",
        scope: { level: "tenant" },
        value: 9999,
        expectedVersion: 0,
      }),
    );
    await failure(
      t.api.set.mutate({
        key: "workflow.sla.hours",
        scope: { level: "tenant" },
        value: 9,
        expectedVersion: 3,
      }),
    );
    const [counts] = await superuser`
      select (select count(*)::int from configuration.values where tenant_id = ${t.tenantId}) as v,
             (select count(*)::int from configuration.outbox where tenant_id = ${t.tenantId}) as e`;
    expect(counts).toEqual({ v: 0, e: 0 });
  });

  test("values.list pages through the tenant's own versions only", async () => {
    const t = await h.tenant();
    for (const key of ["organization.language", "organization.timeZone", "organization.currency"] as const) {
      const value = {
        "organization.language": "en",
        "organization.timeZone": "Asia/Dhaka",
        "organization.currency": "BDT",
      }[key];
      await t.api.set.mutate({ key, scope: { level: "tenant" }, value, expectedVersion: 0 });
    }
    const page = await t.api.values.list.query({ limit: 2 });
    expect(page.items).toHaveLength(2);
    const next = await t.api.values.list.query({ limit: 2, cursor: page.nextCursor ?? undefined });
    expect(next.items).toHaveLength(1);
    expect(next.nextCursor).toBeNull();
    expect((await t.api.values.list.query({ key: "organization.timeZone" })).items).toHaveLength(1);
  });
});

describe("tenancy", () => {
  test("another tenant sees none of A's values; A's value at B's company id never reaches B", async () => {
    const a = await h.tenant();
    const b = await h.tenant();
    const bCompany = Bun.randomUUIDv7();
    await a.api.set.mutate({
      key: "workflow.sla.hours",
      scope: { level: "tenant" },
      value: 3,
      expectedVersion: 0,
    });
    await a.api.set.mutate({
      key: "workflow.sla.hours",
      scope: { level: "company", companyId: bCompany },
      value: 5,
      expectedVersion: 0,
    });
    const asB = await b.api.resolve.query({ key: "workflow.sla.hours", scope: { companyId: bCompany } });
    expect(asB.value).toBe(48);
    expect(asB.source.level).toBe("default");
    expect(
      (await b.api.history.query({ key: "workflow.sla.hours", scope: { level: "tenant" } })).items,
    ).toEqual([]);
    expect((await b.api.values.list.query({})).items).toEqual([]);
  });

  test("the app role sees nothing without a tenant, cannot change a version, and cannot write platform rows", async () => {
    const t = await h.tenant();
    await t.api.set.mutate({
      key: "workflow.sla.hours",
      scope: { level: "tenant" },
      value: 7,
      expectedVersion: 0,
    });
    const blind = await h.db.tenant(Bun.randomUUIDv7(), (tx) =>
      tx.execute(
        "select count(*)::int as n from configuration.values where tenant_id <> '00000000-0000-0000-0000-000000000000'",
      ),
    );
    expect(JSON.stringify(blind)).toContain('"n":0');
    await expect(
      h.db.tenant(t.tenantId, (tx) => tx.execute("update configuration.values set version = 9")),
    ).rejects.toThrow();
    await expect(
      h.db.tenant(t.tenantId, (tx) =>
        tx.execute(`insert into configuration.values (id, tenant_id, key, scope_level, scope_id, version, value, effective_from, created_by)
          values (gen_random_uuid(), '${PLATFORM_TENANT_ID}', 'bd.vat.standardRate', 'platform', '${PLATFORM_TENANT_ID}', 99, '{"v":"1"}', now(), gen_random_uuid())`),
      ),
    ).rejects.toThrow();
    const [rls] = await superuser`
      select relrowsecurity as enabled, relforcerowsecurity as forced from pg_class where oid = 'configuration.values'::regclass`;
    expect(rls).toEqual({ enabled: true, forced: true });
  });
});

describe("definitions", () => {
  test("definitions.list gives every key with JSON Schema, default, scopes and permission", async () => {
    const t = await h.tenant(["configuration:definition:read"]);
    const { items } = await t.api.definitions.list.query();
    const sla = items.find((d) => d.key === "workflow.sla.hours");
    expect(sla).toMatchObject({
      kind: "setting",
      default: 48,
      scopes: ["tenant", "company", "department"],
      jsonSchema: { type: "integer", minimum: 1, maximum: 720 },
    });
    expect(sla?.description.bn).toMatch(/[\u0980-\u09FF]/);
    const flags = await t.api.definitions.list.query({ kind: "flag" });
    expect(flags.items.length).toBeGreaterThan(0);
    expect(flags.items.every((d) => d.kind === "flag" && d.variants !== null)).toBe(true);
  });
});

describe("bad input the shared layer and the schema refuse", () => {
  test("a value past 16 KiB, a NUL or a __proto__ key is a 400 naming the field", async () => {
    const t = await h.tenant();
    const big = await failure(
      t.api.set.mutate({
        key: "notification.quietHours",
        scope: { level: "tenant" },
        value: { start: "x".repeat(20_000), end: "08:00" },
        expectedVersion: 0,
      }),
    );
    expect([big.httpStatus, big.issues?.[0]?.path]).toEqual([400, "value"]);
    const nul = await failure(
      t.api.set.mutate({
        key: "documents.invoice.prefix",
        scope: { level: "tenant" },
        value: "A\u0000",
        expectedVersion: 0,
      }),
    );
    expect([nul.httpStatus, nul.issues?.[0]?.path]).toEqual([400, "value"]);
    const cursor = await failure(
      t.api.history.query({ key: "workflow.sla.hours", scope: { level: "tenant" }, cursor: "not-ours" }),
    );
    expect([cursor.httpStatus, cursor.issues?.[0]?.path]).toEqual([400, "cursor"]);
  });
});

describe("who may resolve", () => {
  test("any signed-in user of the tenant resolves and evaluates flags; history and changes need permissions", async () => {
    const owner = await h.tenant();
    await owner.api.set.mutate({
      key: "organization.language",
      scope: { level: "tenant" },
      value: "en",
      expectedVersion: 0,
    });
    const token = await h.signer.sign({
      tenantId: owner.tenantId,
      permissions: ["organization:company:read"],
    });
    const plain = clientFor(h.app, token);
    expect((await plain.resolve.query({ key: "organization.language" })).value).toBe("en");
    expect(
      (await plain.flags.evaluate.query({ keys: ["workflow.flags.parallelApproval"] })).items,
    ).toHaveLength(1);
    expect(
      (await failure(plain.history.query({ key: "organization.language", scope: { level: "tenant" } }))).code,
    ).toBe("FORBIDDEN");
    expect((await failure(clientFor(h.app).resolve.query({ key: "organization.language" }))).code).toBe(
      "UNAUTHORIZED",
    );
  });
});
