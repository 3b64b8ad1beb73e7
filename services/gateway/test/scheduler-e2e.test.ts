/**
 * Scheduled jobs end to end: a tenant creates jobs through the gateway, a scheduler replica (booted as
 * production boots it, worker on) runs them by calling the target procedure through the same gateway
 * with a one-minute token auth issues for the job's tenant and creator, and audit records the events.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MAINTENANCE_PERMISSION, PLATFORM_TENANT_ID } from "@vextrus/events";
import { createLogger } from "@vextrus/platform";
import { type Booted, bootScheduler } from "@vextrus/scheduler/boot";
import { SchedulerEnv } from "@vextrus/scheduler/env";
import { PLATFORM_JOBS } from "@vextrus/scheduler/platform-jobs";
import postgres from "postgres";
import {
  type RunningGateway,
  type RunningServices,
  SERVICE_TOKEN_SECRET,
  startGateway,
  startServices,
} from "./harness.ts";
import { catalog } from "./procedures.ts";
import { type AuthKeySigner, authKeySigner } from "./tokens.ts";

let services: RunningServices;
let gateway: RunningGateway;
let replica: Booted;
let signer: AuthKeySigner;
/** A tenant that existed before the scheduler replica started: its platform job is missing. */
let older: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  services = await startServices("sched_e2e");
  gateway = startGateway(services.table);
  signer = await authKeySigner(services.auth.databaseUrl);
  older = await signUp("older");
  await services.settle();
  const sql = postgres(services.scheduler.databaseUrl, { max: 1, onnotice: () => {} });
  await sql`delete from scheduler.jobs where tenant_id = ${older.registered.tenant.id}`;
  await sql.end();
  const env = SchedulerEnv.parse({
    DATABASE_URL: services.scheduler.databaseUrl,
    JWKS_URL: `${services.auth.url}/.well-known/jwks.json`,
    GATEWAY_URL: gateway.url,
    ORGANIZATION_URL: services.organization.url,
    AUTH_URL: services.auth.url,
    SERVICE_TOKEN_SECRET,
    SCHEDULER_POLL_MS: "50",
  });
  replica = await bootScheduler(
    { ...env, PORT: 0 },
    { bus: services.bus, log: createLogger({ level: "error", write: () => {} }) },
  );
}, 120_000);
afterAll(async () => {
  for (const part of replica.parts) {
    await part.stop();
  }
  await gateway.stop();
  await services.stop();
});

async function signUp(hint: string) {
  const slug = `${hint}-${Bun.randomUUIDv7().slice(-8)}`;
  const registered = await gateway.client().auth.registerTenant.mutate({
    tenant: { slug, legalName: `${hint} Builders Ltd` },
    admin: { name: "Farhana Islam", email: `admin@${slug}.com.bd`, password: "Jute-Harbour-Monsoon-42x" },
  });
  return { registered, api: gateway.client({ token: registered.accessToken }) };
}

