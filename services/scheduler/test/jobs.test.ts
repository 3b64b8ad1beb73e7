import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MAINTENANCE_PERMISSION, PLATFORM_TENANT_ID } from "@vextrus/events";
import postgres from "postgres";
import { ensurePlatformJobs, OUTBOX_SERVICES, PLATFORM_JOBS } from "../src/domain/platform-jobs.ts";
import { failure } from "./expect.ts";
import { clientFor, type SchedulerHarness, startScheduler } from "./harness.ts";

let h: SchedulerHarness;
let sql: postgres.Sql;

beforeAll(async () => {
  h = await startScheduler("scheduler_jobs");
  sql = postgres(h.databaseUrl, { max: 2, onnotice: () => {} });
}, 60_000);
afterAll(async () => {
  await sql.end();
  await h.stop();
});

const event = { kind: "event" as const, data: { report: "daily" } };

describe("jobs", () => {
  test("create, get, list (keyset pages), update with expectedVersion, pause and resume", async () => {
    const t = await h.tenant();
    const made = [];
    for (let i = 0; i < 3; i++) {
      made.push(
        await t.api.jobs.create.mutate({
          name: `interval ${i}`,
          schedule: { kind: "interval", everySeconds: 300 },
          target: event,
        }),
      );
    }
    const first = made[0];
    if (!first) {
      throw new Error("no job");
    }
    expect(first).toMatchObject({
      status: "active",
      version: 1,
      catchUp: "last",
      maxAttempts: 3,
      timeoutSeconds: 60,
    });
    expect(first.nextRunAt).toBe(new Date(h.clock.read().getTime() + 300_000).toISOString());
    expect(await t.api.jobs.get.query({ id: first.id })).toEqual(first);

    const page1 = await t.api.jobs.list.query({ limit: 2 });
    expect(page1.items.map((j) => j.id)).toEqual(made.slice(0, 2).map((j) => j.id));
    const page2 = await t.api.jobs.list.query({ limit: 2, cursor: page1.nextCursor ?? undefined });
    expect(page2.items.map((j) => j.id)).toEqual(made.slice(2).map((j) => j.id));
    expect(page2.nextCursor).toBeNull();

    const updated = await t.api.jobs.update.mutate({
      id: first.id,
      expectedVersion: 1,
      name: "every morning",
      schedule: { kind: "cron", cron: "0 9 * * *" },
    });
    expect(updated).toMatchObject({
      name: "every morning",
      version: 2,
      schedule: { kind: "cron", cron: "0 9 * * *" },
    });
    // 2026-06-15T00:00Z is 06:00 in Dhaka: the next 09:00 there is 03:00 UTC the same day.
    expect(updated.nextRunAt).toBe("2026-06-15T03:00:00.000Z");
    const stale = await failure(t.api.jobs.update.mutate({ id: first.id, expectedVersion: 1, name: "late" }));
    expect(stale.code).toBe("CONFLICT");

    const paused = await t.api.jobs.pause.mutate({ id: first.id, expectedVersion: 2 });
    expect(paused.status).toBe("paused");
    expect((await t.api.jobs.list.query({ status: "paused" })).items.map((j) => j.id)).toEqual([first.id]);
    h.clock.advance(86_400_000);
    const resumed = await t.api.jobs.resume.mutate({ id: first.id, expectedVersion: 3 });
    expect(resumed.status).toBe("active");
    expect(resumed.nextRunAt).toBe("2026-06-16T03:00:00.000Z");

    const events = await sql<{ type: string }[]>`
      select event->>'type' as type from scheduler.outbox where event->>'subject' = ${first.id} order by id`;
    expect(events.map((e) => e.type)).toEqual([
      "vextrus.scheduler.job.created",
      "vextrus.scheduler.job.updated",
      "vextrus.scheduler.job.updated",
      "vextrus.scheduler.job.updated",
    ]);
  });

  test("an idempotency key answers the first job instead of making a second", async () => {
    const t = await h.tenant();
    const input = {
      name: "month end close",
      schedule: { kind: "once" as const, runAt: "2026-06-30T18:00:00.000Z" },
      target: event,
      idempotencyKey: "close-2026-06",
    };
    const a = await t.api.jobs.create.mutate(input);
    const b = await t.api.jobs.create.mutate(input);
    expect(b.id).toBe(a.id);
    expect((await t.api.jobs.list.query({})).items).toHaveLength(1);
    // Another tenant's key space is its own.
    const other = await h.tenant();
    expect((await other.api.jobs.create.mutate(input)).id).not.toBe(a.id);
  });
});

