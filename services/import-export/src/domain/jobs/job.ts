import type { EventInput } from "@vextrus/events";
import type { CallContext } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, eq, sql } from "drizzle-orm";
import { exportsTable, imports } from "../../db/schema.ts";
import type { ImportExportDeps } from "../../deps.ts";
import { publish } from "../events.ts";

/** Another replica took the job over (this one stalled past its lease): stop without writing more. */
export class LeaseLost extends Error {
  constructor() {
    super("the job's lease was taken over");
    this.name = "LeaseLost";
  }
}

export type JobTable = typeof imports | typeof exportsTable;

/** What a running job works with: its tenant's transactions, its lease, and a token to call services. */
export interface Job {
  deps: ImportExportDeps;
  tenantId: string;
  tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** A call context acting for the job's creator with the permissions delegated to it. */
  call(): Promise<CallContext>;
  /** Extends the lease; throws LeaseLost when another replica holds it now. */
  renew(): Promise<void>;
  progress(patch: Record<string, unknown>): Promise<void>;
  /**
   * Ends the job: its final state (`patch`), the lease released, the version bumped and
   * `job.completed` written in one transaction; then the finished-jobs metric.
   */
  finish(
    patch: Record<string, unknown>,
    completed: EventInput<"vextrus.import_export.job.completed">,
    metricKind: string,
  ): Promise<void>;
}

export function jobFor(
  deps: ImportExportDeps,
  table: JobTable,
  row: { id: string; tenantId: string; createdBy: string; permissions: string[] },
): Job {
  // One table or the other: drizzle's update() wants one table type, not their union.
  const jobs = table as typeof imports;
  const tx = <T>(fn: (tx: Tx) => Promise<T>) => deps.db.tenant(row.tenantId, fn);
  const mine = and(eq(table.id, row.id), eq(table.leaseOwner, deps.settings.replicaId));
  return {
    deps,
    tenantId: row.tenantId,
    tx,
    async call() {
      const token = await deps.credentials(row.tenantId, row.createdBy, row.permissions);
      return { requestId: Bun.randomUUIDv7(), authorization: `Bearer ${token}` };
    },
    async renew() {
      if (deps.stopping.value) {
        await tx((t) => t.update(table).set({ leaseUntil: null }).where(mine));
        throw new LeaseLost();
      }
      const until = new Date(deps.now().getTime() + deps.settings.leaseMs);
      const renewed = await tx((t) =>
        t.update(table).set({ leaseUntil: until }).where(mine).returning({ id: table.id }),
      );
      if (renewed.length === 0) {
        throw new LeaseLost();
      }
    },
    async progress(patch) {
      await tx((t) =>
        t
          .update(table)
          .set({ ...patch, updatedAt: deps.now() })
          .where(mine),
      );
    },
    async finish(patch, completed, metricKind) {
      await tx(async (t) => {
        await t
          .update(jobs)
          .set({
            ...patch,
            leaseOwner: null,
            leaseUntil: null,
            version: sql`${jobs.version} + 1`,
            updatedAt: deps.now(),
          })
          .where(eq(jobs.id, row.id));
        await publish(
          t,
          { tenantId: row.tenantId, actorId: row.createdBy },
          "vextrus.import_export.job.completed",
          row.id,
          completed,
        );
      });
      deps.metrics.jobsFinished.inc({ kind: metricKind, outcome: "done" });
    },
  };
}

const claimable = (deps: ImportExportDeps, table: JobTable, id: string, now: Date) =>
  and(
    eq(table.id, id),
    sql`(${table.leaseUntil} is null or ${table.leaseUntil} < ${now.toISOString()} or ${table.leaseOwner} = ${deps.settings.replicaId})`,
  );

const lease = (deps: ImportExportDeps, now: Date) => ({
  leaseOwner: deps.settings.replicaId,
  leaseUntil: new Date(now.getTime() + deps.settings.leaseMs),
});

/**
 * Claims an import for this replica: free, or its lease run out, or already this replica's (it was
 * restarted: REPLICA_ID is stable across restarts). Undefined when someone else holds it.
 */
export async function claimImport(deps: ImportExportDeps, tenantId: string, id: string) {
  const now = deps.now();
  const [row] = await deps.db.tenant(tenantId, (t) =>
    t
      .update(imports)
      .set(lease(deps, now))
      .where(claimable(deps, imports, id, now))
      .returning(),
  );
  return row;
}

/** Claims an export for this replica (as claimImport). */
export async function claimExport(deps: ImportExportDeps, tenantId: string, id: string) {
  const now = deps.now();
  const [row] = await deps.db.tenant(tenantId, (t) =>
    t
      .update(exportsTable)
      .set(lease(deps, now))
      .where(claimable(deps, exportsTable, id, now))
      .returning(),
  );
  return row;
}