describe("scheduled jobs through the gateway", () => {
  test("a new tenant gets the platform job that escalates overdue approvals every 5 minutes", async () => {
    const { api } = await signUp("platform");
    await services.settle();
    const deadline = Date.now() + 15_000;
    let names: string[] = [];
    while (Date.now() < deadline) {
      names = (await api.scheduler.jobs.list.query({})).items.map((j) => j.name);
      if (names.length > 0) {
        break;
      }
      await Bun.sleep(100);
    }
    expect(names).toEqual(["Escalate overdue approval tasks"]);
  }, 30_000);

  test("a procedure job runs workflow.escalateOverdue with the tenant's job token; one without the permission dies FORBIDDEN; audit records both", async () => {
    const { registered, api } = await signUp("sched");
    const runAt = new Date(Date.now() + 300).toISOString();
    const escalate = await api.scheduler.jobs.create.mutate({
      name: "escalate overdue approvals",
      schedule: { kind: "once", runAt },
      target: { kind: "procedure", path: "workflow.escalateOverdue" },
      permissions: ["workflow:task:escalate"],
    });
    const unpermitted = await api.scheduler.jobs.create.mutate({
      name: "escalate without the permission",
      schedule: { kind: "once", runAt },
      target: { kind: "procedure", path: "workflow.escalateOverdue" },
      maxAttempts: 1,
    });
    const outcome = async (jobId: string) => (await api.scheduler.runs.list.query({ jobId })).items[0];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const [a, b] = await Promise.all([outcome(escalate.id), outcome(unpermitted.id)]);
      if (a?.status === "succeeded" && b?.status === "dead") {
        break;
      }
      await Bun.sleep(100);
    }
    expect(await outcome(escalate.id)).toMatchObject({ status: "succeeded", attempt: 1, error: null });
    const dead = await outcome(unpermitted.id);
    expect(dead?.status).toBe("dead");
    expect(dead?.error).toContain("FORBIDDEN");

    await services.settle();
    const { items } = await api.audit.events.list.query({ typePrefix: "vextrus.scheduler." });
    const types = items.map((e) => `${e.type} ${(e.data as { id?: string } | null)?.id}`);
    expect(types).toContain(`vextrus.scheduler.job.created ${escalate.id}`);
    expect(types).toContain(`vextrus.scheduler.job.run_dead ${unpermitted.id}`);
    const created = items.find((e) => e.type === "vextrus.scheduler.job.created");
    expect(created?.actorId).toBe(registered.user.id);
  }, 60_000);
});

describe("platform jobs", () => {
  test("every maintenance procedure of every service is the target of a platform job, and each target exists", () => {
    const maintenance = catalog()
      .filter((p) => p.local.startsWith("maintenance."))
      .map((p) => p.path)
      .sort();
    const platformTargets = PLATFORM_JOBS.filter((j) => j.scope === "platform")
      .map((j) => j.target.path)
      .sort();
    expect(platformTargets).toEqual(maintenance);
    const all = new Set(catalog().map((p) => p.path));
    for (const job of PLATFORM_JOBS) {
      expect(all.has(job.target.path), job.target.path).toBe(true);
    }
  });

  test("the backfill job ran through the gateway with a platform credential and gave an older tenant its job", async () => {
    const deadline = Date.now() + 30_000;
    let keys: (string | null)[] = [];
    while (Date.now() < deadline) {
      keys = (await older.api.scheduler.jobs.list.query({})).items.map((j) => j.idempotencyKey);
      if (keys.length > 0) {
        break;
      }
      await Bun.sleep(100);
    }
    expect(keys).toEqual(["platform:workflow.escalateOverdue"]);
    // A platform operator sees the housekeeping jobs in one place, with their runs.
    const operator = await signer.sign({
      tenantId: PLATFORM_TENANT_ID,
      userId: Bun.randomUUIDv7(),
      permissions: ["scheduler:job:read", MAINTENANCE_PERMISSION],
    });
    const ops = gateway.client({ token: operator });
    const { items } = await ops.scheduler.jobs.list.query({ limit: 100 });
    expect(items.length).toBe(PLATFORM_JOBS.filter((j) => j.scope === "platform").length);
    const backfill = items.find(
      (j) => j.idempotencyKey === "platform:scheduler.maintenance.backfillPlatformJobs",
    );
    const runs = await ops.scheduler.runs.list.query({ jobId: backfill?.id ?? "" });
    expect(runs.items[0]).toMatchObject({ status: "succeeded", attempt: 1 });
    // The housekeeping procedures answer a platform credential through the gateway.
    expect(await ops.auth.maintenance.pruneSignInAttempts.mutate()).toEqual({ removed: 0 });
    expect((await ops.audit.maintenance.applyRetention.mutate()).removed).toBe(0);
    expect((await ops.workflow.maintenance.pruneOutbox.mutate()).removed).toBe(0);
  }, 60_000);
});