describe("bad input: 400 naming the field, in English and Bengali", () => {
  test("a cron expression croner refuses", async () => {
    const t = await h.tenant();
    const f = await failure(
      t.api.jobs.create.mutate({ name: "x", schedule: { kind: "cron", cron: "61 * * * *" }, target: event }),
    );
    expect(f.code).toBe("BAD_REQUEST");
    expect(f.issues?.[0]?.path).toBe("schedule.cron");
  });

  test("a procedure path that is not one, credential-like event data, an unknown catch-up", async () => {
    const t = await h.tenant();
    const path = await failure(
      t.api.jobs.create.mutate({
        name: "x",
        schedule: { kind: "interval", everySeconds: 60 },
        target: { kind: "procedure", path: "../admin", type: "mutation" },
      }),
    );
    expect(path.issues?.[0]?.path).toBe("target.path");
    const secret = await failure(
      t.api.jobs.create.mutate({
        name: "x",
        schedule: { kind: "interval", everySeconds: 60 },
        target: { kind: "event", data: { password: "hunter2" } },
      }),
    );
    expect(secret.issues?.[0]?.path).toBe("target.data");
    const catchUp = await failure(
      t.api.jobs.create.mutate({
        name: "x",
        schedule: { kind: "interval", everySeconds: 60 },
        target: event,
        catchUp: "some" as "all",
      }),
    );
    expect(catchUp.issues?.[0]?.path).toBe("catchUp");
  });

  test("a permission the creator does not hold cannot be given to a job; the message is in Bengali on request", async () => {
    const t = await h.tenant(["scheduler:*"]);
    const f = await failure(
      t.api.jobs.create.mutate({
        name: "x",
        schedule: { kind: "interval", everySeconds: 60 },
        target: { kind: "procedure", path: "workflow.escalateOverdue", type: "mutation" },
        permissions: ["workflow:task:escalate"],
      }),
    );
    expect(f.code).toBe("BAD_REQUEST");
    expect(f.issues?.[0]?.path).toBe("permissions.0");
    const response = await h.app.fetch(
      new Request("http://scheduler.test/trpc/jobs.create", {
        method: "POST",
        headers: {
          authorization: `Bearer ${t.token}`,
          "content-type": "application/json",
          "accept-language": "bn",
        },
        body: JSON.stringify({
          json: {
            name: "x",
            schedule: { kind: "interval", everySeconds: 60 },
            target: { kind: "event", data: {} },
            permissions: ["workflow:task:escalate"],
          },
        }),
      }),
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("অনুমতি");
  });
});

describe("security", () => {
  test("another tenant's job is NOT_FOUND and never listed; its runs are not listed", async () => {
    const a = await h.tenant();
    const b = await h.tenant();
    const job = await a.api.jobs.create.mutate({
      name: "a's",
      schedule: { kind: "interval", everySeconds: 60 },
      target: event,
    });
    expect((await failure(b.api.jobs.get.query({ id: job.id }))).code).toBe("NOT_FOUND");
    expect((await failure(b.api.jobs.pause.mutate({ id: job.id, expectedVersion: 1 }))).code).toBe(
      "NOT_FOUND",
    );
    expect((await b.api.jobs.list.query({})).items).toEqual([]);
    expect((await b.api.runs.list.query({ jobId: job.id })).items).toEqual([]);
  });

  test("without the permission: FORBIDDEN; without a token: UNAUTHORIZED", async () => {
    const reader = await h.tenant(["scheduler:job:read"]);
    const f = await failure(
      reader.api.jobs.create.mutate({
        name: "x",
        schedule: { kind: "interval", everySeconds: 60 },
        target: event,
      }),
    );
    expect(f.code).toBe("FORBIDDEN");
    const nobody = await h.tenant([]);
    expect((await failure(nobody.api.jobs.list.query({}))).code).toBe("FORBIDDEN");
    expect((await failure(clientFor(h.app).jobs.list.query({}))).code).toBe("UNAUTHORIZED");
  });

  test("row-level security is enabled and forced on every tenant table; the app role without a tenant sees nothing", async () => {
    const rows = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }[]>`
      select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_class c
      join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'scheduler' and c.relname in ('jobs', 'runs')`;
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.relrowsecurity && r.relforcerowsecurity)).toBe(true);
    const t = await h.tenant();
    await t.api.jobs.create.mutate({
      name: "hidden",
      schedule: { kind: "interval", everySeconds: 60 },
      target: event,
    });
    const seen = await sql.begin(async (tx) => {
      await tx`set local role vextrus_app`;
      return tx<{ n: number }[]>`select count(*)::int as n from scheduler.jobs`;
    });
    expect(seen[0]?.n).toBe(0);
  });
});

describe("health and metrics", () => {
  test("/health/ready names postgres; /metrics carries the queue gauges", async () => {
    const ready = await h.app.fetch(new Request("http://scheduler.test/health/ready"));
    expect(ready.status).toBe(200);
    expect(await ready.text()).toContain("postgres");
    const metrics = await (await h.app.fetch(new Request("http://scheduler.test/metrics"))).text();
    for (const name of [
      "vextrus_scheduler_runs_due",
      "vextrus_scheduler_runs_running",
      "vextrus_scheduler_runs_dead",
      "vextrus_scheduler_lag_seconds",
    ]) {
      expect(metrics).toContain(name);
    }
  });
});

