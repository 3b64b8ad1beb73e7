import { createTRPCClient, httpLink } from "@trpc/client";
import {
  AppError,
  createLogger,
  createMetrics,
  createService,
  createTokenVerifier,
  initServiceTrpc,
} from "@vextrus/platform";
import { APP_ROLE, type Database, migrateService, postgresDatabase } from "@vextrus/platform/db";
import { createTestDatabase, createTestSigner } from "@vextrus/platform/testing";
import superjson from "superjson";
import { z } from "zod";
import { createApp } from "../src/app.ts";
import { MIGRATIONS } from "../src/boot.ts";
import type { Credentials } from "../src/deps.ts";
import { createWorker, type WorkerOptions } from "../src/domain/worker.ts";
import type { SchedulerRouter } from "../src/router.ts";
import { organizationTenants } from "../src/tenants.ts";

/** A clock tests move: the service never takes "now" from a caller. */
export class TestClock {
  constructor(private now = new Date("2026-06-15T00:00:00.000Z")) {}
  read = () => new Date(this.now);
  set(at: string | Date) {
    this.now = new Date(at);
  }
  advance(ms: number) {
    this.now = new Date(this.now.getTime() + ms);
  }
}

/** What the stand-in downstream service saw: one entry per call that reached its procedure. */
export interface Call {
  path: string;
  tenantId: string;
  permissions: readonly string[];
  input: unknown;
}

/**
 * A real tRPC service (the platform's createService, verifying real signed tokens) standing in for
 * the gateway: the scheduler calls its procedures exactly as it calls the gateway's. `probe.fail`
 * refuses while `failing` holds, `probe.slow` answers after `slowMs`.
 */
function downstream(
  verifier: Awaited<ReturnType<typeof createTokenVerifier>>,
  log: ReturnType<typeof createLogger>,
) {
  const calls: Call[] = [];
  const state = {
    failing: true,
    slowMs: 0,
    tenants: [] as string[],
    /** `probe.slow` calls in progress per tenant now, and the most at once. */
    running: new Map<string, number>(),
    mostAtOnce: new Map<string, number>(),
  };
  const t = initServiceTrpc<Record<string, never>>();
  const record = (path: string) =>
    t.tenantProcedure
      .input(z.object({ n: z.number().optional() }).loose())
      .mutation(async ({ ctx, input }) => {
        calls.push({ path, tenantId: ctx.tenantId, permissions: ctx.principal.permissions, input });
        return { ok: true };
      });
  const router = t.router({
    // Also organization's tenant list, as the backfill job reads it (two per page, to page).
    tenants: t.router({
      list: t.tenantProcedure
        .meta({ permission: "platform:tenant:read" })
        .input(z.object({ limit: z.number(), cursor: z.string().optional() }))
        .query(({ input }) => {
          const from = input.cursor ? Number(input.cursor) : 0;
          const items = state.tenants.slice(from, from + 2).map((id) => ({ id, status: "active" }));
          return { items, nextCursor: from + 2 < state.tenants.length ? String(from + 2) : null };
        }),
    }),
    probe: t.router({
      ping: record("probe.ping"),
      escalate: t.tenantProcedure
        .meta({ permission: "workflow:task:escalate" })
        .input(z.object({}).loose())
        .mutation(({ ctx, input }) => {
          calls.push({
            path: "probe.escalate",
            tenantId: ctx.tenantId,
            permissions: ctx.principal.permissions,
            input,
          });
          return { escalated: 0 };
        }),
      fail: t.tenantProcedure.input(z.object({}).loose()).mutation(({ ctx, input }) => {
        calls.push({
          path: "probe.fail",
          tenantId: ctx.tenantId,
          permissions: ctx.principal.permissions,
          input,
        });
        if (state.failing) {
          throw new AppError("PRECONDITION_FAILED", "probe.failing", {
            en: "probe is failing",
            bn: "প্রোব ব্যর্থ",
          });
        }
        return { ok: true };
      }),
      slow: t.tenantProcedure.input(z.object({}).loose()).mutation(async ({ ctx, input }) => {
        calls.push({
          path: "probe.slow",
          tenantId: ctx.tenantId,
          permissions: ctx.principal.permissions,
          input,
        });
        const now = (state.running.get(ctx.tenantId) ?? 0) + 1;
        state.running.set(ctx.tenantId, now);
        state.mostAtOnce.set(ctx.tenantId, Math.max(now, state.mostAtOnce.get(ctx.tenantId) ?? 0));
        try {
          await Bun.sleep(state.slowMs);
        } finally {
          state.running.set(ctx.tenantId, (state.running.get(ctx.tenantId) ?? 1) - 1);
        }
        return { ok: true };
      }),
    }),
  });
  const app = createService({
    name: "probe",
    version: "0",
    router,
    deps: {},
    log,
    metrics: createMetrics("probe"),
    verifyToken: verifier,
    checks: {},
  });
  return { app, calls, state };
}

