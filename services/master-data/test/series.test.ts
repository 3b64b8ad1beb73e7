import { afterAll, beforeAll, expect, test } from "bun:test";
import { failure, type MdHarness, startMasterData } from "./harness.ts";

let h: MdHarness;
beforeAll(async () => {
  h = await startMasterData("series");
}, 30_000);
afterAll(async () => {
  await h.stop();
});

test("200 parallel calls get 200 distinct consecutive numbers with the fiscal-year prefix", async () => {
  h.clock.now = new Date("2025-08-15T04:00:00Z");
  const t = await h.newTenant();
  const companyId = Bun.randomUUIDv7();
  await t.api.series.create.mutate({
    companyId,
    key: "PO",
    name: "Purchase orders",
    pattern: "PO/{FY}/{SEQ:6}",
  });
  // The pool's 10 connections opened first: on a loaded machine, opening them all at once inside the
  // burst can outlast the 5 s connect timeout (UNAVAILABLE), which says nothing about the numbering.
  await Promise.all(Array.from({ length: 10 }, () => t.api.series.list.query({ companyId })));
  const numbers = await Promise.all(
    Array.from({ length: 200 }, () => t.api.series.next.mutate({ companyId, key: "PO" })),
  );
  const values = numbers.map((n) => n.value).sort((a, b) => a - b);
  expect(values).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  expect(new Set(numbers.map((n) => n.number)).size).toBe(200);
  expect(numbers.find((n) => n.value === 123)?.number).toBe("PO/2025-26/000123");
  const issued = (await h.events(t.tenantId)).filter((e) => e.type === "vextrus.master_data.series.issued");
  expect(issued).toHaveLength(200);
}, 60_000);

test("a yearly series starts again in July; a never-resetting one runs on; companies count apart", async () => {
  h.clock.now = new Date("2026-06-30T17:00:00Z"); // 30 June, 23:00 in Dhaka: still FY 2025-26
  const t = await h.newTenant();
  const companyId = Bun.randomUUIDv7();
  const other = Bun.randomUUIDv7();
  await t.api.series.create.mutate({ companyId, key: "INV", name: "Invoices", pattern: "INV-{FY}-{SEQ:4}" });
  await t.api.series.create.mutate({
    companyId,
    key: "GRN",
    name: "Goods received",
    pattern: "GRN{SEQ:5}",
    reset: "never",
  });
  await t.api.series.create.mutate({
    companyId: other,
    key: "INV",
    name: "Invoices",
    pattern: "B/{FY}/{SEQ}",
  });
  const next = (key: string, company = companyId) => t.api.series.next.mutate({ companyId: company, key });
  expect((await next("INV")).number).toBe("INV-2025-26-0001");
  expect((await next("INV")).number).toBe("INV-2025-26-0002");
  expect((await next("GRN")).number).toBe("GRN00001");
  expect((await next("INV", other)).number).toBe("B/2025-26/1");
  h.clock.now = new Date("2026-06-30T18:00:00Z"); // 1 July in Dhaka: FY 2026-27
  expect((await next("INV")).number).toBe("INV-2026-27-0001");
  expect((await next("GRN")).number).toBe("GRN00002");
  const missing = await failure(next("DO"));
  expect(missing).toMatchObject({ code: "NOT_FOUND", appCode: "master_data.series.not_found" });
});