describe("platform jobs", () => {
  test("a new tenant gets each platform job once (escalating overdue approvals every 5 minutes)", async () => {
    const t = await h.tenant();
    const now = h.clock.read();
    expect(await h.db.tenant(t.tenantId, (tx) => ensurePlatformJobs(tx, t.tenantId, now))).toBe(1);
    expect(await h.db.tenant(t.tenantId, (tx) => ensurePlatformJobs(tx, t.tenantId, now))).toBe(0);
    const { items } = await t.api.jobs.list.query({});
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      name: "Escalate overdue approval tasks",
      schedule: { kind: "interval", everySeconds: 300 },
      target: { kind: "procedure", path: "workflow.escalateOverdue", type: "mutation" },
      permissions: ["workflow:task:escalate"],
      idempotencyKey: "platform:workflow.escalateOverdue",
      nextRunAt: new Date(now.getTime() + 300_000).toISOString(),
    });
  });
});

describe("platform housekeeping and the backfill", () => {
  test("the platform tenant gets one job per housekeeping procedure; the backfill is due at once", async () => {
    const now = h.clock.read();
    const platform = PLATFORM_JOBS.filter((j) => j.scope === "platform");
    const ensure = () =>
      h.db.tenant(PLATFORM_TENANT_ID, (tx) => ensurePlatformJobs(tx, PLATFORM_TENANT_ID, now));
    const first = await ensure();
    expect(first === platform.length || first === 0).toBe(true);
    expect(await ensure()).toBe(0);
    const operator = await h.signer.sign({
      tenantId: PLATFORM_TENANT_ID,
      userId: Bun.randomUUIDv7(),
      permissions: ["scheduler:job:read"],
    });
    const { items } = await clientFor(h.app, operator).jobs.list.query({ limit: 100 });
    const paths = items.map((j) => (j.target.kind === "procedure" ? j.target.path : ""));
    expect(paths.sort()).toEqual(platform.map((j) => j.target.path).sort());
    for (const service of OUTBOX_SERVICES) {
      expect(paths).toContain(`${service}.maintenance.pruneOutbox`);
    }
    expect(paths).toContain("auth.maintenance.pruneSignInAttempts");
    expect(paths).toContain("audit.maintenance.applyRetention");
    const backfill = items.find(
      (j) => j.idempotencyKey === "platform:scheduler.maintenance.backfillPlatformJobs",
    );
    expect(backfill?.permissions).toEqual([MAINTENANCE_PERMISSION, "platform:tenant:read"]);
    expect(backfill?.schedule).toEqual({ kind: "interval", everySeconds: 3_600 });
    if (first > 0) {
      expect(backfill?.nextRunAt).toBe(now.toISOString());
    }
    // A customer tenant never sees them.
    const t = await h.tenant();
    expect((await t.api.jobs.list.query({})).items).toEqual([]);
  });

  test("backfill: tenants made before the scheduler get their platform jobs once, paged from organization", async () => {
    const older = await Promise.all([h.tenant(), h.tenant(), h.tenant()]);
    const ids = older.map((t) => t.tenantId);
    h.target.state.tenants = ids;
    const withoutRead = await h.signer.sign({
      tenantId: PLATFORM_TENANT_ID,
      userId: Bun.randomUUIDv7(),
      permissions: [MAINTENANCE_PERMISSION],
    });
    // The caller's own credential reaches organization: without platform:tenant:read it is refused there.
    expect(
      (await failure(clientFor(h.app, withoutRead).maintenance.backfillPlatformJobs.mutate())).code,
    ).toBe("FORBIDDEN");
    // A tenant's admin may not run it at all.
    const [first] = older;
    expect(
      (await failure(first?.api.maintenance.backfillPlatformJobs.mutate() ?? Promise.resolve())).code,
    ).toBe("FORBIDDEN");
    const job = await h.signer.sign({
      tenantId: PLATFORM_TENANT_ID,
      userId: Bun.randomUUIDv7(),
      permissions: [MAINTENANCE_PERMISSION, "platform:tenant:read"],
    });
    const api = clientFor(h.app, job);
    expect(await api.maintenance.backfillPlatformJobs.mutate()).toEqual({ tenants: 3, added: 3 });
    expect(await api.maintenance.backfillPlatformJobs.mutate()).toEqual({ tenants: 3, added: 0 });
    for (const t of older) {
      const { items } = await t.api.jobs.list.query({});
      expect(items.map((j) => j.idempotencyKey)).toEqual(["platform:workflow.escalateOverdue"]);
    }
    h.target.state.tenants = [];
  });
});