/**
 * A real scheduler for one test file: its own database on the real PostgreSQL server, migrated with
 * the committed migrations, its app answering in-process, a movable clock, and workers (replicas)
 * each with a connection pool of its own.
 */
export async function startScheduler(label: string) {
  const testDb = await createTestDatabase(label);
  await migrateService({ url: testDb.url }, "scheduler", MIGRATIONS);
  const signer = await createTestSigner();
  const verifyToken = await createTokenVerifier({ publicKey: signer.publicKey, issuer: "vextrus-auth" });
  const db: Database = postgresDatabase({ url: testDb.url, appRole: APP_ROLE });
  const clock = new TestClock();
  const logLines: string[] = [];
  const log = createLogger({ level: "debug", write: (line) => logLines.push(line) });
  const target = downstream(verifyToken, log);
  const viaTarget = (input: string | URL | Request, init?: RequestInit) =>
    Promise.resolve(target.app.fetch(new Request(input, init)));
  const tenants = organizationTenants({
    organizationUrl: "http://organization.test",
    timeoutMs: 5_000,
    fetch: viaTarget,
  });
  const { app, deps } = createApp({ db, log, verifyToken, clock: clock.read, tenants });
  const credentials: Credentials = (tenantId, userId, permissions) =>
    signer.sign({ tenantId, userId, permissions });
  const pools: Database[] = [];
  return {
    app,
    db,
    deps,
    signer,
    clock,
    logLines,
    target,
    databaseUrl: testDb.url,
    /** A replica: its own pool, the same clock, the stand-in gateway. */
    worker(options: Partial<WorkerOptions> = {}) {
      const own = postgresDatabase({ url: testDb.url, appRole: APP_ROLE });
      pools.push(own);
      return createWorker({
        db: own,
        clock: clock.read,
        log,
        metrics: deps.metrics,
        gatewayUrl: "http://gateway.test",
        fetch: viaTarget,
        credentials,
        pollMs: 20,
        concurrency: 50,
        tenantConcurrency: 1_000,
        random: () => 0.5,
        ...options,
      });
    },
    async tenant(permissions: readonly string[] = ["scheduler:*", "workflow:task:escalate"]) {
      const tenantId = Bun.randomUUIDv7();
      const userId = Bun.randomUUIDv7();
      const token = await signer.sign({ tenantId, userId, permissions });
      return { tenantId, userId, token, api: clientFor(app, token) };
    },
    async stop() {
      await Promise.all(pools.map((p) => p.close()));
      await db.close();
      await testDb.drop();
    },
  };
}

export type SchedulerHarness = Awaited<ReturnType<typeof startScheduler>>;

type Fetcher = { fetch(request: Request): Response | Promise<Response> };

export function clientFor(app: Fetcher, token?: string) {
  return createTRPCClient<SchedulerRouter>({
    links: [
      httpLink({
        url: "http://scheduler.test/trpc",
        transformer: superjson,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
        fetch: (url, init) => Promise.resolve(app.fetch(new Request(url, init as RequestInit))),
      }),
    ],
  });
}
