import { AppError } from "@vextrus/platform";
import { eq, sql } from "drizzle-orm";
import { exportsTable, imports } from "../../db/schema.ts";
import type { ImportExportDeps } from "../../deps.ts";
import { ENTITIES, type EntityName } from "../entities.ts";
import { publish } from "../events.ts";
import { apply, rollback } from "./apply.ts";
import { runExport } from "./export.ts";
import { claimExport, claimImport, type JobTable, jobFor, LeaseLost } from "./job.ts";
import { finishPreview, stage } from "./stage.ts";

/** Work a replica may take: an import to stage, apply or roll back, or an export to write. */
export interface Work {
  kind: "import" | "export";
  tenantId: string;
  id: string;
}

/** How long a job that failed for a passing reason (a service down) waits before it is tried again. */
const RETRY_MS = 5_000;

const messageOf = (error: unknown) =>
  error instanceof AppError
    ? `${error.code}: ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error);

/**
 * A job's failure: a passing one (a service or storage unavailable, a token not issued) leaves it
 * to be tried again after a pause; any other ends it as failed, with the reason and an event.
 */
async function failed(
  deps: ImportExportDeps,
  table: JobTable,
  work: Work,
  error: unknown,
  entity: string,
  actor: string,
) {
  if (error instanceof LeaseLost) {
    return;
  }
  const text = messageOf(error).slice(0, 1_000);
  if (error instanceof AppError && error.kind === "UNAVAILABLE") {
    deps.log.warn("job paused", { id: work.id, kind: work.kind, error: text });
    await deps.db.tenant(work.tenantId, (tx) =>
      tx
        .update(table)
        // Nobody's lease (not even this replica's) until the pause is over.
        .set({ leaseOwner: "paused", leaseUntil: new Date(deps.now().getTime() + RETRY_MS), error: text })
        .where(eq(table.id, work.id)),
    );
    return;
  }
  deps.log.error("job failed", { id: work.id, kind: work.kind, error: text });
  await deps.db.tenant(work.tenantId, async (tx) => {
    await tx
      .update(table)
      .set({
        status: "failed",
        error: text,
        leaseOwner: null,
        leaseUntil: null,
        version: sql`${table.version} + 1`,
        updatedAt: deps.now(),
      })
      .where(eq(table.id, work.id));
    await publish(
      tx,
      { tenantId: work.tenantId, actorId: actor },
      "vextrus.import_export.job.failed",
      work.id,
      {
        id: work.id,
        kind: work.kind,
        entity,
        error: text,
      },
    );
  });
  deps.metrics.jobsFinished.inc({ kind: work.kind, outcome: "failed" });
}

/** Runs one piece of work if this replica can claim it. */
export async function runWork(deps: ImportExportDeps, work: Work) {
  if (work.kind === "export") {
    const row = await claimExport(deps, work.tenantId, work.id);
    if (!row || (row.status !== "pending" && row.status !== "running")) {
      return;
    }
    const job = jobFor(deps, exportsTable, row);
    try {
      await job.progress({ status: "running", rows: 0 });
      await runExport(job, row);
    } catch (error) {
      await failed(deps, exportsTable, work, error, row.entity, row.createdBy);
    }
    return;
  }
  const row = await claimImport(deps, work.tenantId, work.id);
  if (!row) {
    return;
  }
  const job = jobFor(deps, imports, row);
  try {
    if (row.status === "staging") {
      const entity = ENTITIES[row.entity as EntityName];
      const spec = await deps.masterData.spec(entity, await job.call());
      await job.progress({ phase: "preview", done: 0, failed: 0, phaseTotal: 0, phaseStartedAt: deps.now() });
      const total = await stage(job, row, spec);
      await finishPreview(job, { ...row, total });
    } else if (row.status === "applying") {
      await apply(job, row);
    } else if (row.status === "rolling_back") {
      await rollback(job, row);
    }
  } catch (error) {
    await failed(deps, imports, work, error, row.entity, row.createdBy);
  }
}