test("patterns are checked; a yearly series must print its year; a stale update is CONFLICT", async () => {
  const t = await h.newTenant();
  const companyId = Bun.randomUUIDv7();
  for (const pattern of ["PO/{FY}", "PO/{SEQ}/{SEQ}", "PO/{SEQ:13}", "PO/{YEAR}/{SEQ}"]) {
    const refused = await failure(
      t.api.series.create.mutate({ companyId, key: "PO", name: "PO", pattern, reset: "never" }),
    );
    expect(
      refused.issues?.map((i) => i.path),
      pattern,
    ).toEqual(["pattern"]);
  }
  const noYear = await failure(
    t.api.series.create.mutate({ companyId, key: "PO", name: "PO", pattern: "PO-{SEQ:5}" }),
  );
  expect(noYear.issues?.map((i) => i.path)).toEqual(["pattern"]);
  const po = await t.api.series.create.mutate({
    companyId,
    key: "PO",
    name: "PO",
    pattern: "PO-{SEQ:5}",
    reset: "never",
  });
  const yearly = await failure(
    t.api.series.update.mutate({ id: po.id, expectedVersion: 1, reset: "fiscal_year" }),
  );
  expect(yearly).toMatchObject({ code: "BAD_REQUEST", appCode: "master_data.series.needs_fy" });
  const dup = await failure(
    t.api.series.create.mutate({ companyId, key: "PO", name: "again", pattern: "X{SEQ}", reset: "never" }),
  );
  expect(dup).toMatchObject({ code: "CONFLICT", appCode: "master_data.series.key_taken" });
  await t.api.series.update.mutate({
    id: po.id,
    expectedVersion: 1,
    pattern: "PO/{FY}/{SEQ:5}",
    reset: "fiscal_year",
  });
  expect((await failure(t.api.series.update.mutate({ id: po.id, expectedVersion: 1, name: "x" }))).code).toBe(
    "CONFLICT",
  );
  await t.api.series.archive.mutate({ id: po.id, expectedVersion: 2 });
  expect((await failure(t.api.series.next.mutate({ companyId, key: "PO" }))).code).toBe("NOT_FOUND");
});

test("another tenant's series is invisible and its counter untouched", async () => {
  const a = await h.newTenant();
  const b = await h.newTenant();
  const companyId = Bun.randomUUIDv7();
  const po = await a.api.series.create.mutate({
    companyId,
    key: "PO",
    name: "PO",
    pattern: "PO/{FY}/{SEQ:3}",
  });
  expect((await failure(b.api.series.next.mutate({ companyId, key: "PO" }))).code).toBe("NOT_FOUND");
  expect((await failure(b.api.series.get.query({ id: po.id }))).code).toBe("NOT_FOUND");
  expect((await a.api.series.next.mutate({ companyId, key: "PO" })).value).toBe(1);
});

test("gap-free: a call whose transaction fails after taking its number gives the number back", async () => {
  h.clock.now = new Date("2025-08-15T04:00:00Z");
  const t = await h.newTenant();
  const companyId = Bun.randomUUIDv7();
  await t.api.series.create.mutate({ companyId, key: "GRN", name: "GRN", pattern: "GRN/{FY}/{SEQ:4}" });
  expect((await t.api.series.next.mutate({ companyId, key: "GRN" })).number).toBe("GRN/2025-26/0001");
  // The outbox refuses this tenant's next event: the counter was raised in the same transaction.
  await h.sql.unsafe(`
    create function master_data.refuse_issued() returns trigger language plpgsql as $$
    begin
      if new.tenant_id = '${t.tenantId}' then raise exception 'outbox refused (test)'; end if;
      return new;
    end $$;
    create trigger refuse_issued before insert on master_data.outbox
      for each row execute function master_data.refuse_issued();`);
  try {
    const failed = await failure(t.api.series.next.mutate({ companyId, key: "GRN" }));
    expect(failed.code).toBe("INTERNAL_SERVER_ERROR");
  } finally {
    await h.sql.unsafe(
      "drop trigger refuse_issued on master_data.outbox; drop function master_data.refuse_issued();",
    );
  }
  const next = await t.api.series.next.mutate({ companyId, key: "GRN" });
  expect(next).toMatchObject({ number: "GRN/2025-26/0002", value: 2 });
  const issued = (await h.events(t.tenantId)).filter((e) => e.type === "vextrus.master_data.series.issued");
  expect(issued.map((e) => e.data.number)).toEqual(["GRN/2025-26/0001", "GRN/2025-26/0002"]);
});
